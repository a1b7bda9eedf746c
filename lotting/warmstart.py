"""A quick feasible division to start the solver from: a few plain lots, then greedy candidates.

It only helps the solver find a first plan sooner on large contracts; the optimum does not depend
on it. Everything here is checked with the exact lot rules (:class:`lotting.evaluate.LotJudge`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import networkx as nx

from lotting.blocks import Block
from lotting.candidates import Candidate
from lotting.evaluate import LotJudge, objective

#: At most this many candidate lots are tried, best first.
MAX_TRIED = 3000


def greedy_start(
    judge: LotJudge,
    blocks: Sequence[Block],
    candidates: Sequence[Candidate],
    seconds: float = 5.0,
) -> tuple[list[int], list[list[int]]] | None:
    """Chosen candidates and plain lots (block lists) forming a feasible division, or None.

    Starts from the remaining blocks split into connected pieces, then adds candidate lots, best
    first, whenever what is left still makes feasible plain lots and the objective improves.
    """
    deadline = time.perf_counter() + seconds
    scenario = judge.scenario
    rest = set(range(len(blocks)))
    plain = _plain_lots(judge, blocks, rest)
    if plain is None or len(plain) > scenario.max_lots:
        return None
    chosen: list[int] = []
    holders: set[str] = set()
    open_value = 0.0
    best = objective(scenario, 0, 0.0, len(plain))

    def gain(c: Candidate) -> float:
        return (
            scenario.open_rate * c.value + scenario.reach_value * len(c.holders) - scenario.lot_cost
        )

    order = sorted(range(len(candidates)), key=lambda c: (-gain(candidates[c]), c))
    for c in order[:MAX_TRIED]:
        if time.perf_counter() > deadline or gain(candidates[c]) <= 0:
            break
        lot = set(candidates[c].blocks)
        if not lot <= rest:
            continue
        pieces = _plain_lots(judge, blocks, rest - lot)
        if pieces is None or len(chosen) + 1 + len(pieces) > scenario.max_lots:
            continue
        reach = len(holders | set(candidates[c].holders))
        value = objective(
            scenario, reach, open_value + candidates[c].value, len(chosen) + 1 + len(pieces)
        )
        if value > best:
            best, rest, plain = value, rest - lot, pieces
            chosen.append(c)
            holders |= set(candidates[c].holders)
            open_value += candidates[c].value
    return chosen, plain


def _plain_lots(judge: LotJudge, blocks: Sequence[Block], rest: set[int]) -> list[list[int]] | None:
    """The remaining blocks as feasible lots: one per connected piece of areas, or, where a
    piece breaks a rule (too big for enough bidders), the piece cut into feasible chunks."""
    lots = []
    for piece in _pieces(judge, blocks, rest):
        if _feasible(judge, blocks, piece):
            lots.append(piece)
            continue
        chunks = _chunks(judge, blocks, piece)
        if chunks is None:
            return None
        lots += chunks
    return sorted(lots, key=min)


def _feasible(judge: LotJudge, blocks: Sequence[Block], group: Sequence[int]) -> bool:
    """Does a lot of these blocks keep every rule?"""
    return not judge.judge([u for b in group for u in blocks[b].units]).breaches


def _chunks(judge: LotJudge, blocks: Sequence[Block], piece: list[int]) -> list[list[int]] | None:
    """Cut a piece into feasible lots by walking its areas breadth first and closing a lot just
    before the block that would break a rule; None if some chunk still breaks one."""
    chunks: list[list[int]] = []
    current: list[int] = []
    for b in _walk(judge, blocks, piece):
        if current and _feasible(judge, blocks, [*current, b]):
            current.append(b)
            continue
        if current:
            chunks.append(current)
        current = [b]
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
