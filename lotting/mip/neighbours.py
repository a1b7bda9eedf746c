"""Divisions one step from a known one: tied alternatives, and starts for a neighbouring lot
count.

**Tied alternatives.** Rank r+1 of ``solve(..., alternatives=K)`` is the best division other
than ranks 1..r, so it is worth at most rank r (its feasible set is smaller). A feasible division
that is none of ranks 1..r and is worth rank r's objective, to the solver's own tolerance, is
therefore a best rank r+1, proven without a solve. Such ties are common: a block that the
holders of two neighbouring open lots can both take moves between them at no change in the
objective, and HiGHS needs seconds to find and prove each one. :func:`tied_divisions` lists them
among the divisions one block move away from an earlier rank; the caller checks each exactly
(:func:`lotting.rules.scoring.evaluate_lots`) before it becomes a plan, and solves as before
when none is found.

**Starts for the frontier.** The best division with k lots is usually close to the best with
k ± 1: :func:`best_neighbour` merges two lots of a (k + 1)-lot division, or splits a block off a
lot of a (k − 1)-lot one, and keeps the best that breaks no lot rule. It is only a start: the
solver still proves each k.
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


def merges(division: Division, blocks: Sequence[Block], judge: LotJudge) -> Iterator[Division]:
    """Every division with two lots made one, where the two hold or border each other's areas
    (any two without an adjacency graph), in a fixed order."""
    areas = [set().union(*(blocks[b].areas for b in lot)) for lot in division]
    neighbours = judge.neighbours
    for a in range(len(division)):
        near = set(areas[a])
        if neighbours is not None:
            near |= set().union(*(neighbours[x] for x in areas[a]))
        for c in range(a + 1, len(division)):
            if neighbours is None or not areas[c].isdisjoint(near):
                rest = [lot for i, lot in enumerate(division) if i not in (a, c)]
                yield canonical([*rest, division[a] + division[c]])


def splits(division: Division) -> Iterator[Division]:
    """Every division with one block of a lot of two or more made a lot of its own.

    >>> list(splits(((0, 1), (2,))))
    [((0,), (1,), (2,)), ((0,), (1,), (2,))]
    """
    for a, lot in enumerate(division):
        for b in lot if len(lot) > 1 else ():
            rest = [x for i, x in enumerate(division) if i != a]
            yield canonical([*rest, tuple(x for x in lot if x != b), (b,)])


def best_neighbour(
    judge: LotJudge,
    blocks: Sequence[Block],
    division: Division,
    lots: int,
    trials: int = 20_000,
) -> Division | None:
    """The best division with ``lots`` lots one merge (when ``division`` has one lot more) or
    one split (one lot fewer) from ``division`` that breaks no lot rule, by the DESIGN.md
    objective with no lot reserved; None when there is none within ``trials`` lots judged (a
    work budget) or ``division`` is not one step from ``lots``. The rules over the whole
    division (the award cap) are the caller's to check."""
    if len(division) == lots + 1:
        near = merges(division, blocks, judge)
    elif len(division) == lots - 1:
        near = splits(division)
    else:
        return None
    scenario = judge.scenario
    checks: dict[tuple[int, ...], LotCheck] = {}
    best: tuple[float, Division] | None = None
    for moved in dict.fromkeys(near):  # each division once, in order
        if len(checks) >= trials:
            break
        for lot in moved:
            if lot not in checks:
                checks[lot] = judge.judge([u for b in lot for u in blocks[b].units])
        found = [checks[lot] for lot in moved]
        if any(c.breaches for c in found):
            continue
        reach = len({t for c in found for t in c.holders})
        open_value = sum(c.value for c in found if c.holders)
        value = objective(scenario, reach, open_value, len(found))
        if best is None or value > best[0]:
            best = (value, moved)
    return None if best is None else best[1]
