"""Robust competition: how many bid options a lot keeps whichever one supplier withdraws.

DESIGN.md: ``bidders_without(lot, s)`` counts the eligible options of the market without s: s's
lead option and every consortium holding s are gone, and a lead option whose supply chain held s
is judged again without it. ``robust_bidders`` is the least count over all suppliers and
``weakest_supplier`` the one attaining it (smallest identifier on ties; empty when no withdrawal
lowers the count).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

from lotting.inputs.case import Case
from lotting.rules.market import capacities, coverage
from lotting.rules.options import Option
from lotting.rules.values import fits
from lotting.scenario import Scenario


def reduced_options(
    case: Case, scenario: Scenario, options: Sequence[Option]
) -> dict[tuple[int, str], Option]:
    """For each lead option (by index) with a supply chain and each member s of its chain, the
    same lead with s gone from its chain: what is left of that bid when s withdraws."""
    cover = coverage(case)
    cap = capacities(case, scenario)
    covered = {s: frozenset(map(int, cover.loc[s].to_numpy().nonzero()[0])) for s in cover.index}
    out: dict[tuple[int, str], Option] = {}
    for o, option in enumerate(options):
        if option.type != "lead" or not option.chain:
            continue
        for gone in option.chain:
            chain = tuple(c for c in option.chain if c != gone)
            lead = option.holders[0]
            if chain:
                union = option.own.union(*(covered[c] for c in chain))
                total = float(cap[lead] + sum(cap[c] for c in chain))
                share = option.own_share
            else:
                union, total, share = option.own, option.own_capacity, 0.0
            out[o, gone] = dataclasses.replace(
                option,
                id=f"{option.id} without {gone}",
                chain=chain,
                covers=union,
                capacity=total,
                own_share=share,
                chain_targets=tuple(p for p in option.chain_targets if p[0] != gone),
            )
    return out


def robust_count(
    lot: Collection[int],
    values: Sequence[float],
    value: float,
    eligible: Sequence[tuple[int, Option]],
    reduced: dict[tuple[int, str], Option],
) -> tuple[int, str]:
    """``robust_bidders`` and ``weakest_supplier`` of a lot from its eligible options (with their
    indexes): each supplier's withdrawal loses the options it holds, and those whose chain held
    it unless they stay eligible without it.

    >>> from lotting.rules.options import Option
    >>> a = Option("a", "lead", ("a",), (), frozenset({0}), frozenset({0}), 9, 9, 0, ())
    >>> ab = dataclasses.replace(a, id="a+b", type="consortium", holders=("a", "b"))
    >>> robust_count([0], [1.0], 1.0, [(0, a), (1, ab)], {})
    (0, 'a')
    """
    lost: dict[str, int] = {}
    for o, option in eligible:
        for s in option.holders:
            lost[s] = lost.get(s, 0) + 1
        for s in option.chain:
            still = reduced.get((o, s))
            if still is None or not _still_eligible(option, still, lot, values, value):
                lost[s] = lost.get(s, 0) + 1
    if not lost:
        return len(eligible), ""
    worst = max(lost.values())
    weakest = min(s for s, n in lost.items() if n == worst)
    return len(eligible) - worst, weakest


def _still_eligible(
    option: Option,
    still: Option,
    lot: Collection[int],
    values: Sequence[float],
    value: float,
) -> bool:
    """Is ``still`` (``option`` without one chain member) eligible for a lot ``option`` is
    eligible for? With a chain left it keeps the lead's own-delivery rules, which the lot passed
    already: only its coverage (when smaller) and capacity need checking."""
    if not still.chain:
        return still.is_eligible(lot, values, value)
    if len(still.covers) < len(option.covers) and not still.covers.issuperset(lot):
        return False
    return fits(value, still.capacity)
