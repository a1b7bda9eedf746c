"""Ctrl-C and SIGTERM for every command: the first asks the run to stop with its best plan, the
second ends the process at once.

Use it around a command's work, then :func:`exit_if_stopped` after writing::

    with stoppable(time_limit) as stop:
        plan = solve(case, scenario, stop=stop)
        ...write...
        exit_if_stopped(stop)   # exit 130 (SIGINT) or 143 (SIGTERM) when it was stopped
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType

from lotting.stop import Stop

#: The shell's convention: 128 + the signal's number.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
EXIT_CODES = {"interrupted": EXIT_INTERRUPTED, "terminated": EXIT_TERMINATED}


@contextlib.contextmanager
def stoppable(seconds: float | None = None) -> Iterator[Stop]:
    """A :class:`Stop` (due ``seconds`` from now, when given) that SIGINT and SIGTERM request
    while the block runs; the previous handlers come back after it."""
    stop = Stop.after(seconds or None)

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
