"""The trade-off curve against brute force, k by k, and its agreement with split."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_optimise import make

from brute import best_division
from lotting import InfeasibleError, frontier, solve
from lotting.frontier import COLUMNS, pareto_mask


@pytest.mark.parametrize("seed", [0, 3, 7, 12, 26, 27])
def test_each_k_is_the_brute_force_best(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    scenario = scenario.replace(max_lots=min(scenario.max_lots + 2, 5))
    try:
        table = frontier(case, scenario, time_limit=None)
    except InfeasibleError:
        assert best_division(case, scenario) is None
        return
    for row in table.itertuples():
        best = best_division(case, scenario, exact_lots=row.k)
        if best is None:
            assert row.status == "infeasible" and math.isnan(row.objective)
        else:
            assert row.status == "optimal"
            assert row.objective == pytest.approx(best[0], rel=1e-6, abs=1e-6)
            assert row.overhead == scenario.lot_cost * row.k


@pytest.mark.parametrize("seed", [0, 12, 26])
def test_chosen_point_is_splits_plan(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    table = frontier(case, scenario, time_limit=None)
    plan = solve(case, scenario, time_limit=None)
    chosen = table[table["chosen"]]
    assert len(chosen) == 1
    row = chosen.iloc[0]
    assert row["k"] == plan.metrics["n_lots"]
    assert row["objective"] == pytest.approx(plan.objective)
    assert (row["reach"], row["open_value"]) == (plan.metrics["reach"], plan.metrics["open_value"])
    assert row["objective"] == pytest.approx(table["objective"].max())


def test_progress_is_reported_for_every_k(tmp_path):
    case, scenario = make(0, tmp_path)
    seen = []
    frontier(case, scenario.replace(max_lots=3), progress=seen.append)
    lots = [e for e in seen if e.kind == "lots"]
    assert [(e.count, e.of) for e in lots] == [(1, 3), (2, 3), (3, 3)]
    assert all(e.objective is not None for e in lots)
    assert [e.kind for e in seen].count("done") >= 1  # each solve's own events come through


def test_pareto_mask_by_hand():
    table = pd.DataFrame(
        {
            "overhead": [10, 20, 30, 40, 50],
            "reach": [1, 1, 2, 2, math.nan],
            "open_value": [5, 5, 4, 9, math.nan],
            "objective": [1, 1, 1, 1, math.nan],
        }
    )
    # 20 is dominated by 10 (same reach and value, cheaper); 30 and 40 each gain something.
    assert pareto_mask(table).tolist() == [True, False, True, True, False]


def test_rows_and_columns(tmp_path):
    case, scenario = make(0, tmp_path)
    table = frontier(case, scenario.replace(max_lots=2, min_bidders=1), time_limit=None)
    assert list(table.columns) == COLUMNS
    assert table["k"].tolist() == [1, 2]
