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
from lotting.rules.blocks import Block, units_of
from lotting.rules.lots import LotCheck, LotJudge
from lotting.rules.scoring import division_objective

#: A division as its lots, each the sorted tuple of its blocks, lots in order of first block.
Division = tuple[tuple[int, ...], ...]


def canonical(lots: Collection[Collection[int]]) -> Division:
    """The division's lots as sorted block tuples, ordered by their first block: two divisions
    are the same partition exactly when their canonical forms are equal.

    >>> canonical([[3, 1], [0, 2]])
    ((0, 2), (1, 3))
    """
    return tuple(sorted(tuple(sorted(lot)) for lot in lots))


class _Checks:
    """The lot rules' verdict on lots given as block tuples, each judged once (``reserved``:
    those judged as reserved lots); ``len`` is the number judged, the searches' work."""

    def __init__(
        self, judge: LotJudge, blocks: Sequence[Block], reserved: Collection[tuple[int, ...]] = ()
    ) -> None:
        self.judge, self.blocks, self.reserved = judge, blocks, set(reserved)
        self.known: dict[tuple[int, ...], LotCheck] = {}

    def __len__(self) -> int:
        return len(self.known)

    def __call__(self, division: Division) -> list[LotCheck] | None:
        """The checks of every lot of the division, or None when one breaks a lot rule."""
        for lot in division:
            if lot not in self.known:
                [units] = units_of(self.blocks, [lot])
                self.known[lot] = self.judge.judge(units, reserved=lot in self.reserved)
        checks = [self.known[lot] for lot in division]
        return None if any(c.breaches for c in checks) else checks


def _near(areas: Collection[str], judge: LotJudge) -> set[str] | None:
    """The areas and their neighbours (None without an adjacency graph: every lot is near)."""
    if judge.neighbours is None:
        return None
    return set(areas).union(*(judge.neighbours[x] for x in areas))


def moves(division: Division, blocks: Sequence[Block], judge: LotJudge) -> Iterator[Division]:
    """Every division one block move away: a block leaves a lot of two or more blocks for
    another lot that holds or borders one of its areas (any lot without an adjacency graph),
    in a fixed order (lots, then blocks, then the receiving lots)."""
    lots = [set(lot) for lot in division]
    areas = [set().union(*(blocks[b].areas for b in lot)) for lot in division]
    for a, lot in enumerate(division):
        if len(lot) < 2:
            continue
        for b in lot:
            near = _near(blocks[b].areas, judge)
            for c in range(len(division)):
                if c == a or (near is not None and areas[c].isdisjoint(near)):
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
    seen = set(taken)
    keep = set(fixed)
    checks = _Checks(judge, blocks, keep)
    for moved in moves(around, blocks, judge):
        if len(checks) >= trials:
            return
        if moved in seen or not keep.issubset(moved):
            continue
        seen.add(moved)
        lots = checks(moved)
        value = None if lots is None else division_objective(judge.scenario, lots)
        if value is not None and (relative_gap(value, worth) or 0.0) <= tolerance:
            yield moved


def merges(division: Division, blocks: Sequence[Block], judge: LotJudge) -> Iterator[Division]:
    """Every division with two lots made one, where the two hold or border each other's areas
    (any two without an adjacency graph), in a fixed order."""
    areas = [set().union(*(blocks[b].areas for b in lot)) for lot in division]
    for a in range(len(division)):
        near = _near(areas[a], judge)
        for c in range(a + 1, len(division)):
            if near is None or not areas[c].isdisjoint(near):
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
    checks = _Checks(judge, blocks)
    best: tuple[float, Division] | None = None
    for moved in dict.fromkeys(near):  # each division once, in order
        if len(checks) >= trials:
            break
        found = checks(moved)
        value = None if found is None else division_objective(judge.scenario, found)
        if value is not None and (best is None or value > best[0]):
            best = (value, moved)
    return None if best is None else best[1]
