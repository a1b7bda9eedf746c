"""The scenario table, grids and the sweep table, against single solves and brute force."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_optimise import make

from brute import best_division
from conftest import write_text, write_tiny_case
from lotting import InputError, Scenario, load_case, solve
from lotting.present.writers import write_sweep
from lotting.sweep import COLUMNS, FIELDS, grid, read_scenarios, sweep, sweep_plans, varying


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_case(write_tiny_case(tmp_path_factory.mktemp("sweep")) / "contract.csv")


def scenarios_file(tmp_path, text: str):
    return write_text(tmp_path / "scenarios.csv", text)


# --- Reading scenarios.csv ------------------------------------------------------------------------


def test_columns_in_either_spelling_and_empty_cells_take_the_base(tmp_path):
    path = scenarios_file(
        tmp_path,
        "name,lot_cost,--max-lots,--no-consortia,target-kinds,min_lot_value\n"
        "cheap,5000,,,,\n"
        ",,3,true,user_led;vcse,none\n"
        "x.1,,,no,,1000\n",
    )
    base = Scenario(max_lots=7, min_lot_value=50.0)
    table = read_scenarios(path, base)
    assert list(table.columns) == ["name", *FIELDS]
    assert table["name"].tolist() == ["cheap", "s2", "x.1"]
    assert table["lot_cost"].tolist() == [5000.0, 20000.0, 20000.0]
    assert table["max_lots"].tolist() == [7, 3, 7]
    assert table["consortia"].tolist() == [True, False, True]  # --no-consortia true = off
    assert table["target_kinds"].tolist() == ["user_led", "user_led,vcse", "user_led"]
    assert table["min_lot_value"].tolist()[0] == 50.0
    assert table["min_lot_value"].isna().tolist()[1]  # "none" clears the base's value
    assert table["min_lot_value"].tolist()[2] == 1000.0


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("name,lot_cost,colour\na,1,red\n", 1, "colour", "unknown column"),
        ("lot_cost,--lot-cost\n1,2\n", 1, "--lot-cost", "second column"),
        ("name,lot_cost\na,1\nb,cheap\n", 3, "lot_cost", "'cheap' is not a value of lot_cost"),
        ("max_lots\n3\n2.5\n", 3, "max_lots", "whole number"),
        ("name,lot_cost\na,1\nb,-5\n", 3, "lot_cost", "lot_cost must be a number ≥ 0"),
        ("consortia\nmaybe\n", 2, "consortia", "true or false"),
        ("target_kinds\nuser_led\nbanks\n", 3, "target_kinds", "unknown kind"),
        ("name,max_lots\na,3\na,4\n", 3, "name", "used twice"),
        ("name,max_lots\nmy plan,3\n", 2, "name", "names a folder"),
    ],
)
def test_bad_tables_name_the_line_and_column(tmp_path, text, line, column, words):
    path = scenarios_file(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_scenarios(path)
    err = caught.value
    assert (err.file, err.row, err.column) == (str(path), line, column)
    assert words in str(err)


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_scenarios(tmp_path / "none.csv")


def test_grid_is_the_product_first_field_slowest():
    table = grid("lot_cost=10000,40000; --max-lots=2,3,4;target_kinds=user_led,user_led+vcse")
    assert len(table) == 12
    assert table["lot_cost"].tolist()[:6] == [10000.0] * 6
    assert table["max_lots"].tolist()[:6] == [2, 2, 3, 3, 4, 4]
    assert table["target_kinds"].tolist()[:2] == ["user_led", "user_led,vcse"]
    assert table["name"][1] == "lot_cost=10000_max_lots=2_target_kinds=user_led+vcse"
    assert varying(table) == ["max_lots", "lot_cost", "target_kinds"]


@pytest.mark.parametrize("spec", ["lot_cost", "lot_cost=", ";", "colour=red", "max_lots=0"])
def test_bad_grids_are_input_errors(spec):
    with pytest.raises(InputError):
        grid(spec)


# --- The sweep table ------------------------------------------------------------------------------


def test_rows_are_the_single_solves_in_input_order(tiny):
    scenarios = [Scenario(max_lots=3), Scenario(lot_cost=0), Scenario(min_bidders=9)]
    table, plans = sweep_plans(tiny, scenarios, workers=1, time_limit=None)
    assert list(table.columns) == COLUMNS
    assert table["name"].tolist() == ["s1", "s2", "s3"]
    for row, scenario in zip(table.itertuples(), scenarios[:2], strict=False):
        plan = solve(tiny, scenario, time_limit=None)
        assert (row.status, row.objective, row.gap) == ("optimal", plan.objective, 0.0)
        assert row.n_lots == plan.metrics["n_lots"] and row.reach == plan.metrics["reach"]
        assert plans[row.name].to_json() == plan.to_json()
        assert row.max_lots == scenario.max_lots and row.reason == ""
    infeasible = table.iloc[2]
    assert infeasible["status"] == "infeasible" and "s3" not in plans
    assert "bidders" in infeasible["reason"] and math.isnan(infeasible["objective"])


@pytest.mark.parametrize("seed", [1, 5, 12])
def test_each_row_is_the_brute_force_best(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    table = grid("max_lots=1,2,4;lot_cost=0,50000", scenario)
    result = sweep(case, table, workers=1, time_limit=None)
    for row in result.to_dict("records"):
        best = best_division(
            case, scenario.replace(max_lots=row["max_lots"], lot_cost=row["lot_cost"])
        )
        if best is None:
            assert row["status"] == "infeasible"
        else:
            assert row["status"] == "optimal"
            assert row["objective"] == pytest.approx(best[0], rel=1e-6, abs=1e-6)


def test_a_table_with_some_columns_takes_the_rest_from_the_base(tiny):
    result = sweep(tiny, pd.DataFrame({"max_lots": [2, 3]}), workers=1, base=Scenario(lot_cost=1))
    assert result["lot_cost"].tolist() == [1.0, 1.0]
    assert result["max_lots"].tolist() == [2, 3]


def test_write_sweep_replaces_the_scenarios_folder_whole(tiny, tmp_path):
    first, plans = sweep_plans(tiny, grid("max_lots=2,3"), workers=1)
    out = write_sweep(first, plans, tmp_path / "out")
    names = sorted(p.name for p in (out / "scenarios").iterdir())
    assert names == ["max_lots=2", "max_lots=3"]
    assert (out / "scenarios" / "max_lots=2" / "plan.json").is_file()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "scenarios",
        "sweep.csv",
        "sweep.png",
    ]
    written = pd.read_csv(out / "sweep.csv")
    assert list(written.columns) == COLUMNS and written["seconds"].isna().all()
    second, plans = sweep_plans(tiny, grid("lot_cost=1,2"), workers=1)
    write_sweep(second, plans, out, timings=True)
    names = sorted(p.name for p in (out / "scenarios").iterdir())
    assert names == ["lot_cost=1", "lot_cost=2"]
    assert pd.read_csv(out / "sweep.csv")["seconds"].notna().all()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left
