"""The scenario: every parameter of the objective and the rules, with DESIGN.md's defaults."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from lotting.errors import ScenarioError

KINDS = ("user_led", "vcse", "sme", "large")
#: Parameters stored as floats and as whole numbers, so 5000 and 5000.0 give the same plan.json.
FLOATS = (
    "lot_cost",
    "reach_value",
    "open_rate",
    "max_sub_share",
    "turnover_ratio",
    "min_lot_value",
    "max_lot_value",
)
INTEGERS = ("min_bidders", "max_lots", "max_consortium")


@dataclass(frozen=True)
class Scenario:
    """Parameters of one lotting scenario (currency per year).

    >>> Scenario(lot_cost=30_000).replace(max_lots=8).max_lots
    8
    """

    lot_cost: float = 20_000.0
    reach_value: float = 10_000.0
    open_rate: float = 0.05
    min_bidders: int = 2
    max_lots: int = 20
    max_consortium: int = 3
    max_sub_share: float = 0.5
    turnover_ratio: float = 0.5
    target_kinds: tuple[str, ...] = ("user_led",)
    min_lot_value: float | None = None
    max_lot_value: float | None = None
    consortia: bool = True
    subcontracting: bool = True

    def __post_init__(self) -> None:
        kinds = self.target_kinds
        if isinstance(kinds, str):
            kinds = tuple(k.strip() for k in kinds.split(",") if k.strip())
        object.__setattr__(self, "target_kinds", tuple(sorted(set(kinds))))
        self._check()
        for name in FLOATS:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))
        for name in INTEGERS:
            object.__setattr__(self, name, int(getattr(self, name)))

    def _check(self) -> None:
        """Reject values no scenario can mean, naming the parameter."""
        for name in ("lot_cost", "reach_value", "open_rate"):
            _require(name, getattr(self, name), lambda v: v >= 0, "a number ≥ 0")
        _require("min_bidders", self.min_bidders, lambda v: v >= 0, "a whole number ≥ 0", True)
        _require("max_lots", self.max_lots, lambda v: v >= 1, "a whole number ≥ 1", True)
        _require(
            "max_consortium", self.max_consortium, lambda v: v >= 1, "a whole number ≥ 1", True
        )
        _require("max_sub_share", self.max_sub_share, lambda v: 0 <= v <= 1, "a number in [0, 1]")
        _require("turnover_ratio", self.turnover_ratio, lambda v: v > 0, "a number > 0")
        for name in ("min_lot_value", "max_lot_value"):
            value = getattr(self, name)
            if value is not None:
                _require(name, value, lambda v: v >= 0, "a number ≥ 0")
        lo, hi = self.min_lot_value, self.max_lot_value
        if lo is not None and hi is not None and lo > hi:
            raise ScenarioError(f"min_lot_value ({lo:g}) is larger than max_lot_value ({hi:g}).")
        unknown = [k for k in self.target_kinds if k not in KINDS]
        if unknown:
            raise ScenarioError(
                f"target_kinds has unknown kind(s) {', '.join(unknown)}; "
                f"expected some of {', '.join(KINDS)}."
            )
        if not self.target_kinds:
            raise ScenarioError(f"target_kinds is empty; expected some of {', '.join(KINDS)}.")

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some parameters changed, checked like the original."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every parameter, JSON-ready."""
        data = dataclasses.asdict(self)
        data["target_kinds"] = list(self.target_kinds)
        return data


def _require(name: str, value: Any, ok: Any, expected: str, integer: bool = False) -> None:
    """Raise a ScenarioError unless ``value`` is a finite number (whole if asked) passing ``ok``."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or (integer and int(value) != value):
        raise ScenarioError(f"{name} must be {expected}; got {value!r}.")
    if not ok(value):
        raise ScenarioError(f"{name} must be {expected}; got {value!r}.")
