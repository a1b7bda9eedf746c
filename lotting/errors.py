"""Errors the library raises; the CLI turns them into one readable paragraph and an exit code."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


class LottingError(Exception):
    """Base class of every error `lotting` raises on purpose."""


@dataclass
class InputError(LottingError):
    """An input file is missing or wrong: names the file, and the row and column where there is one.

    ``row`` is the 1-based line number in the file (the header is line 1), as a spreadsheet
    shows it.
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class ScenarioError(LottingError):
    """A scenario parameter is out of range (e.g. a negative lot cost).

    ``field`` names the Scenario field at fault, so the CLI can name its option instead
    (``max_sub_share`` → ``--max-sub-share``).
    """

    message: str
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass
class InfeasibleError(LottingError):
    """No division satisfies the scenario; ``reasons`` says why in the commissioner's words."""

    reasons: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        head = "No feasible division exists for this scenario"
        if not self.reasons:
            return head + "."
        return head + ": " + " ".join(self.reasons)


@dataclass
class NoSolutionError(LottingError):
    """The solver stopped (time limit) before finding any division; feasibility is unknown."""

    seconds: float

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"No division was found within the time limit ({self.seconds:.0f} s); the scenario "
            "was not proven infeasible. Allow more time with --time-limit (0 for none)."
        )


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """A hint for a misspelt name: ``" Did you mean 'x'?"``, or "" when nothing is close.

    >>> did_you_mean("ulo-fife-peer", ["ulo-fife-peers", "prime-a"])
    " Did you mean 'ulo-fife-peers'?"
    >>> did_you_mean("Fyfe", ["Fife", "Angus"]), did_you_mean("zzz", ["Fife"])
    (" Did you mean 'Fife'?", '')
    """
    choices = sorted({str(k) for k in known})
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.75)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[str(word).lower()]] if str(word).lower() in lowered else []
    return f" Did you mean '{close[0]}'?" if close else ""
