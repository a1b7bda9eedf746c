"""What a long solve is doing, as small events for a callback: the library never prints.

:func:`lotting.solve` and :func:`lotting.frontier` take ``progress=`` (a :data:`Progress`
callable); the CLI shows the events on stderr. Events carry wall-clock seconds, which only ever
reach the display, never an output file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Event kinds, in the order a solve sends them: ``options``, ``candidates``, ``start``,
#: ``bound`` (the column-generation bound, lotting/mip/colgen.py), ``model``, ``search`` (a
#: better division from the neighbourhood search, lotting/mip/search.py), then
#: ``incumbent`` (a better division) and ``bound`` (every few seconds) from the solver,
#: ``log`` (a line of the solver's own log, when asked for) and ``done``; the frontier adds
#: ``lots`` after each number of lots.
KINDS = (
    "options",
    "candidates",
    "start",
    "model",
    "search",
    "incumbent",
    "bound",
    "log",
    "done",
    "lots",
)


@dataclass(frozen=True)
class Event:
    """One step of a solve.

    ``text`` says it in words; ``objective`` is the best objective known (None before one is
    found), ``bound`` the solver's proven bound and ``gap`` the relative gap between them;
    ``count`` a number the step found (options, candidate lots, lots solved), ``of`` its total.

    >>> Event("candidates", "143 candidate lots found", count=143).describe()
    '143 candidate lots found'
    >>> Event("bound", "", objective=950.0, bound=1000.0, gap=0.05, seconds=12).describe()
    'best 950 · bound 1,000 · gap 5.00% · 12 s'
    """

    kind: str
    text: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    count: int | None = None
    of: int | None = None
    seconds: float = 0.0

    def describe(self) -> str:
        """The event as one line for a person."""
        if self.text:
            return self.text
        parts = []
        if self.objective is not None:
            parts.append(f"best {self.objective:,.0f}")
        if self.bound is not None:
            parts.append(f"bound {self.bound:,.0f}")
        if self.gap is not None:
            parts.append(f"gap {100 * self.gap:.2f}%" if self.gap < 1 else f"gap {self.gap:,.0f}×")
        parts.append(f"{self.seconds:.0f} s")
        return " · ".join(parts)


#: A progress callback: called with each event, its return value ignored.
Progress = Callable[[Event], None]


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(bound − objective) / max(|objective|, 1) for a maximisation; None when either is unknown.

    >>> relative_gap(950.0, 1000.0), relative_gap(None, 1.0)
    (0.05263157894736842, None)
    """
    if objective is None or bound is None:
        return None
    if objective != objective or bound != bound or abs(bound) == float("inf"):
        return None
    return max(0.0, bound - objective) / max(abs(objective), 1.0)
