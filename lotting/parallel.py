"""Independent solves on dask.distributed: a local cluster of processes, or a running cluster.

dask is imported only when a cluster is used, so ``import lotting`` stays light. Results come back
in the order of the tasks, whatever order they finish in, so they never depend on the number of
workers or on the scheduler.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from distributed import Client

#: Called after each task with (tasks done, tasks running, tasks in all).
TaskProgress = Callable[[int, int, int], None]

#: Where to run: a dask Client, a scheduler address such as "tcp://10.0.0.5:8786", or None for a
#: local cluster (see :func:`run_tasks`).
Target = Any

#: A worker's threads that would otherwise compete with the one solver thread per worker.
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

#: The local cluster's scheduler: one retry of a task whose worker died (the second death makes
#: it a failure), and one task per worker thread at a time (the rest wait at the scheduler), so
#: a worker's death counts against the task it was running, not against tasks queued behind it.
CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.scheduler.worker-saturation": 1.0,
}


@dataclass(frozen=True)
class Failure:
    """A task that ended in error or whose worker died twice: the reason, for its row."""

    reason: str


def cores() -> int:
    """The cores this process may use (the default number of local workers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Where(TypedDict, total=False):
    """Where :func:`run_tasks` runs and whom it tells: its keyword arguments, passed on."""

    client: Target
    workers: int | None
    progress: TaskProgress | None


def run_tasks(
    function: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence[Any],
    client: Target = None,
    workers: int | None = None,
    progress: TaskProgress | None = None,
) -> list[Any]:
    """``function(shared, item)`` for every item, the results in the items' order.

    ``shared`` (the case) is sent to the cluster once, not once per task. With ``client`` (a
    ``distributed.Client`` or a scheduler address) the tasks run on that cluster; otherwise on a
    local cluster of ``workers`` processes (default: this machine's cores) with one thread each,
    shut down at the end; one worker means here, one task after another, without dask. A task
    whose worker dies is run once more (on a local cluster; a running cluster's scheduler applies
    its own ``allowed-failures``), then its result is a :class:`Failure`; so is a task that
    raised. Ctrl-C (KeyboardInterrupt) cancels every task before it propagates.

    >>> run_tasks(pow, 2, [1, 3, 10], workers=1)
    [2, 8, 1024]
    """
    if client is None and (workers or cores()) == 1:
        return _run_here(function, shared, items, progress)
    with _connected(client, workers) as connected:
        return _run_on(connected, function, shared, items, progress)


def _run_here(
    function: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence[Any],
    progress: TaskProgress | None,
) -> list[Any]:
    """Every task in this process, in order."""
    results = []
    for done, item in enumerate(items, 1):
        try:
            results.append(function(shared, item))
        except Exception as err:  # one task's bug is its row, as on a cluster
            results.append(Failure(f"{type(err).__name__}: {err}"))
        if progress is not None:
            progress(done, min(1, len(items) - done), len(items))
    return results


@contextlib.contextmanager
def _connected(client: Target, workers: int | None) -> Iterator[Client]:
    """The given Client, a Client of the given address, or a new local cluster's Client."""
    from distributed import Client, LocalCluster

    if isinstance(client, Client):
        yield client
        return
    if client is not None:
        with Client(str(client)) as connected:
            yield connected
        return
    import dask

    with (
        dask.config.set(CLUSTER_CONFIG),
        LocalCluster(
            n_workers=workers or cores(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
            env=SINGLE_THREADED,
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def _run_on(
    client: Client,
    function: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence[Any],
    progress: TaskProgress | None,
) -> list[Any]:
    """Send ``shared`` once, submit a task per item, gather the results as they finish."""
    from distributed import as_completed

    total = len(items)
    if total == 0:
        return []
    # Sent once, as a task of its own rather than scattered: workers copy its result from each
    # other, and when every worker holding it has died the scheduler can make it again (scattered
    # data would be lost, and every task needing it cancelled).
    data = client.submit(_same, shared, pure=False)
    futures = [client.submit(function, data, item, retries=1, pure=False) for item in items]
    position = {future.key: i for i, future in enumerate(futures)}
    results: list[Any] = [None] * total
    slots = max(1, sum(client.nthreads().values()))
    try:
        for done, future in enumerate(as_completed(futures), 1):
            results[position[future.key]] = _outcome(future)
            future.release()  # forgotten on the cluster: never run again if its worker dies
            if progress is not None:
                progress(done, min(slots, total - done), total)
    except BaseException:  # Ctrl-C above all: nothing may keep running on the cluster
        client.cancel(futures, force=True)
        raise
    return results


def _same(value: Any) -> Any:
    """The value itself: the task that holds the shared value on the cluster."""
    return value


def _outcome(future: Any) -> Any:
    """A finished task's result, or a Failure saying why it has none."""
    from distributed import KilledWorker

    if future.status == "cancelled":
        return Failure("it was cancelled on the cluster")
    if future.status != "error":
        return future.result()
    err = future.exception()
    if isinstance(err, KilledWorker):
        return Failure("its worker died, also when it was run again")
    return Failure(f"{type(err).__name__}: {err}")
