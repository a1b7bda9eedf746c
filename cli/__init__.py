"""The `lotting` command line: a thin layer over the library (installed as ``lotting.cli``).

Importing it first makes Ctrl-C and SIGTERM during the second or two the libraries take to load
end the process at once with exit 130 / 143 (nothing exists yet to write); each command then
installs its own handlers (:mod:`lotting.cli.signals`).
"""

import os
import signal
import threading
from types import FrameType


def _exit_now(signum: int, frame: FrameType | None) -> None:
    """Stop at once, with the shell's exit status for the signal (128 + its number)."""
    os._exit(128 + signum)


if threading.current_thread() is threading.main_thread():
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _exit_now)
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_now)
