"""The K best divisions against exhaustive enumeration: exactly the K best objectives, each a
different partition of the units."""

from __future__ import annotations

import pytest
from rulecases import rule_case

from brute import ranked_divisions
from lotting import InfeasibleError, ScenarioError, solve

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
