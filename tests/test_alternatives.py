"""The K best divisions against exhaustive enumeration: exactly the K best objectives, each a
different partition of the units."""

from __future__ import annotations

import pytest
from rulecases import rule_case

from brute import ranked_divisions
from lotting import InfeasibleError, ScenarioError, solve
from lotting.stop import Stop

SEEDS = range(8)


@pytest.mark.parametrize("seed", SEEDS)
def test_k_best_match_brute_force(seed, tmp_path):
    case, scenario = rule_case(seed, tmp_path)
    if seed % 2:
        scenario = scenario.replace(max_reserved=1)
    ranked = ranked_divisions(case, scenario)
    if not ranked:
        with pytest.raises(InfeasibleError):
            solve(case, scenario, time_limit=None, alternatives=3)
        return
    plans = solve(case, scenario, time_limit=None, alternatives=3)
    assert len(plans) == min(3, len(ranked))
    assert [p.objective for p in plans] == pytest.approx([r[0] for r in ranked[: len(plans)]])
    assert len({p.evaluation.partition for p in plans}) == len(plans)
    assert all(p.status == "optimal" and p.evaluation.feasible for p in plans)


def test_one_alternative_is_the_plan(tmp_path):
    case, scenario = rule_case(0, tmp_path)
    [plan] = solve(case, scenario, time_limit=None, alternatives=1)
    assert plan.to_json() == solve(case, scenario, time_limit=None).to_json()
    with pytest.raises(ScenarioError, match="alternatives"):
        solve(case, scenario, alternatives=0)


def test_short_lists_say_why(tmp_path):
    """Fewer divisions than asked: ``short`` is "exhausted" (proven); a full list has none."""
    case, scenario = rule_case(4, tmp_path)  # ten feasible divisions
    ranked = ranked_divisions(case, scenario)
    plans = solve(case, scenario, time_limit=None, alternatives=len(ranked) + 2)
    assert len(plans) == len(ranked) and plans.short == "exhausted"
    assert plans.shortfall() == (
        f"Asked for {len(ranked) + 2} alternatives; {len(ranked)} came back: "
        "no other feasible division exists."
    )
    full = solve(case, scenario, time_limit=None, alternatives=len(ranked))
    assert len(full) == len(ranked) and full.short is None and full.shortfall() == ""


def test_a_stop_after_the_first_rank_is_named(tmp_path):
    """An interruption once rank 1 is found returns it alone, marked "interrupted"."""
    case, scenario = rule_case(0, tmp_path)
    stop = Stop()

    def progress(event):
        if event.kind == "done":
            stop.request()

    plans = solve(case, scenario, time_limit=None, alternatives=3, stop=stop, progress=progress)
    assert len(plans) == 1 and plans.short == "interrupted"
    assert plans.shortfall().endswith("1 came back: the run was interrupted.")


def test_tied_ranks_need_no_solve(tmp_path, monkeypatch):
    """A rank as good as the one before comes from the tie search (lotting/mip/neighbours.py), not a
    solve: the K best still match brute force, with fewer solves than ranks."""
    import lotting.optimise

    solves = []
    real = lotting.optimise.run
    monkeypatch.setattr(lotting.optimise, "run", lambda *a, **k: solves.append(1) or real(*a, **k))
    for seed in (3, 4, 8):  # markets with tied divisions one block move apart
        case, scenario = rule_case(seed, tmp_path)
        ranked = ranked_divisions(case, scenario)
        solves.clear()
        plans = solve(case, scenario, time_limit=None, alternatives=6)
        assert [p.objective for p in plans] == pytest.approx([r[0] for r in ranked[:6]])
        assert len({p.evaluation.partition for p in plans}) == len(plans) == 6
        assert all(p.status == "optimal" and p.evaluation.feasible for p in plans)
        assert len(solves) < len(plans)
