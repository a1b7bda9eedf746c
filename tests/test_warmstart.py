"""The greedy starting division is feasible, never better than the optimum, and helps only speed."""

from __future__ import annotations

import pytest
from brute import best_division
from test_optimise import SEEDS, make

from lotting.blocks import make_blocks
from lotting.candidates import enumerate_candidates
from lotting.evaluate import LotJudge, evaluate_lots
from lotting.model import coverable
from lotting.options import build_options
from lotting.warmstart import greedy_start


@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_start_is_a_feasible_division(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    can = [[b for b, block in enumerate(blocks) if coverable(o, block)] for o in options]
    judge = LotJudge(case, scenario, options)
    candidates, _ = enumerate_candidates(judge, blocks, can)
    start = greedy_start(judge, blocks, candidates)
    best = best_division(case, scenario)
    if start is None:
        return
    chosen, plain = start
    groups = [list(candidates[c].blocks) for c in chosen] + plain
    assert sorted(b for g in groups for b in g) == list(range(len(blocks)))
    division = [[u for b in g for u in blocks[b].units] for g in groups]
    evaluation = evaluate_lots(case, scenario, division, options)
    assert evaluation.feasible, evaluation.breaches
    assert best is not None
    assert evaluation.metrics["objective"] <= best[0] + 1e-6


def test_greedy_start_finds_most_feasible_cases(tmp_path):
    """Not vacuous: the greedy finds a start, with candidate lots, on most seeds."""
    found = with_candidates = 0
    for seed in SEEDS:
        case, scenario = make(seed, tmp_path)
        options = build_options(case, scenario)
        blocks = make_blocks(case)
        can = [[b for b, block in enumerate(blocks) if coverable(o, block)] for o in options]
        judge = LotJudge(case, scenario, options)
        start = greedy_start(judge, blocks, enumerate_candidates(judge, blocks, can)[0])
        found += start is not None
        with_candidates += bool(start and start[0])
    assert found >= 20 and with_candidates >= 10
