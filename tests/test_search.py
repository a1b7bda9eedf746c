"""The neighbourhood search only ever returns feasible divisions, better than its start, that
keep the start outside the blocks it frees; freeing everything, it finds the optimum."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_optimise import SEEDS, make

from brute import best_division, feasible_divisions
from lotting import solve
from lotting.mip.candidates import enumerate_candidates
from lotting.mip.model import build_model
from lotting.mip.search import fixed_bounds, improve, neighbourhood, restricted
from lotting.mip.solver import run
from lotting.mip.warmstart import _PlainLots
from lotting.rules.blocks import make_blocks
from lotting.rules.lots import LotJudge
from lotting.rules.options import build_options, holdable
from lotting.rules.scoring import evaluate_lots
from lotting.settings import Settings

EVERYTHING = Settings().replace(search_radius=100, search_blocks=10**6, search_nodes=10**9)


def plain_start(seed, tmp_path):
    """The seed's case, its model over every listed lot, and the division of plain lots alone
    as a start (x, y and z values) with its objective; None when there is no such division."""
    case, scenario = make(seed, tmp_path)
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    judge = LotJudge(case, scenario, options)
    candidates, unlisted = enumerate_candidates(judge, blocks, holdable(options, blocks))
    if scenario.max_reserved:
        return None
    plain = _PlainLots(judge, blocks)(frozenset(range(len(blocks))))
    if plain is None or len(plain) > scenario.max_lots:
        return None
    model = build_model(scenario, options, blocks, case.adjacency, candidates, unlisted)
    division = [[u for b in lot for u in blocks[b].units] for lot in plain]
    evaluation = evaluate_lots(case, scenario, division, options)
    if not evaluation.feasible:
        return None
    # a lot some target-held option can bid for is a listed lot of the model, not a plain one
    listed = {frozenset(candidate.blocks): c for c, candidate in enumerate(candidates)}
    chosen = [listed[frozenset(lot)] for lot in plain if frozenset(lot) in listed]
    plain = [lot for lot in plain if frozenset(lot) not in listed]
    start = model.start(chosen, plain)
    return case, scenario, options, model, start, evaluation.metrics["objective"]


def plain_starts(tmp_path):
    """:func:`plain_start` of every seed that has one."""
    for seed in SEEDS:
        made = plain_start(seed, tmp_path)
        if made is not None:
            yield made


def exact(case, scenario, options, model, start):
    """The exact objective of a start's division (checked feasible)."""
    division = model.division(start)
    assert division is not None
    evaluation = evaluate_lots(case, scenario, division, options)
    assert evaluation.feasible, evaluation.breaches
    return evaluation.metrics["objective"]


def sub_mip(model, start, freed):
    """The model solved with the start kept outside the freed blocks: its values and objective."""
    highs = model.mip.to_highs()
    lower, upper = fixed_bounds(model, start, freed)
    highs.changeColsBounds(model.mip.count, list(range(model.mip.count)), lower, upper)
    found = run(model.mip, "highs", None, start, highs=highs)
    assert found.status == "optimal" and found.values is not None
    value = sum(c * v for c, v in zip(model.mip.cost, found.values, strict=True))
    return SimpleNamespace(values=found.values, objective=value)


def outside(lots, freed):
    """The parts of the lots outside the freed blocks."""
    return {lot - freed for lot in lots if lot - freed}


@pytest.mark.parametrize("seed", SEEDS)
def test_freeing_everything_finds_the_optimum(seed, tmp_path):
    made = plain_start(seed, tmp_path)
    if made is None:
        return
    case, scenario, options, model, start, _ = made
    searched = improve(model, start, case.adjacency, EVERYTHING)
    best = best_division(case, scenario)
    assert best is not None
    assert searched.objective == pytest.approx(best[0], abs=1e-6)
    assert exact(case, scenario, options, model, searched.start) == pytest.approx(best[0])
    assert searched.improved == (best[0] > sub_mip(model, start, frozenset()).objective + 1e-6)


