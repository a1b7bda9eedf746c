"""Ctrl-C and SIGTERM for every command: the first asks the run to stop with its best plan, the
second ends the process at once.

Use it around a command's work, then :func:`exit_if_stopped` after writing::

    with stoppable(time_limit, command_began()) as stop:
        plan = solve(case, scenario, stop=for_solving(stop, time_limit, writing, charts))
        ...write, leaving out the charts past for_writing(stop, time_limit)...
        exit_if_stopped(stop)   # exit 130 (SIGINT) or 143 (SIGTERM) when it was stopped

The time limit's promise: the whole command, from the process's start to its exit, ends within
the limit + 10 % + 2 s (:func:`promise`). The solve stops early enough to leave time for the
outputs, and charts that would still end past the promise are left out (:func:`charts_left_out`).
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from types import FrameType

from lotting.stop import Stop

from . import LOADED, STARTED

#: The shell's convention: 128 + the signal's number.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXIT_CODES = {"interrupted": EXIT_INTERRUPTED, "terminated": EXIT_TERMINATED}


#: Seconds kept after the last output is written for Python to exit (it frees every module and
#: array on the way out): about half a second on a busy 2-core machine.
EXIT_SECONDS = 0.5
#: Seconds to write a plan's tables and plan.json (the charts are estimated apart).
WRITE_SECONDS = 0.3
#: Seconds a solve may run past its deadline: each stage stops at its next check (HiGHS's
#: presolve, a step of the greedy start, reading the solution back).
OVERRUN_SECONDS = 0.7
#: The CLI counts from the process's start only when it was loaded for this command: within
#: this many seconds of the process starting, and the command begun as long after that.
FRESH = 30.0


def promise(seconds: float) -> float:
    """How long a whole run with ``--time-limit seconds`` may take: the limit + 10 % + 2 s.

    >>> promise(10)
    13.0
    """
    return 1.1 * seconds + 2.0


def command_began() -> float:
    """When the command's time limit starts counting (``time.perf_counter``): the process's
    start, so that starting Python and loading the libraries count; or now, when the CLI runs
    inside an older process (a notebook, a test calling ``main``)."""
    now = time.perf_counter()
    if LOADED - STARTED <= FRESH and now - LOADED <= FRESH:
        return STARTED
    return now


def for_solving(
    stop: Stop, seconds: float | None, writing: float, charts: Mapping[str, float]
) -> Stop:
    """The solve's stop: the command's deadline made earlier by the part of the outputs' time
    (``writing`` seconds for the files, then ``charts``, name → estimated seconds in drawing
    order) that the promise's slack beyond the limit cannot cover. It moves by at most half
    the limit: a plan matters more than its charts, so the charts that would need more are
    neither waited for nor (later, by :func:`charts_left_out`) drawn.

    >>> early = for_solving(Stop.after(4.0), 4.0, 0.3, {"lots.png": 2.0})
    >>> round(early.left(), 1)  # slack 1.9 s: 1.1 s of the 3 s (with the overrun) from the solve
    2.9
    >>> round(for_solving(Stop.after(4.0), 4.0, 0.3, {"lots.png": 9.0}).left(), 1)
    4.0
    """
    if not seconds:
        return stop
    slack = promise(seconds) - seconds - EXIT_SECONDS
    outputs = OVERRUN_SECONDS + writing
    for cost in charts.values():
        if outputs + cost - slack > seconds / 2:
            break  # this chart and the rest will not be drawn: keep no time for them
        outputs += cost
    return stop.sooner(max(0.0, outputs - slack))


#: Seconds from a Ctrl-C (or SIGTERM) to the end of the run: issue 17's promise.
STOP_SECONDS = 2.0


def for_writing(stop: Stop, seconds: float | None) -> Stop:
    """The deadline the outputs must be written by: the promise's end less the time to exit
    (no deadline without a limit), and after a Ctrl-C or SIGTERM no later than
    :data:`STOP_SECONDS` after it, less the time to exit. The request itself does not stop the
    writing: an interrupted run writes its plan whole, leaving out only charts that do not fit.
    """
    deadline = stop.deadline + promise(seconds) - seconds - EXIT_SECONDS if seconds else math.inf
    if stop.requested_at is not None:
        deadline = min(deadline, stop.requested_at + STOP_SECONDS - EXIT_SECONDS)
    return Stop(deadline)


def charts_left_out(charts: Mapping[str, float], until: Stop, writing: float = 0.0) -> list[str]:
    """The charts (name → estimated seconds, in drawing order) that would end past ``until``
    after ``writing`` seconds of other files: the first that does not fit and every one after
    it (the first pays for loading matplotlib).

    >>> charts_left_out({"lots.png": 1.0, "map.png": 3.0}, Stop.after(2.0))
    ['map.png']
    >>> charts_left_out({"lots.png": 1.0}, Stop.after(None))
    []
    """
    spent, left_out = writing, list[str]()
    for name, seconds in charts.items():
        if left_out or not until.affords(spent + seconds):
            left_out.append(name)
        spent += seconds
    return left_out


@contextlib.contextmanager
def stoppable(seconds: float | None = None, began: float | None = None) -> Iterator[Stop]:
    """A :class:`Stop` (due ``seconds`` after ``began``, a ``time.perf_counter`` reading, by
    default now; none without ``seconds``) that SIGINT and SIGTERM request while the block
    runs; the previous handlers come back after it."""
    start = time.perf_counter() if began is None else began
    stop = Stop(start + seconds) if seconds else Stop()

    def handle(signum: int, frame: FrameType | None) -> None:
        reason = "terminated" if signum == signal.SIGTERM else "interrupted"
        if stop.requested:  # the second signal: stop at once, writing nothing more
            os.write(2, b"\nStopped at once.\n")
            os._exit(EXIT_CODES[reason])
        stop.request(reason)
        os.write(
            2,
            f"\n{reason.capitalize()}: finishing with the best plan so far "
            "(press Ctrl-C again to stop at once)...\n".encode(),
        )

    with _handling(handle):
        yield stop


@contextlib.contextmanager
def cancellable() -> Iterator[list[str]]:
    """For work that stops by KeyboardInterrupt (tasks on dask workers, which are cancelled):
    SIGINT and SIGTERM raise it while the block runs; the list yielded gets the reason."""
    got: list[str] = []

    def handle(signum: int, frame: FrameType | None) -> None:
        got.append("terminated" if signum == signal.SIGTERM else "interrupted")
        raise KeyboardInterrupt

    with _handling(handle):
        yield got


@contextlib.contextmanager
def _handling(handle: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """``handle`` for SIGINT and SIGTERM while the block runs; the previous handlers after it."""
    previous = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def exit_code(reason: str | None) -> int | None:
    """The exit status for a stop request's reason (None when the run was not stopped)."""
    return EXIT_CODES.get(reason or "")


def exit_if_stopped(stop: Stop) -> None:
    """Exit 130/143 when the run was interrupted or terminated (after its outputs are written)."""
    code = exit_code(stop.reason) if stop.requested else None
    if code is not None:
        sys.exit(code)
