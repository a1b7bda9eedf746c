"""The tie search for alternatives against exhaustive enumeration: exactly the feasible divisions
one block move from the best, worth as much, none taken already."""

from __future__ import annotations

import pytest
from rulecases import rule_case

from brute import ranked_divisions
from lotting.mip.ties import canonical, moves, tied_divisions
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
