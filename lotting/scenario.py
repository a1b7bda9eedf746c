"""The scenario: every parameter of the objective and the rules, with DESIGN.md's defaults."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from lotting.errors import ScenarioError, did_you_mean

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


def _param(default: Any, help: str, off: str = "") -> Any:
    """A scenario field with its one-line help (and, for a switch on by default, the help of the
    ``--no-…`` option that turns it off), from which the CLI option is generated."""
    return field(default=default, metadata={"help": help, "off": off})


@dataclass(frozen=True)
class Scenario:
    """Parameters of one lotting scenario (currency per year).

    >>> Scenario(lot_cost=30_000).replace(max_lots=8).max_lots
    8
    """

    lot_cost: float = _param(20_000.0, "cost of tendering and managing one lot, per year")
    reach_value: float = _param(10_000.0, "value of each target supplier that can bid")
    open_rate: float = _param(0.05, "value per unit of contract value open to targets")
    min_bidders: int = _param(2, "fewest eligible bid options a lot may have")
    max_lots: int = _param(20, "most lots allowed")
    max_consortium: int = _param(3, "largest consortium considered")
    max_sub_share: float = _param(0.5, "largest share a prime may subcontract")
    turnover_ratio: float = _param(0.5, "capacity = turnover × this ratio")
    target_kinds: tuple[str, ...] = _param(
        ("user_led",), "comma-separated kinds counted as targets (user_led, vcse, sme, large)"
    )
    min_lot_value: float | None = _param(None, "smallest lot value allowed")
    max_lot_value: float | None = _param(None, "largest lot value allowed")
    consortia: bool = _param(True, "consortium options (--no-consortia: none)")
    subcontracting: bool = _param(
        True, "lead options with supply chains (--no-subcontracting: none)"
    )
    currency: str = _param("GBP", "currency of every value, shown beside money (e.g. GBP, EUR)")

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
            raise ScenarioError(
                f"min_lot_value ({lo:g}) is larger than max_lot_value ({hi:g}).", "min_lot_value"
            )
        unknown = [k for k in self.target_kinds if k not in KINDS]
        if unknown:
            hints = "".join(did_you_mean(k, KINDS) for k in unknown)
            raise ScenarioError(
                f"target_kinds has unknown kind(s) {', '.join(unknown)}; "
                f"expected some of {', '.join(KINDS)}.{hints}",
                "target_kinds",
            )
        if not self.target_kinds:
            raise ScenarioError(
                f"target_kinds is empty; expected some of {', '.join(KINDS)}.", "target_kinds"
            )
        currency = self.currency
        if not isinstance(currency, str) or not currency.strip() or " " in currency.strip():
            raise ScenarioError(
                f"currency must be a short code such as GBP; got {currency!r}.", "currency"
            )

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some parameters changed, checked like the original."""
        return dataclasses.replace(self, **changes)

    def warnings(self) -> list[str]:
        """Values that are allowed but rarely meant (e.g. lots nobody need bid for)."""
        out = []
        if self.min_bidders == 0:
            out.append(
                "min_bidders 0 allows lots that no supplier can bid for; "
                "the default, 2, asks for a real competition."
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every parameter, JSON-ready."""
        data = dataclasses.asdict(self)
        data["target_kinds"] = list(self.target_kinds)
        return data


def option_name(name: str) -> str:
    """The CLI spelling of a scenario field: ``--lot-cost``; a switch on by default is turned off
    with ``--no-…``.

    >>> option_name("max_sub_share"), option_name("consortia")
    ('--max-sub-share', '--no-consortia')
    """
    default = {f.name: f.default for f in dataclasses.fields(Scenario)}[name]
    spelt = name.replace("_", "-")
    return f"--no-{spelt}" if default is True else f"--{spelt}"


def _require(name: str, value: Any, ok: Any, expected: str, integer: bool = False) -> None:
    """Raise a ScenarioError unless ``value`` is a finite number (whole if asked) passing ``ok``."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or (integer and int(value) != value):
        raise ScenarioError(f"{name} must be {expected}; got {value!r}.", name)
    if not ok(value):
        raise ScenarioError(f"{name} must be {expected}; got {value!r}.", name)
