"""A quick feasible division to start the solver from: a few plain lots, then greedy candidates.

It only helps the solver find a first plan sooner on large contracts; the optimum does not depend
on it. Everything here is checked with the exact lot rules (:class:`lotting.evaluate.LotJudge`).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from lotting.blocks import Block
from lotting.candidates import Candidate
from lotting.evaluate import LotJudge, objective
from lotting.options import Option

#: Candidate lots judged exactly per step, best first by what they could add.
BATCH = 40


def greedy_start(
    judge: LotJudge,
    blocks: Sequence[Block],
    candidates: Sequence[Candidate],
    seconds: float = 5.0,
) -> tuple[list[int], list[list[int]]] | None:
    """Chosen candidates and plain lots (block lists) forming a feasible division, or None.

    Starts from the remaining blocks split into connected pieces. Each step ranks the candidate
    lots that fit in what is left by what they could add (new target holders, open value), judges
    the best few exactly (counting the plain lots the rest then needs) and keeps the best one, as
    long as the objective improves. Time left then goes to taking one chosen lot out at a time
    and growing again from there, kept when the objective improves.
    """
    deadline = time.perf_counter() + seconds
    greedy = _Greedy(judge, blocks, candidates)
    rest = frozenset(range(len(blocks)))
    plain = greedy.plain_lots(rest)
    if plain is None or len(plain) > judge.scenario.max_lots:
        return None
    best = greedy.grow(_State([], rest, plain, greedy.value([], plain)), deadline)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for c in list(best.chosen):
            if time.perf_counter() >= deadline:
                break
            chosen = [k for k in best.chosen if k != c]
            rest = best.rest | set(candidates[c].blocks)
            plain = greedy.plain_lots(rest)
            if plain is None or len(chosen) + len(plain) > judge.scenario.max_lots:
                continue
            trial = greedy.grow(_State(chosen, rest, plain, greedy.value(chosen, plain)), deadline)
            if trial.value > best.value + 1e-9:
                best, improved = trial, True
                break
    return best.chosen, best.plain


@dataclass(frozen=True)
class _State:
    """A division in the making: chosen candidates, blocks left, plain lots for them, objective."""

    chosen: list[int]
    rest: frozenset[int]
    plain: list[list[int]]
    value: float


class _Greedy:
    """Candidate lots worth trying, and the exact value of a division made of them."""

    def __init__(
        self, judge: LotJudge, blocks: Sequence[Block], candidates: Sequence[Candidate]
    ) -> None:
        self.scenario, self.candidates = judge.scenario, candidates
        self.plain_lots = _PlainLots(judge, blocks)
        scenario = judge.scenario
        self.pool = [
            c
            for c, candidate in enumerate(candidates)
            if scenario.open_rate * candidate.value + scenario.reach_value * len(candidate.holders)
            > scenario.lot_cost
        ]
        self.held = {c: frozenset(candidates[c].holders) for c in self.pool}

    def value(self, chosen: list[int], plain: list[list[int]]) -> float:
        """Objective of the chosen candidates plus plain lots (these counted as holding no one)."""
        holders = {t for c in chosen for t in self.held[c]}
        open_value = sum(self.candidates[c].value for c in chosen)
        return objective(self.scenario, len(holders), open_value, len(chosen) + len(plain))

    def grow(self, state: _State, deadline: float) -> _State:
        """Add the best of the top-ranked candidates while the objective improves."""
        scenario, candidates = self.scenario, self.candidates
        chosen, rest, plain, best = list(state.chosen), state.rest, state.plain, state.value
        holders = {t for c in chosen for t in self.held[c]}
        open_value = sum(candidates[c].value for c in chosen)
        pool = [c for c in self.pool if rest.issuperset(candidates[c].blocks)]
        while pool and time.perf_counter() < deadline:
            ranked = heapq.nsmallest(
                BATCH,
                (
                    (
                        -scenario.reach_value * len(self.held[c] - holders)
                        - scenario.open_rate * candidates[c].value,
                        c,
                    )
                    for c in pool
                ),
            )
            step = None
            for _, c in ranked:
                left = rest - set(candidates[c].blocks)
                pieces = self.plain_lots(left)
                if pieces is None or len(chosen) + 1 + len(pieces) > scenario.max_lots:
                    continue
                reach = len(holders | self.held[c])
                value = objective(
                    scenario, reach, open_value + candidates[c].value, len(chosen) + 1 + len(pieces)
                )
                if value > best:
                    best, step = value, (c, left, pieces)
            if step is None:
                break
            c, rest, plain = step
            chosen.append(c)
            holders |= self.held[c]
            open_value += candidates[c].value
            pool = [k for k in pool if rest.issuperset(candidates[k].blocks)]
        return _State(chosen, rest, plain, best)


class _PlainLots:
    """The remaining blocks as feasible lots: one per connected piece of areas, or, where a
    piece breaks a rule (too big for enough bidders), the piece cut into feasible chunks.
    Pieces recur from step to step, so each is judged once."""

    def __init__(self, judge: LotJudge, blocks: Sequence[Block]) -> None:
        self.judge, self.blocks = judge, blocks
        self.known: dict[frozenset[int], list[list[int]] | None] = {}

    def __call__(self, rest: frozenset[int]) -> list[list[int]] | None:
        lots = []
        for piece in _pieces(self.judge, self.blocks, set(rest)):
            key = frozenset(piece)
            if key not in self.known:
                self.known[key] = (
                    [piece]
                    if _feasible(self.judge, self.blocks, piece)
                    else _chunks(self.judge, self.blocks, piece)
                )
            found = self.known[key]
            if found is None:
                return None
            lots += found
        return sorted(lots, key=min)


def _feasible(
    judge: LotJudge,
    blocks: Sequence[Block],
    group: Sequence[int],
    among: Sequence[Option] | None = None,
) -> bool:
    """Does a lot of these blocks keep every rule? ``among``: the options covering it, if known."""
    return not judge.judge([u for b in group for u in blocks[b].units], among).breaches


def _chunks(judge: LotJudge, blocks: Sequence[Block], piece: list[int]) -> list[list[int]] | None:
    """Cut a piece into feasible lots by walking its areas breadth first and closing a lot just
    before the block that would break a rule; None if some chunk still breaks one.

    Only options covering the chunk so far are judged: coverage only shrinks as a chunk grows.
    """
    chunks: list[list[int]] = []
    current: list[int] = []
    among: list[Option] = []
    for b in _walk(judge, blocks, piece):
        units = blocks[b].units
        if current:
            narrower = [o for o in among if o.covers.issuperset(units)]
            if _feasible(judge, blocks, [*current, b], narrower):
                current.append(b)
                among = narrower
                continue
            chunks.append(current)
        current = [b]
        among = [o for o in judge.options if o.covers.issuperset(units)]
    chunks.append(current)
    if not all(_feasible(judge, blocks, chunk) for chunk in chunks):
        return None
    return chunks


def _walk(judge: LotJudge, blocks: Sequence[Block], piece: list[int]) -> list[int]:
    """The piece's blocks in breadth-first order of their areas (contract order without a graph)."""
    graph = judge.case.adjacency
    if graph is None:
        return sorted(piece)
    by_area: dict[str, list[int]] = {}
    for b in sorted(piece):
        by_area.setdefault(min(blocks[b].areas), []).append(b)
    first = min(by_area)
    areas = [first, *(t for _, t in nx.bfs_edges(graph.subgraph(by_area), first))]
    return [b for a in areas for b in by_area.get(a, [])]


def _pieces(judge: LotJudge, blocks: Sequence[Block], rest: set[int]) -> list[list[int]]:
    """Group blocks whose areas are joined through the adjacency graph (all one group without)."""
    graph = judge.case.adjacency
    if graph is None:
        return [sorted(rest)]
    areas = {a for b in rest for a in blocks[b].areas}
    piece_of = {}
    for number, piece in enumerate(nx.connected_components(graph.subgraph(areas))):
        piece_of.update({a: number for a in piece})
    groups: dict[int, list[int]] = {}
    for b in sorted(rest):
        groups.setdefault(piece_of[next(iter(blocks[b].areas))], []).append(b)
    return sorted(groups.values(), key=min)
