"""The optimiser against brute-force enumeration of every division, on seeded random cases."""

from __future__ import annotations

import random

import pytest

from brute import best_division
from lotting import InfeasibleError, NoSolutionError, Scenario, load_case, solve
from lotting.generate import random_frames, random_scenario, write_frames
from lotting.optimise import cheap_bound, solve_each
from lotting.progress import relative_gap
from lotting.rules.blocks import make_blocks
from lotting.rules.options import build_options
from lotting.rules.scoring import evaluate_lots
from lotting.settings import Settings

SEEDS = range(40)


def make(seed: int, tmp_path):
    """The seed's case (4 to 8 units) and scenario."""
    rng = random.Random(seed)
    frames = random_frames(
        seed,
        n_units=rng.randint(4, 8),
        n_suppliers=rng.randint(4, 7),
        contiguity=seed % 3 != 0,
    )
    case = load_case(write_frames(frames, tmp_path / f"case{seed}"))
    return case, random_scenario(seed)


def check_against_brute_force(case, scenario, **kwargs) -> str:
    """Solve and compare with the brute-force optimum; return 'infeasible' or 'optimal'."""
    best = best_division(case, scenario)
    if best is None:
        with pytest.raises(InfeasibleError):
            solve(case, scenario, time_limit=None, **kwargs)
        return "infeasible"
    plan = solve(case, scenario, time_limit=None, **kwargs)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(best[0], rel=1e-6, abs=1e-6)
    assert plan.evaluation.feasible
    again = evaluate_lots(case, scenario, best[1])
    assert again.metrics["objective"] == pytest.approx(best[0])
    return "optimal"


