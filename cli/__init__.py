"""The `lotting` command line: a thin layer over the library (installed as ``lotting.cli``).

Importing it first makes Ctrl-C and SIGTERM during the second or two the libraries take to load
end the process at once with exit 130 / 143 (nothing exists yet to write); each command then
installs its own handlers (:mod:`lotting.cli.signals`). It also notes when the process started
(:data:`STARTED`), since --time-limit counts from there: starting Python and loading the
libraries are part of the run the user waits for.
"""

import os
import signal
import threading
import time
from types import FrameType


def _process_started() -> float:
    """The :func:`time.perf_counter` reading at which this process started: from the kernel's
    start time of the process (Linux /proc, clock ticks since boot), else now."""
    now = time.perf_counter()
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # after the command name
        ticks = int(fields[19])  # field 22, starttime
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    return now - min(max(0.0, age), 60.0)  # a minute at most: the clocks may disagree


#: When this process started and when the CLI finished loading (``time.perf_counter``).
STARTED = _process_started()
LOADED = time.perf_counter()


def _exit_now(signum: int, frame: FrameType | None) -> None:
    """Stop at once, with the shell's exit status for the signal (128 + its number)."""
    os._exit(128 + signum)


if threading.current_thread() is threading.main_thread():
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _exit_now)
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_now)