def test_a_neighbourhood_keeps_the_start_outside_it(tmp_path):
    """With the blocks of one area (and the listed lots touching it) freed, the sub-MIP's
    optimum keeps every lot's part outside them, is no worse than the start, and no better than
    the best feasible division that keeps them too (brute force)."""
    compared = better = 0
    for case, scenario, options, model, start, value in plain_starts(tmp_path):
        lots = [*model.listed_lots(start), *model.compact_lots(start)]
        for area in sorted({a for block in model.blocks for a in block.areas}):
            freed = neighbourhood(model.blocks, model.listed_lots(start), area, case.adjacency, 0)
            found = sub_mip(model, start, freed)
            known = model.known(found.values)
            after = [*model.listed_lots(known), *model.compact_lots(known)]
            assert outside(after, freed) == outside(lots, freed)
            got = exact(case, scenario, options, model, known)
            assert got >= found.objective - 1e-6  # the model never values a lot above its worth
            assert found.objective >= sub_mip(model, start, frozenset()).objective - 1e-6
            part = restricted(model.mip, *fixed_bounds(model, start, freed))
            assert part is not None and part.mip.count <= model.mip.count
            small = run(part.mip, "highs", None)
            assert small.status == "optimal" and small.values is not None
            assert part.offset + float(part.cost @ small.values) == pytest.approx(found.objective)
            units = {u: b for b, block in enumerate(model.blocks) for u in block.units}
            kept = max(
                v
                for v, division, _ in feasible_divisions(case, scenario)
                if outside([frozenset(units[u] for u in lot) for lot in division], freed)
                == outside(lots, freed)
            )
            assert got <= kept + 1e-6
            compared += 1
            better += got > value + 1e-6
    assert compared >= 40 and better >= 5


@pytest.mark.parametrize("seed", SEEDS)
def test_the_search_returns_a_better_feasible_division(seed, tmp_path):
    """With the default small neighbourhoods: a feasible division worth at least what the search
    reports (the model's value of it), never below the start's value in the model, the same on
    a second run."""
    made = plain_start(seed, tmp_path)
    if made is None:
        return
    case, scenario, options, model, start, _ = made
    searched = improve(model, start, case.adjacency)
    assert searched.objective >= sub_mip(model, start, frozenset()).objective - 1e-6
    assert exact(case, scenario, options, model, searched.start) >= searched.objective - 1e-6
    again = improve(model, start, case.adjacency)
    assert again == searched


def test_the_search_improves_plain_starts_on_most_cases(tmp_path):
    """Not vacuous: from plain lots alone, one-area neighbourhoods find better divisions."""
    improved = tried = 0
    for case, _, _, model, start, _ in plain_starts(tmp_path):
        searched = improve(model, start, case.adjacency)
        tried += 1
        improved += searched.improved > 0
    assert tried >= 20 and improved >= 5


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_a_solve_with_the_search_is_still_exact(seed, tmp_path):
    """Run on every model (``search_from`` 0), the search leaves the solve's optimum unchanged."""
    case, scenario = make(seed, tmp_path)
    best = best_division(case, scenario)
    if best is None or scenario.max_reserved:
        return
    plan = solve(case, scenario, settings=Settings().replace(search_from=0))
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(best[0], abs=1e-6)


def test_a_due_stop_ends_the_search_at_once(tmp_path):
    """Ctrl-C (or a passed deadline) before the first sub-MIP: the start comes back, nothing
    tried; a cap of no seconds does the same."""
    from lotting.stop import Stop

    case, _, _, model, start, _ = next(plain_starts(tmp_path))
    stop = Stop()
    stop.request()
    for searched in (
        improve(model, start, case.adjacency, stop=stop),
        improve(model, start, case.adjacency, seconds=0.0),
    ):
        assert (searched.tried, searched.improved, searched.start) == (0, 0, dict(start))
        assert searched.objective is None


@pytest.mark.parametrize("seed", range(12))
def test_a_stopped_solve_keeps_the_search_and_its_reserved_lots(seed, tmp_path, monkeypatch):
    """When the solver returns nothing after the search (abandoned past its deadline), the plan
    is the better of the start and the search's division, judged with its reserved lots: never
    below either."""
    import dataclasses

    from rulecases import rule_case

    import lotting.optimise
    from lotting.mip.solver import SolverRun

    case, scenario = rule_case(seed, tmp_path)
    scenario = dataclasses.replace(scenario, max_reserved=1, reserve_rate=0.5)
    events = []
    monkeypatch.setattr(
        lotting.optimise,
        "run",
        lambda model, solver, *a, **k: SolverRun("no_solution", None, 0.0, solver),
    )
    try:
        plan = solve(
            case,
            scenario,
            time_limit=None,
            settings=Settings().replace(search_from=0),
            progress=events.append,
        )
    except Exception:  # infeasible, or no start: nothing to keep
        return
    found = [e.objective for e in events if e.kind in ("start", "search")]
    assert plan.evaluation.feasible
    assert found and plan.objective >= max(found) - 1e-6
