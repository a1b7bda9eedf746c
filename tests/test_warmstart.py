"""The greedy starting division is feasible, never better than the optimum, and helps only speed."""

from __future__ import annotations

import itertools

import pytest
from test_optimise import SEEDS, make

from brute import best_division
from lotting import Scenario, load_case
from lotting.generate import realistic_frames, write_frames
from lotting.mip.candidates import enumerate_candidates
from lotting.mip.solver import run
from lotting.mip.warmstart import _packing, greedy_start
from lotting.rules.blocks import make_blocks
from lotting.rules.lots import LotJudge
from lotting.rules.options import build_options, holdable
from lotting.rules.scoring import evaluate_lots


def judged_start(case, scenario, options, blocks, candidates, start):
    """A greedy start's division, checked to be a partition of the blocks and feasible."""
    chosen, plain = start
    groups = [list(candidates[c].blocks) for c in chosen] + plain
    assert sorted(b for g in groups for b in g) == list(range(len(blocks)))
    division = [[u for b in g for u in blocks[b].units] for g in groups]
    evaluation = evaluate_lots(case, scenario, division, options)
    assert evaluation.feasible, evaluation.breaches
    return evaluation


@pytest.mark.parametrize("solver", [None, "highs"])
@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_start_is_a_feasible_division(seed, solver, tmp_path):
    case, scenario = make(seed, tmp_path)
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    can = holdable(options, blocks)
    judge = LotJudge(case, scenario, options)
    candidates, _ = enumerate_candidates(judge, blocks, can)
    start = greedy_start(judge, blocks, candidates, solver=solver)
    best = best_division(case, scenario)
    if start is None:
        return
    evaluation = judged_start(case, scenario, options, blocks, candidates, start)
    assert best is not None
    assert evaluation.metrics["objective"] <= best[0] + 1e-6


def test_greedy_start_finds_most_feasible_cases(tmp_path):
    """Not vacuous: the greedy finds a start, with candidate lots, on most seeds."""
    found = with_candidates = 0
    for seed in SEEDS:
        case, scenario = make(seed, tmp_path)
        options = build_options(case, scenario)
        blocks = make_blocks(case)
        can = holdable(options, blocks)
        judge = LotJudge(case, scenario, options)
        start = greedy_start(judge, blocks, enumerate_candidates(judge, blocks, can)[0])
        found += start is not None
        with_candidates += bool(start and start[0])
    assert found >= 20 and with_candidates >= 10


