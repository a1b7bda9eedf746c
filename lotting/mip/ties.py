"""Tied alternatives: a division worth as much as the rank before it, found by moving one block.

Rank r+1 of ``solve(..., alternatives=K)`` is the best division other than ranks 1..r, so it
is worth at most rank r (its feasible set is smaller). A feasible division that is none of
ranks 1..r and is worth rank r's objective, to the solver's own tolerance, is therefore a best
rank r+1, proven without a solve. Such ties are common: a block that the holders of two
neighbouring open lots can both take moves between them at no change in the objective, and
HiGHS needs seconds to find and prove each one.

:func:`tied_divisions` lists them among the divisions one block move away from an earlier
rank; the caller checks it exactly (:func:`lotting.rules.scoring.evaluate_lots`) before it
becomes a plan, and solves as before when none is found.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from lotting.progress import relative_gap
from lotting.rules.blocks import Block
from lotting.rules.lots import LotCheck, LotJudge
from lotting.rules.scoring import objective

#: A division as its lots, each the sorted tuple of its blocks, lots in order of first block.
Division = tuple[tuple[int, ...], ...]


def canonical(lots: Collection[Collection[int]]) -> Division:
    """The division's lots as sorted block tuples, ordered by their first block: two divisions
    are the same partition exactly when their canonical forms are equal.

    >>> canonical([[3, 1], [0, 2]])
    ((0, 2), (1, 3))
    """
    return tuple(sorted(tuple(sorted(lot)) for lot in lots))


def moves(division: Division, blocks: Sequence[Block], judge: LotJudge) -> Iterator[Division]:
    """Every division one block move away: a block leaves a lot of two or more blocks for
    another lot that holds or borders one of its areas (any lot without an adjacency graph),
    in a fixed order (lots, then blocks, then the receiving lots)."""
    neighbours = judge.neighbours
    lots = [set(lot) for lot in division]
    areas = [set().union(*(blocks[b].areas for b in lot)) for lot in division]
    for a, lot in enumerate(division):
        if len(lot) < 2:
            continue
        for b in lot:
            near = set(blocks[b].areas)
            if neighbours is not None:
                near |= set().union(*(neighbours[x] for x in blocks[b].areas))
            for c in range(len(division)):
                if c == a or (neighbours is not None and areas[c].isdisjoint(near)):
                    continue
                moved = [set(x) for x in lots]
                moved[a].discard(b)
                moved[c].add(b)
                yield canonical(moved)


def tied_divisions(
    judge: LotJudge,
    blocks: Sequence[Block],
    around: Division,
    taken: Collection[Division],
    worth: float,
    fixed: Collection[tuple[int, ...]] = (),
    trials: int = 20_000,
    tolerance: float = 1e-6,
) -> Iterator[Division]:
    """The divisions one block move from ``around``, none of ``taken``, that break no lot rule
    and are worth ``worth`` within ``tolerance`` (relative), in :func:`moves`'s order.

    Lots in ``fixed`` (the reserved lots of ``around``) never change, and every lot judged
    counts against ``trials``, a work budget that gives the same answer on any machine. Rules
    over the whole division (the award cap, max_lots) are left to the caller's exact
    evaluation.
    """
    scenario = judge.scenario
    seen = set(taken)
    keep = set(fixed)
    checks: dict[tuple[int, ...], LotCheck] = {}

    def check(lot: tuple[int, ...]) -> LotCheck:
        if lot not in checks:
            units = [u for b in lot for u in blocks[b].units]
            checks[lot] = judge.judge(units, reserved=lot in keep)
        return checks[lot]

    for moved in moves(around, blocks, judge):
        if len(checks) >= trials:
            return
        if moved in seen or not keep.issubset(moved):
            continue
        seen.add(moved)
        lots = [check(lot) for lot in moved]
        if any(c.breaches for c in lots):
            continue
        reach = len({t for c in lots for t in c.holders})
        open_value = sum(c.value for c in lots if c.holders)
        reserved = sum(c.value for c in lots if c.reserved)
        value = objective(scenario, reach, open_value, len(lots), reserved)
        if (relative_gap(value, worth) or 0.0) <= tolerance:
            yield moved
