"""Plans: the plan.json schema, its determinism, and the honest word after a time limit."""

from __future__ import annotations

import json

import pytest

from cases import make_case
from lotting import Scenario, solve
from lotting.mip.solver import SolverRun


@pytest.fixture
def case(tmp_path):
    return make_case(
        tmp_path,
        [("U1", "s", "a1", 100), ("U2", "s", "a2", 100), ("U3", "s", "a3", 100)],
        [
            ("L1", "large", 1000, "*", "*"),
            ("L2", "large", 1000, "*", "*"),
            ("X", "user_led", 150, "s", "a1"),
        ],
    )


SCENARIO = Scenario(lot_cost=10, reach_value=100, open_rate=0.1, min_bidders=2)


def test_plan_json_schema(case):
    plan = solve(case, SCENARIO, time_limit=None)
    doc = json.loads(plan.to_json())
    assert set(doc) == {"status", "objective", "gap", "metrics", "lots", "scenario", "solver"}
    assert doc["status"] == "optimal" and doc["gap"] == 0.0
    assert set(doc["metrics"]) == {
        "n_lots",
        "reach",
        "open_value",
        "sub_reach",
        "total_value",
        "fewest_bidders",
        "reserved_value",
        "fewest_robust_bidders",
    }
    assert doc["lots"][0] == {
        "lot": 1,
        "units": ["U1"],
        "value": 100.0,
        "bidders": 3,
        "robust_bidders": 2,
        "weakest_supplier": "L1",
        "reserved": False,
        "target_holders": ["X"],
        "options": ["L1", "L2", "X"],
    }
    assert doc["objective"] == pytest.approx(100 + 0.1 * 100 - 10 * 2)
    assert doc["scenario"] == SCENARIO.to_dict()
    assert doc["solver"] == {"name": "highs", "seconds": None}
    assert json.loads(plan.to_json(timings=True))["solver"]["seconds"] >= 0


def test_same_inputs_same_json(case):
    first = solve(case, SCENARIO, time_limit=None).to_json()
    assert solve(case, SCENARIO, time_limit=None).to_json() == first


def test_options_table(case):
    plan = solve(case, SCENARIO, time_limit=None)
    table = plan.options
    assert list(table.columns) == ["lot", "option"]
    assert table[table["lot"] == 1]["option"].tolist() == ["L1", "L2", "X"]


def test_stopped_by_time_limit_says_feasible_with_gap(case, monkeypatch):
    """When the solver stops early its bound gives the gap; the plan never claims optimal."""
    from lotting import optimise

    real = optimise.run

    def stopped(problem, solver, limit, start=None, presolve=True, **limits):
        result = real(problem, solver, limit, start, presolve, **limits)
        return SolverRun("feasible", 99.0, result.seconds, result.name)

    monkeypatch.setattr(optimise, "run", stopped)
    plan = solve(case, SCENARIO, time_limit=5)
    assert plan.status == "feasible"
    assert plan.gap == pytest.approx((99.0 - 90.0) / 90.0)
    assert json.loads(plan.to_json())["status"] == "feasible"