@pytest.mark.parametrize("seed", SEEDS[::4])
def test_packing_mip_finds_the_best_packing(seed, tmp_path):
    """The packing MIP's optimum equals the best set of disjoint candidates found by brute force."""
    case, scenario = make(seed, tmp_path)
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    can = holdable(options, blocks)
    candidates = enumerate_candidates(LotJudge(case, scenario, options), blocks, can)[0]
    pool = list(range(min(len(candidates), 10)))
    most = 3
    best = 0.0
    for k in range(1, most + 1):
        for combo in itertools.combinations(pool, k):
            held = [b for c in combo for b in candidates[c].blocks]
            if len(held) != len(set(held)):
                continue
            reach = len({t for c in combo for t in candidates[c].holders})
            value = sum(candidates[c].value for c in combo)
            gain = scenario.reach_value * reach + scenario.open_rate * value
            best = max(best, gain - scenario.lot_cost * k)
    problem, z = _packing(scenario, candidates, pool, most)
    result = run(problem, time_limit=None)
    assert result.status == "optimal" and result.values is not None
    chosen = [c for c, var in z.items() if result.values[var] > 0.5]
    assert len(chosen) <= most
    achieved = sum(g * v for g, v in zip(problem.cost, result.values, strict=True))
    assert achieved == pytest.approx(best, abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_the_packing_step_improves_realistic_starts(seed, tmp_path):
    """On generated realistic markets the packing MIP finds better feasible starts."""
    frames = realistic_frames(seed, n_areas=15, n_services=2, n_suppliers=30)
    case = load_case(write_frames(frames, tmp_path))
    scenario = Scenario()
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    can = holdable(options, blocks)
    judge = LotJudge(case, scenario, options)
    candidates = enumerate_candidates(judge, blocks, can)[0]
    values = []
    for solver in (None, "highs"):
        chosen, plain = greedy_start(judge, blocks, candidates, solver=solver)
        groups = [list(candidates[c].blocks) for c in chosen] + plain
        division = [[u for b in g for u in blocks[b].units] for g in groups]
        evaluation = evaluate_lots(case, scenario, division, options)
        assert evaluation.feasible, evaluation.breaches
        values.append(evaluation.metrics["objective"])
    assert values[1] > values[0]


@pytest.mark.parametrize("seed", SEEDS[::4])
def test_quick_chunks_cut_as_the_exact_walk_does(seed, tmp_path):
    """The incremental judgement of a growing plain lot agrees with LotJudge step by step: the
    same cut of every piece (random pieces of the seeded cases and the whole example)."""
    import random

    from lotting.mip.warmstart import _chunks, _quick_chunks

    case, scenario = make(seed, tmp_path)
    cases = [(case, scenario.replace(robust=False, max_reserved=0, max_awards=None))]
    if seed == 0:
        cases.append((load_case("data/example/contract.csv"), Scenario()))
    rng = random.Random(seed)
    for case, scenario in cases:
        judge = LotJudge(case, scenario, build_options(case, scenario))
        blocks = make_blocks(case)
        for _ in range(10):
            piece = sorted(rng.sample(range(len(blocks)), rng.randint(1, len(blocks))))
            exact = _chunks(judge, blocks, piece, quick=False)
            if exact is not None:
                assert _quick_chunks(judge, blocks, piece) == exact


@pytest.mark.parametrize("seed", SEEDS[::2])
def test_lp_guided_dive_gives_a_feasible_division(seed, tmp_path):
    """The dive from the master LP's shares (lotting/mip/colgen.py) still ends in a feasible
    division, never better than the brute-force optimum."""
    from lotting.mip.colgen import master_bound

    case, scenario = make(seed, tmp_path)
    scenario = scenario.replace(max_reserved=0)
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    judge = LotJudge(case, scenario, options)
    candidates, unlisted = enumerate_candidates(judge, blocks, holdable(options, blocks))
    strong = master_bound(scenario, options, blocks, candidates, unlisted)
    if strong is None:
        return
    start = greedy_start(judge, blocks, candidates, weights=strong.weights)
    if start is None:
        return
    evaluation = judged_start(case, scenario, options, blocks, candidates, start)
    best = best_division(case, scenario)
    assert best is not None and evaluation.metrics["objective"] <= best[0] + 1e-6
    assert evaluation.metrics["objective"] <= strong.bound + 1e-6


def realistic(seed, tmp_path):
    """A small realistic contract (20 areas, 2 services) whose plain cut needs several chunks."""
    frames = realistic_frames(seed, n_areas=20, n_services=2, n_suppliers=30)
    case = load_case(write_frames(frames, tmp_path / f"real{seed}"))
    scenario = Scenario()
    return (
        case,
        scenario,
        LotJudge(case, scenario, build_options(case, scenario)),
        make_blocks(case),
    )


def touching(judge, blocks, a, b):
    """Do two lots (block lists) share or border an area?"""
    areas_a = {x for u in a for x in blocks[u].areas}
    areas_b = {x for u in b for x in blocks[u].areas}
    return bool(areas_a & areas_b) or any(judge.neighbours[x] & areas_b for x in areas_a)


def test_joined_chunks_are_feasible_fewer_and_cannot_join_further(tmp_path):
    from lotting.mip.warmstart import _chunks, _feasible, _joined, _pieces

    fewer = 0
    for seed in range(6):
        *_, judge, blocks = realistic(seed, tmp_path)
        for piece in _pieces(judge, blocks, set(range(len(blocks)))):
            chunks = _chunks(judge, blocks, piece)
            if chunks is None or len(chunks) < 2:
                continue
            joined = _joined(judge, blocks, chunks)
            assert sorted(b for lot in joined for b in lot) == sorted(piece)
            assert all(_feasible(judge, blocks, lot) for lot in joined)
            assert len(joined) <= len(chunks)
            fewer += len(joined) < len(chunks)
            for a, b in itertools.combinations(joined, 2):
                assert not (
                    touching(judge, blocks, a, b) and _feasible(judge, blocks, sorted(a + b))
                )
    assert fewer >= 3  # the walk's cut had chunks to join on most of these contracts


def test_quick_joins_are_the_exact_joins(tmp_path):
    """Judging each join first from the chunks' running figures joins exactly as judging every
    join in full does, on contracts where joins happen and where some are refused."""
    from lotting.mip.warmstart import _chunks, _feasible, _join, _joined, _Options, _pieces

    compared = refused = 0
    for seed in range(6):
        *_, judge, blocks = realistic(seed, tmp_path)
        table = _Options(judge, blocks)
        for piece in _pieces(judge, blocks, set(range(len(blocks)))):
            chunks = _chunks(judge, blocks, piece)
            if chunks is None or len(chunks) < 2:
                continue
            exact = _joined(judge, blocks, chunks)
            assert _joined(judge, blocks, chunks, table) == exact
            quick = _join(judge, blocks, chunks, table)  # no fallback to the exact joins needed
            assert all(_feasible(judge, blocks, lot, among) for lot, among in quick)
            compared += 1
            refused += len(exact) > 1
    assert compared >= 3 and refused >= 1


def test_a_walk_with_too_many_chunks_still_gives_a_start(tmp_path):
    """Seed 4's walk cuts the contract into 11 plain lots; with max_lots 6 the chunks are joined
    (to 4), and the start is a feasible division within max_lots."""
    from lotting.mip.warmstart import _PlainLots

    case, scenario, judge, blocks = realistic(4, tmp_path)
    assert len(_PlainLots(judge, blocks)(frozenset(range(len(blocks))))) == 11
    scenario = scenario.replace(max_lots=6)
    options = build_options(case, scenario)
    judge = LotJudge(case, scenario, options)
    candidates, _ = enumerate_candidates(judge, blocks, holdable(options, blocks))
    start = greedy_start(judge, blocks, candidates)
    assert start is not None
    evaluation = judged_start(case, scenario, options, blocks, candidates, start)
    assert evaluation.metrics["n_lots"] <= 6


@pytest.mark.parametrize("seed", range(4))
def test_exchange_ends_where_no_add_or_replacement_pays(seed, tmp_path):
    """From the division of plain lots alone, the exchange moves end at a feasible, better
    division that no move of their kind improves: every candidate added, or put in place of the
    one or two chosen lots it overlaps, judged exactly here without the moves' pruning."""
    from lotting.mip.warmstart import Work, _Greedy, _State
    from lotting.settings import Settings

    frames = realistic_frames(seed, n_areas=12, n_services=2, n_suppliers=24)
    case = load_case(write_frames(frames, tmp_path))
    scenario = Scenario()
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    judge = LotJudge(case, scenario, options)
    candidates = enumerate_candidates(judge, blocks, holdable(options, blocks))[0]
    greedy = _Greedy(judge, blocks, candidates, Settings(), Work(10**9, float("inf")))
    plain = greedy.plain_lots(greedy.everything)
    assert plain is not None
    first = _State([], greedy.everything, plain, greedy.value([], plain))
    found = greedy.exchange(first, 10**9)
    assert found.value > first.value
    judged_start(case, scenario, options, blocks, candidates, (found.chosen, found.plain))
    owner = {b: c for c in found.chosen for b in candidates[c].blocks}
    for c in greedy.pool:
        outs = {owner[b] for b in candidates[c].blocks if b in owner}
        if c in found.chosen or len(outs) > 2:
            continue
        chosen = [k for k in found.chosen if k not in outs] + [c]
        rest = greedy.everything.difference(*(candidates[k].blocks for k in chosen))
        lots = greedy.plain_lots(rest)
        if lots is None or len(chosen) + len(lots) > scenario.max_lots:
            continue
        assert greedy.value(chosen, lots) <= found.value + 1e-9
