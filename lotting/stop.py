"""One way to stop a run early: a deadline plus an outside request (Ctrl-C, SIGTERM), polled by
every stage (candidate listing, the start, the solver).

The library never installs signal handlers: the CLI (or a notebook, or another thread) calls
:meth:`Stop.request`; each stage asks :meth:`Stop.due` between steps of work and hands back the
best it has. :attr:`Stop.reason` then says why it ended early.

>>> stop = Stop.after(None)
>>> stop.due(), stop.reason
(False, None)
>>> stop.request("interrupted")
>>> stop.due(), stop.reason
(True, 'interrupted')
>>> Stop.after(0.0).due(), Stop.after(0.0).left()
(True, 0.0)
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

#: Why a run ended early: an outside request (SIGINT), a termination (SIGTERM), or the deadline.
REASONS = ("interrupted", "terminated", "time_limit")


@dataclass(frozen=True)
class Stop:
    """A deadline (``time.perf_counter`` seconds, ``inf`` for none) and a shared stop request.

    Copies made with :meth:`within` share the request, so one Ctrl-C reaches every stage and
    every solve of a frontier, each under its own (earlier) deadline.
    """

    deadline: float = math.inf
    _requested: threading.Event = field(default_factory=threading.Event, compare=False)
    _why: list[str] = field(default_factory=list, compare=False)
    _when: list[float] = field(default_factory=list, compare=False)

    @classmethod
    def after(cls, seconds: float | None) -> Stop:
        """A stop that falls due ``seconds`` from now (None or 0 ... see :meth:`within`)."""
        return cls().within(seconds)

    def within(self, seconds: float | None) -> Stop:
        """The same request with a deadline no later than ``seconds`` from now (None: no new
        deadline; 0 counts as already due, so callers map "0 = no limit" to None first)."""
        if seconds is None:
            return self
        deadline = min(self.deadline, time.perf_counter() + max(0.0, seconds))
        return Stop(deadline, self._requested, self._why, self._when)

    def sooner(self, seconds: float) -> Stop:
        """The same request with the deadline ``seconds`` earlier (none stays none): a stage's
        own deadline, leaving the rest for what comes after it.

        >>> stop = Stop.after(10.0)
        >>> 4.9 < stop.sooner(5.0).left() <= 5.0
        True
        """
        return Stop(self.deadline - max(0.0, seconds), self._requested, self._why, self._when)

    def affords(self, seconds: float) -> bool:
        """True when ``seconds`` of work still ends by the deadline (always without one); a stop
        request does not count (work that must finish, such as writing the outputs, asks this).

        >>> Stop.after(None).affords(1e9), Stop.after(60.0).affords(1.0), Stop.after(1.0).affords(5)
        (True, True, False)
        """
        return time.perf_counter() + seconds <= self.deadline

    def request(self, reason: str = "interrupted") -> None:
        """Ask every stage to stop at its next check (safe from a signal handler)."""
        if not self._why:
            self._why.append(reason)
            self._when.append(time.perf_counter())
        self._requested.set()

    @property
    def requested_at(self) -> float | None:
        """When the first request came (``time.perf_counter``), or None: the CLI promises
        to end within 2 s of a Ctrl-C."""
        return self._when[0] if self._when else None

    @property
    def requested(self) -> bool:
        """True once :meth:`request` was called (not for a deadline)."""
        return self._requested.is_set()

    def due(self) -> bool:
        """True when a stage should stop: requested, or the deadline has passed."""
        return self.requested or time.perf_counter() >= self.deadline

    def left(self) -> float | None:
        """Seconds to the deadline (0 when due or requested; None without a deadline)."""
        if self.requested:
            return 0.0
        if math.isinf(self.deadline):
            return None
        return max(0.0, self.deadline - time.perf_counter())

    @property
    def reason(self) -> str | None:
        """ "interrupted"/"terminated" after a request, "time_limit" past the deadline, else
        None."""
        if self.requested:
            return self._why[0] if self._why else "interrupted"
        if time.perf_counter() >= self.deadline:
            return "time_limit"
        return None