@pytest.mark.parametrize("seed", SEEDS)
def test_split_matches_brute_force(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    check_against_brute_force(case, scenario)


@pytest.mark.parametrize("seed", SEEDS[::2])
def test_compact_model_matches_brute_force(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    check_against_brute_force(case, scenario, enumerate_lots=False)


@pytest.mark.parametrize("seed", SEEDS[1::2])
def test_mixed_listed_and_compact_target_lots(seed, tmp_path):
    """Options with more than 3 candidate sets fall back to the compact model's credit."""
    case, scenario = make(seed, tmp_path)
    check_against_brute_force(case, scenario, settings=Settings(max_sets_per_option=3))


@pytest.mark.parametrize("seed", SEEDS[::3])
def test_itemised_coverage_rows_match_brute_force(seed, tmp_path):
    """One coverage row per area, service or block an option cannot hold (instead of the
    default one per option and compact lot) is exact too."""
    case, scenario = make(seed, tmp_path)
    settings = Settings(aggregate_from=10**6)
    check_against_brute_force(case, scenario, enumerate_lots=seed % 2 == 0, settings=settings)


@pytest.mark.parametrize("seed", SEEDS[1::5])
def test_without_presolve_matches_brute_force(seed, tmp_path):
    """Large models skip HiGHS's presolve; the answer must not change."""
    case, scenario = make(seed, tmp_path)
    check_against_brute_force(case, scenario, settings=Settings(presolve_up_to=0))


@pytest.mark.parametrize("seed", SEEDS[::8])
def test_cbc_matches_brute_force(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    check_against_brute_force(case, scenario, solver="cbc")


def test_random_cases_exercise_every_rule(tmp_path):
    """The seeds above include contiguity, bundles, consortia, chains, bounds and infeasibility."""
    seen = {
        "contiguity": 0,
        "bundles": 0,
        "consortia": 0,
        "chains": 0,
        "bounds": 0,
        "infeasible": 0,
    }
    for seed in SEEDS:
        case, scenario = make(seed, tmp_path)
        options = build_options(case, scenario)
        seen["contiguity"] += case.adjacency is not None
        seen["bundles"] += bool((case.contract["bundle"] != "").any())
        seen["consortia"] += any(o.type == "consortium" for o in options)
        seen["chains"] += any(o.chain for o in options)
        seen["bounds"] += scenario.min_lot_value is not None or scenario.max_lot_value is not None
        seen["infeasible"] += best_division(case, scenario) is None
    assert min(seen.values()) >= 3, seen
    assert seen["infeasible"] <= len(SEEDS) // 2, seen


def test_plan_figures_equal_evaluation_of_its_division(tmp_path):
    case, scenario = make(1, tmp_path)
    plan = solve(case, scenario.replace(min_bidders=1, max_lots=8), time_limit=None)
    groups = plan.assignment.groupby("lot").apply(lambda g: list(g.index), include_groups=False)
    again = evaluate_lots(case, plan.scenario, list(groups))
    assert plan.metrics == {k: again.metrics[k] for k in plan.metrics}
    doc = plan.to_dict()
    assert doc["objective"] == pytest.approx(again.metrics["objective"])
    assert doc["metrics"]["n_lots"] == len(doc["lots"])


def test_default_scenario_example_is_optimal():
    case = load_case("data/example/contract.csv")
    plan = solve(case, Scenario(), time_limit=120)
    assert plan.status == "optimal"
    assert plan.metrics["n_lots"] <= 20
    assert plan.metrics["fewest_bidders"] >= 2


def test_stopped_solver_never_returns_less_than_the_greedy_start(tmp_path, monkeypatch):
    """A solver stopped before it finds anything still leaves the greedy start's plan."""
    from lotting.mip.solver import SolverRun

    monkeypatch.setattr(
        "lotting.optimise.run", lambda *args, **kwargs: SolverRun("no_solution", None, 0.0, "highs")
    )
    checked = 0
    for seed in SEEDS:
        case, scenario = make(seed, tmp_path)
        best = best_division(case, scenario)
        try:
            plan = solve(case, scenario, time_limit=30)
        except InfeasibleError:
            assert best is None
            continue
        except NoSolutionError:
            continue  # the greedy found no start either
        checked += 1
        # the start is proven optimal when the column-generation bound meets it
        proven = plan.gap is not None and plan.gap <= 1e-6
        assert plan.status == ("optimal" if proven else "feasible")
        assert plan.stopped == (None if proven else "time_limit")
        assert plan.bound is not None and plan.bound >= best[0] - 1e-6  # the bounds hold
        assert plan.gap == relative_gap(plan.objective, plan.bound)
        assert plan.evaluation.feasible
        assert best is not None and plan.objective <= best[0] + 1e-6
    assert checked >= 10


def test_the_cheap_bound_is_never_below_the_optimum(tmp_path):
    """The bound known before any solve is valid on every seeded case, overall and for exactly k
    lots (the frontier's), and binds somewhere (equals the optimum on some case)."""
    checked, tight = 0, 0
    for seed in SEEDS:
        case, scenario = make(seed, tmp_path)
        options, blocks = build_options(case, scenario), make_blocks(case)
        best = best_division(case, scenario)
        if best is None:
            continue
        checked += 1
        bound = cheap_bound(scenario, options, blocks)
        assert bound >= best[0] - 1e-6, seed
        tight += abs(bound - best[0]) < 1e-6
        k = len(best[1])
        exact = best_division(case, scenario, exact_lots=k)
        assert exact is not None and cheap_bound(scenario, options, blocks, k) >= exact[0] - 1e-6
    assert checked >= 20 and tight >= 1


@pytest.mark.parametrize(("seed", "solver"), [(3, "highs"), (12, "highs"), (26, "cbc")])
def test_one_model_for_every_lot_count_matches_brute_force(seed, solver, tmp_path):
    """solve_each keeps one model and changes only the lot-count row and the lots past k:
    every k is still the brute-force best with exactly k lots (or infeasible), with HiGHS and
    CBC alike."""
    case, scenario = make(seed, tmp_path)
    scenario = scenario.replace(max_lots=min(scenario.max_lots + 2, 5))
    if best_division(case, scenario) is None:
        pytest.skip("no division at all")
    counts = list(range(1, scenario.max_lots + 1))
    results = list(solve_each(case, scenario, counts, time_limit=None, solver=solver))
    assert [k for k, _, _ in results] == counts
    binding = 0
    for k, plan, status in results:
        best = best_division(case, scenario, exact_lots=k)
        if best is None:
            assert plan is None and status == "infeasible"
            continue
        assert plan is not None and status == plan.status == "optimal"
        assert plan.metrics["n_lots"] == k
        assert plan.objective == pytest.approx(best[0], rel=1e-6, abs=1e-6)
        binding += k < scenario.max_lots
    assert binding >= 1  # some k closed compact lots


@pytest.mark.parametrize("seed", [3, 12, 20])
def test_counts_solved_outwards_from_a_plan_match_brute_force(seed, tmp_path):
    """As the frontier runs it: the counts outwards from split's plan, each started from the best
    merge or split of its neighbour's division; every k is still the brute-force best."""
    case, scenario = make(seed, tmp_path)
    scenario = scenario.replace(max_lots=min(scenario.max_lots + 2, 5))
    if best_division(case, scenario) is None:
        pytest.skip("no division at all")
    plan = solve(case, scenario, time_limit=None)
    n = plan.metrics["n_lots"]
    counts = sorted(range(1, scenario.max_lots + 1), key=lambda k: (abs(k - n), k))[1:]
    results = list(solve_each(case, scenario, counts, time_limit=None, around=plan))
    assert [k for k, _, _ in results] == counts
    for k, found, status in results:
        best = best_division(case, scenario, exact_lots=k)
        if best is None:
            assert found is None and status == "infeasible"
        else:
            assert found is not None and status == "optimal" and found.metrics["n_lots"] == k
            assert found.objective == pytest.approx(best[0], rel=1e-6, abs=1e-6)


def test_a_start_that_meets_the_column_generation_bound_needs_no_solve(monkeypatch):
    """On the example the best merge of k + 1's division meets the column-generation bound for
    k = 4 to 8: those counts are proven without HiGHS, and are the frontier's optima."""
    import lotting.optimise

    case = load_case("data/example/contract.csv")
    around = solve(case, Scenario(max_lots=9))
    assert around.metrics["n_lots"] == 9
    solves = []
    real = lotting.optimise.run
    monkeypatch.setattr(lotting.optimise, "run", lambda *a, **k: solves.append(1) or real(*a, **k))
    results = list(solve_each(case, Scenario(), [8, 7, 6, 5, 4], around=around))
    assert [plan.objective for _, plan, _ in results] == [390550, 347050, 302000, 252750, 197850]
    assert all(status == "optimal" for _, _, status in results) and not solves


def test_the_example_model_is_built_without_what_the_start_rules_out():
    """The start (595,950, optimal) and the column-generation prices rule lots out before the
    model is built: the progress says so and the model is smaller than the full one, with the
    same optimum."""
    events = []
    case = load_case("data/example/contract.csv")
    plan = solve(case, Scenario(), progress=events.append)
    (model,) = [e.text for e in events if e.kind == "model"]
    assert "21 listed lots and 13 blocks of plain lots ruled out by the bound" in model
    assert plan.status == "optimal" and plan.objective == 595_950
    assert plan.model_stats["variables"] < 5_769  # the full model's columns
