"""The tie search for alternatives against exhaustive enumeration: exactly the feasible divisions
one block move from the best, worth as much, none taken already."""

from __future__ import annotations

import pytest
from rulecases import rule_case

from brute import ranked_divisions
from lotting.mip.neighbours import best_neighbour, canonical, merges, moves, splits, tied_divisions
from lotting.rules.blocks import make_blocks
from lotting.rules.lots import LotJudge
from lotting.rules.options import build_options

SEEDS = range(16)


def as_blocks(blocks, lots):
    """A division given as unit positions, in canonical block form."""
    block_of = {u: b for b, block in enumerate(blocks) for u in block.units}
    return canonical([{block_of[u] for u in lot} for lot in lots])


def every_move(division):
    """Every division with one block of a lot of two or more moved to another lot."""
    out = set()
    for i, lot in enumerate(division):
        for block in lot if len(lot) > 1 else ():
            for j in range(len(division)):
                if j != i:
                    lots = [set(x) for x in division]
                    lots[i].discard(block)
                    lots[j].add(block)
                    out.add(canonical(lots))
    return out


def market(seed, tmp_path):
    """A seeded small case without reserved lots or award cap, its best division (blocks), and
    every feasible division with its objective."""
    case, scenario = rule_case(seed, tmp_path)
    scenario = scenario.replace(max_reserved=0, max_awards=None)
    blocks = make_blocks(case)
    divisions = ranked_divisions(case, scenario)
    ranked = [(value, as_blocks(blocks, lots)) for value, lots, _ in divisions]
    judge = LotJudge(case, scenario, build_options(case, scenario))
    return judge, blocks, ranked


def test_moves_reach_every_feasible_division_one_block_away(tmp_path):
    """The adjacency filter drops only moves that break contiguity."""
    for seed in SEEDS:
        judge, blocks, ranked = market(seed, tmp_path)
        if not ranked:
            continue
        best = ranked[0][1]
        near = set(moves(best, blocks, judge))
        assert near <= every_move(best)
        assert {d for _, d in ranked} & every_move(best) <= near


def test_tied_divisions_are_exactly_the_tied_neighbours(tmp_path):
    tied_seeds = 0
    for seed in SEEDS:
        judge, blocks, ranked = market(seed, tmp_path)
        if not ranked:
            continue
        worth, best = ranked[0]
        near = every_move(best)
        expected = {d for v, d in ranked if d in near and v == pytest.approx(worth)}
        found = list(tied_divisions(judge, blocks, best, [best], worth))
        assert len(found) == len(set(found)) and set(found) == expected
        tied_seeds += bool(expected)
        # what is taken already never comes back, and the budget stops the search
        assert not set(tied_divisions(judge, blocks, best, [best, *expected], worth))
        assert not list(tied_divisions(judge, blocks, best, [best], worth, trials=0))
    assert tied_seeds >= 4  # the search has ties to find on these markets (4 of 13 feasible)


def test_reserved_lots_stay_as_they_are(tmp_path):
    for seed in SEEDS:
        judge, blocks, ranked = market(seed, tmp_path)
        if not ranked:
            continue
        worth, best = ranked[0]
        for lot in best:
            for division in tied_divisions(judge, blocks, best, [best], worth, fixed=[lot]):
                assert lot in division


def test_best_neighbour_is_the_best_merge_or_split(tmp_path):
    """Against every feasible division: the best one merge (one lot fewer) or one split (one
    more) from the best division, by objective; None exactly when there is none."""
    compared = 0
    for seed in SEEDS:
        judge, blocks, ranked = market(seed, tmp_path)
        if not ranked:
            continue
        best = ranked[0][1]
        for lots, near in (
            (len(best) - 1, set(merges(best, blocks, judge))),
            (len(best) + 1, set(splits(best))),
        ):
            if not 1 <= lots <= judge.scenario.max_lots:  # max_lots is the caller's to check
                continue
            found = best_neighbour(judge, blocks, best, lots)
            reachable = [(v, d) for v, d in ranked if d in near]
            if not reachable:
                assert found is None
                continue
            compared += 1
            worth = dict((d, v) for v, d in ranked)
            assert found in worth and worth[found] == pytest.approx(max(v for v, _ in reachable))
    assert compared >= 10
    assert best_neighbour(judge, blocks, best, len(best) + 2) is None  # not one step away


def test_merges_and_splits_are_one_step(tmp_path):
    judge, blocks, ranked = market(3, tmp_path)
    best = ranked[0][1]
    for merged in merges(best, blocks, judge):
        assert len(merged) == len(best) - 1 and all(
            any(set(lot) <= set(m) for m in merged) for lot in best
        )
    for split in splits(best):
        assert len(split) == len(best) + 1 and all(
            any(set(lot) <= set(b) for b in best) for lot in split
        )
