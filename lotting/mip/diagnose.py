"""Say why a scenario has no feasible division, in the commissioner's words.

Each check is a necessary condition: when one fails, no division can exist, and the message names
the units, bundles or areas at fault.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx

from lotting.inputs.case import Case
from lotting.rules.blocks import Block, make_blocks
from lotting.rules.lots import LotJudge
from lotting.rules.options import Option
from lotting.rules.values import above
from lotting.scenario import Scenario
from lotting.text import cut_list


def infeasibility_reasons(
    case: Case, scenario: Scenario, options: Sequence[Option], blocks: list[Block] | None = None
) -> list[str]:
    """Every reason found that makes the scenario infeasible (empty when none is found)."""
    blocks = blocks if blocks is not None else make_blocks(case)
    reasons = []
    reasons += _uncovered(case, options)
    if not reasons:
        reasons += _too_few_bidders(case, scenario, options, blocks)
    reasons += _value_bounds(case, scenario, blocks)
    reasons += _separated(case, scenario, blocks)
    return reasons


def _label(case: Case, position: int) -> str:
    """A unit as a commissioner reads it: id (service in area)."""
    row = case.contract.iloc[position]
    return f"{row['unit']} ({row['service']} in {row['area']})"


def _block_label(case: Case, block: Block) -> str:
    """A block by its bundle name, or its single unit."""
    if block.bundle:
        return f"bundle '{block.bundle}'"
    return f"unit {_label(case, block.units[0])}"


def _uncovered(case: Case, options: Sequence[Option]) -> list[str]:
    """Units that no supplier, supply chain or consortium covers."""
    covered = frozenset().union(*(o.covers for o in options)) if options else frozenset()
    missing = [_label(case, u) for u in range(len(case.contract)) if u not in covered]
    if not missing:
        return []
    return [f"No supplier, supply chain or consortium covers unit(s) {cut_list(missing)}."]


def _too_few_bidders(
    case: Case, scenario: Scenario, options: Sequence[Option], blocks: list[Block]
) -> list[str]:
    """Blocks that fewer than min_bidders options could bid for, even in a lot of their own."""
    short, counts = [], []
    for block in blocks:
        count = sum(1 for o in options if o.can_hold(block))
        counts.append(count)
        if count < scenario.min_bidders:
            short.append(f"{_block_label(case, block)}: {count}")
    if not short:
        return []
    fewest = min(counts)
    worst = _block_label(case, blocks[counts.index(fewest)])
    return [
        f"Even in a lot of its own, each of these can have fewer than min_bidders "
        f"{scenario.min_bidders} bidders (most possible shown): {cut_list(short)}. "
        f"{worst[0].upper()}{worst[1:]} has only {fewest} possible bid option(s), "
        f"so min_bidders can be at most {fewest}."
    ]


def _value_bounds(case: Case, scenario: Scenario, blocks: list[Block]) -> list[str]:
    """Bundles over max_lot_value, too little value for min_lot_value, too much for max_lots."""
    out = []
    total = sum(b.value for b in blocks)
    hi, lo = scenario.max_lot_value, scenario.min_lot_value
    if hi is not None:
        heavy = [f"{_block_label(case, b)} ({b.value:,.0f})" for b in blocks if above(b.value, hi)]
        if heavy:
            out.append(f"Worth more than max_lot_value {hi:,.0f} on their own: {cut_list(heavy)}.")
        elif hi > 0 and math.ceil(total / hi - 1e-9) > scenario.max_lots:
            out.append(
                f"The contract is worth {total:,.0f}, so lots of at most {hi:,.0f} need at least "
                f"{math.ceil(total / hi - 1e-9)} lots, more than max_lots {scenario.max_lots}."
            )
    if lo is not None and total < lo:
        out.append(f"The whole contract ({total:,.0f}) is worth less than min_lot_value {lo:,.0f}.")
    return out


def _separated(case: Case, scenario: Scenario, blocks: list[Block]) -> list[str]:
    """Bundles over disconnected areas; more separate groups of areas than max_lots."""
    if case.adjacency is None:
        return []
    out = []
    pieces = list(nx.connected_components(case.adjacency))
    piece_of = {a: i for i, piece in enumerate(pieces) for a in piece}
    for block in blocks:
        if len({piece_of[a] for a in block.areas}) > 1:
            out.append(
                f"{_block_label(case, block)} joins areas that no chain of neighbours connects "
                f"({', '.join(sorted(block.areas))})."
            )
    if len(pieces) > scenario.max_lots:
        alone = sorted(" + ".join(sorted(p)) for p in pieces)
        out.append(
            f"The areas fall into {len(pieces)} groups that no lot can join "
            f"({cut_list(alone)}), so at least {len(pieces)} lots are needed, "
            f"more than max_lots {scenario.max_lots}."
        )
    return out


def lot_count_reasons(case: Case, scenario: Scenario, blocks: list[Block], k: int) -> list[str]:
    """Why exactly k lots cannot be made, when it is plain from the counts."""
    if not 1 <= k <= scenario.max_lots:
        return [f"{k} lots is outside 1..max_lots ({scenario.max_lots})."]
    if k > len(blocks):
        return [f"The contract has only {len(blocks)} units or bundles, fewer than {k} lots."]
    if case.adjacency is not None:
        pieces = nx.number_connected_components(case.adjacency)
        if k < pieces:
            return [
                f"The areas fall into {pieces} groups that no lot can join: {k} lots are too few."
            ]
    return []


def solver_reason(
    case: Case,
    scenario: Scenario,
    options: Sequence[Option],
    exact_lots: int | None = None,
) -> str:
    """Why the solver found no division when no single check above did.

    With one lot allowed the whole contract is that lot, so the rules it breaks are named;
    otherwise the rules that cannot all hold together are listed.
    """
    if (exact_lots if exact_lots is not None else scenario.max_lots) == 1:
        whole = LotJudge(case, scenario, options).judge(range(len(case.contract)))
        rule = "exactly 1 lot" if exact_lots is not None else "max_lots 1"
        return (
            f"With {rule} the whole contract is one lot, and that lot breaks: "
            + "; ".join(whole.breaches)
            + ". Allow more lots (max_lots) or relax that rule."
        )
    rules = [f"every lot with at least {scenario.min_bidders} bidders (min_bidders)"]
    rules.append(
        f"at most {scenario.max_lots} lots (max_lots)"
        if exact_lots is None
        else f"exactly {exact_lots} lots"
    )
    if scenario.min_lot_value is not None:
        rules.append(f"lots worth at least {scenario.min_lot_value:,.0f} (min_lot_value)")
    if scenario.max_lot_value is not None:
        rules.append(f"lots worth at most {scenario.max_lot_value:,.0f} (max_lot_value)")
    if case.adjacency is not None:
        rules.append("each lot's areas connected")
    if (case.contract["bundle"] != "").any():
        rules.append("bundles kept together")
    return (
        "Each unit can be put in some lot, but these rules cannot all hold at once: "
        + "; ".join(rules)
        + ". Relax one of them (e.g. max_lots, min_bidders or the value bounds)."
    )
