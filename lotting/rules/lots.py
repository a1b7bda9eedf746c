"""The lot rules of DESIGN.md applied to one group of units: eligible options, holders, breaches.

:class:`LotJudge` is the one place a lot is judged; the model, the start, the diagnosis and the
scoring all ask it (or, for one option, :meth:`Option.is_eligible`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from lotting.inputs.case import Case
from lotting.rules.options import Option, build_options
from lotting.rules.robust import reduced_options, robust_count
from lotting.rules.values import above, below
from lotting.scenario import Scenario


class LotJudge:
    """Applies the DESIGN.md lot rules to any group of units: the one place they are computed.

    >>> judge = LotJudge(case, Scenario())
    >>> judge.judge([0, 1]).bidders
    4
    """

    def __init__(
        self, case: Case, scenario: Scenario, options: Sequence[Option] | None = None
    ) -> None:
        self.case = case
        self.scenario = scenario
        self.options = list(options) if options is not None else build_options(case, scenario)
        self.values = case.contract["value"].tolist()
        self.areas = case.contract["area"].tolist()
        graph = case.adjacency
        self.neighbours = {a: set(graph[a]) for a in graph} if graph is not None else None
        self.index = {id(o): i for i, o in enumerate(self.options)}
        self.reduced = reduced_options(case, scenario, self.options)
        kind = dict(zip(case.suppliers["supplier"], case.suppliers["kind"], strict=True))
        kinds = set(scenario.reserved_kinds)
        #: Options whose holders are all of the reserve kinds: the only bidders of a reserved lot.
        self.reservable = frozenset(
            i for i, o in enumerate(self.options) if all(kind[s] in kinds for s in o.holders)
        )

    def judge(
        self, lot: Collection[int], among: Sequence[Option] | None = None, reserved: bool = False
    ) -> LotCheck:
        """Value, eligible options, target holders, robust bidders and broken rules of one lot;
        a ``reserved`` lot is judged on the reserve kinds' options alone.

        ``among``, when given, must hold every option that could be eligible (a speed-up for
        callers that know which options cover the lot); the others are not tried.
        """
        value = float(sum(self.values[u] for u in lot))
        tried = self.options if among is None else among
        indexed = [(self.index[id(o)], o) for o in tried]
        if reserved:
            indexed = [(i, o) for i, o in indexed if i in self.reservable]
        eligible = [(i, o) for i, o in indexed if o.is_eligible(lot, self.values, value)]
        options = tuple(o for _, o in eligible)
        holders = tuple(sorted({t for o in options for t in o.targets}))
        subs = {s for o in options for s, covers in o.chain_targets if not covers.isdisjoint(lot)}
        robust, weakest = robust_count(lot, self.values, value, eligible, self.reduced)
        breaches = self._breaches(lot, value, len(options), robust, weakest, reserved)
        return LotCheck(
            value, options, holders, frozenset(subs), breaches, robust, weakest, reserved
        )

    def _breaches(
        self,
        lot: Collection[int],
        value: float,
        bidders: int,
        robust: int,
        weakest: str,
        reserved: bool = False,
    ) -> tuple[str, ...]:
        """Rules one lot breaks: bidders (robust ones too with --robust), value bounds,
        contiguity."""
        scenario, out = self.scenario, []
        if bidders < scenario.min_bidders:
            out.append(f"{bidders} bidder(s), fewer than min_bidders {scenario.min_bidders}")
        elif reserved and not bidders:
            out.append("reserved, but no option of the reserve kinds can bid for it")
        elif scenario.robust and robust < scenario.min_bidders:
            out.append(
                f"{robust} bidder(s) if {weakest} withdraws, fewer than min_bidders "
                f"{scenario.min_bidders} (--robust)"
            )
        if scenario.min_lot_value is not None and below(value, scenario.min_lot_value):
            out.append(f"value {value:,.0f} below min_lot_value {scenario.min_lot_value:,.0f}")
        if scenario.max_lot_value is not None and above(value, scenario.max_lot_value):
            out.append(f"value {value:,.0f} above max_lot_value {scenario.max_lot_value:,.0f}")
        if self.neighbours is not None:
            pieces = count_pieces({self.areas[u] for u in lot}, self.neighbours)
            if pieces > 1:
                out.append(f"areas not connected ({pieces} separate pieces)")
        return tuple(out)


def count_pieces(areas: set[str], neighbours: Mapping[str, set[str]]) -> int:
    """Number of connected pieces the areas form through their neighbours (a plain search:
    lots are small, and this runs for every candidate lot)."""
    left, pieces = set(areas), 0
    while left:
        pieces += 1
        stack = [left.pop()]
        while stack:
            found = neighbours[stack.pop()] & left
            left -= found
            stack.extend(found)
    return pieces


@dataclass(frozen=True)
class LotCheck:
    """What the rules say of one lot."""

    value: float
    eligible: tuple[Option, ...]
    holders: tuple[str, ...]
    sub_holders: frozenset[str]
    breaches: tuple[str, ...]
    robust_bidders: int = 0
    weakest_supplier: str = ""
    reserved: bool = False

    @property
    def bidders(self) -> int:
        """Number of eligible bid options."""
        return len(self.eligible)
