"""Brute force: the best division of a small contract, by trying every partition of its units."""

from __future__ import annotations

from collections.abc import Iterator

from lotting import Case, Scenario
from lotting.rules.lots import LotCheck, LotJudge
from lotting.rules.options import build_options
from lotting.rules.scoring import objective


def partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Every set partition of ``items`` (Bell number many)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for smaller in partitions(rest):
        for i in range(len(smaller)):
            yield [*smaller[:i], [first, *smaller[i]], *smaller[i + 1 :]]
        yield [[first], *smaller]


def candidate_divisions(case: Case, scenario: Scenario) -> Iterator[list[list[int]]]:
    """Every partition of the units into at most max_lots lots that keeps each bundle whole."""
    bundles = case.contract["bundle"].tolist()
    for division in partitions(list(range(len(case.contract)))):
        if len(division) > scenario.max_lots:
            continue
        lot_of = {u: i for i, lot in enumerate(division) for u in lot}
        together: dict = {}
        if any(together.setdefault(b, lot_of[u]) != lot_of[u] for u, b in enumerate(bundles) if b):
            continue
        yield division


def feasible_divisions(
    case: Case, scenario: Scenario
) -> Iterator[tuple[float, list[list[int]], list[LotCheck]]]:
    """Every feasible division (no reserved lot, no award cap) with its objective and the
    checks of its lots."""
    judge = LotJudge(case, scenario, build_options(case, scenario))
    memo: dict = {}
    for division in candidate_divisions(case, scenario):
        checks = []
        for lot in division:
            key = frozenset(lot)
            if key not in memo:
                memo[key] = judge.judge(sorted(lot))
            checks.append(memo[key])
        if any(c.breaches for c in checks):
            continue
        reach = len({t for c in checks for t in c.holders})
        open_value = sum(c.value for c in checks if c.holders)
        yield objective(scenario, reach, open_value, len(division)), division, checks


def best_division(
    case: Case, scenario: Scenario, exact_lots: int | None = None
) -> tuple[float, list[list[int]]] | None:
    """The best objective and a division achieving it, or None when no division is feasible
    (only divisions into exactly ``exact_lots`` lots when given)."""
    best = None
    for value, division, _ in feasible_divisions(case, scenario):
        if exact_lots is not None and len(division) != exact_lots:
            continue
        if best is None or value > best[0] + 1e-9:
            best = (value, division)
    return best


def ranked_divisions(
    case: Case, scenario: Scenario
) -> list[tuple[float, list[list[int]], list[frozenset[int]]]]:
    """Every feasible division under the award rules, best first: (objective, lots, reserved
    lots), each partition once with its best choice of at most max_reserved lots to reserve
    (DESIGN.md's definition, tried exhaustively)."""
    from itertools import combinations

    from lotting.rules.awards import award_witness

    judge = LotJudge(case, scenario, build_options(case, scenario))
    memo: dict = {}
    out = []
    for division in candidate_divisions(case, scenario):
        best = None
        for size in range(min(scenario.max_reserved, len(division)) + 1):
            for chosen in combinations(range(len(division)), size):
                checks = []
                for i, lot in enumerate(division):
                    key = (frozenset(lot), i in chosen)
                    if key not in memo:
                        memo[key] = judge.judge(sorted(lot), reserved=i in chosen)
                    checks.append(memo[key])
                if any(c.breaches for c in checks):
                    continue
                if scenario.max_awards is not None and (
                    award_witness([list(c.eligible) for c in checks], scenario.max_awards) is None
                ):
                    continue
                reach = len({t for c in checks for t in c.holders})
                open_value = sum(c.value for c in checks if c.holders)
                reserved_value = sum(c.value for c in checks if c.reserved)
                value = objective(scenario, reach, open_value, len(division), reserved_value)
                if best is None or value > best[0] + 1e-9:
                    best = (value, division, [frozenset(division[i]) for i in chosen])
        if best is not None:
            out.append(best)
    out.sort(key=lambda r: -r[0])
    return out
