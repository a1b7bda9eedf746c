"""The analysts' Python API (issue 4): every call exists, is documented and behaves as documented.

The key promises are checked against the installed `lotting` command itself: ``plan.to_folder``
writes what ``lotting split`` writes, and ``evaluate`` of split's own division reports split's
figures exactly.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.axes import Axes

import lotting
from cases import make_case
from conftest import write_text, write_tiny_case
from lotting import (
    InputError,
    LottingError,
    Plan,
    Scenario,
    ScenarioError,
    compare,
    evaluate,
    frontier,
    load_case,
    plot_frontier,
    read_assignment,
    solve,
)
from lotting.frontier import COLUMNS

matplotlib.use("Agg")

# Two lots at this lot cost: North (U1, U3), which the user-led ulo1 can bid for in a consortium
# with vcse1, and South (U2, U4) for the large firms. The lot cost is a float, as the CLI makes it
# (see test_whole_number_parameters_write_the_same_plan_json).
SCENARIO = Scenario(lot_cost=5000.0, max_lots=3)
SCENARIO_ARGS = ["--lot-cost", "5000", "--max-lots", "3"]


def documented_metrics() -> set[str]:
    """The metrics docs/model.md lists for plan.json: the oracle, written apart from plan.py."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text(encoding="utf-8")
    found = re.search(r"the metrics \(([^)]*)\)", text)
    assert found is not None, "docs/model.md no longer lists plan.json's metrics"
    return set(re.findall(r"`(\w+)`", found.group(1)))


METRICS = documented_metrics()
LOT_COLUMNS = [
    "lot",
    "value",
    "n_units",
    "units",
    "services",
    "areas",
    "schedule",
    "bidders",
    "robust_bidders",
    "weakest_supplier",
    "reserved",
    "options",
    "target_holders",
    "sub_holders",
    "supply_chains",
    "open",
]

# Area shapes for the tiny case: North is the unit square above South; they share an edge (arc 0).
TOPOLOGY = {
    "type": "Topology",
    "arcs": [
        [[0, 1], [1, 1]],
        [[1, 1], [1, 2], [0, 2], [0, 1]],
        [[0, 1], [0, 0], [1, 0], [1, 1]],
    ],
    "objects": {
        "areas": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "properties": {"name": "North"}, "arcs": [[0, 1]]},
                {"type": "Polygon", "properties": {"name": "South"}, "arcs": [[2, -1]]},
            ],
        }
    },
}


def _script() -> str:
    """The console script installed beside this Python."""
    beside = Path(sys.executable).parent / "lotting"
    assert beside.exists(), "the lotting console script is not installed beside this Python"
    return str(beside)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny case with boundaries beside it, so that maps can be drawn."""
    case = write_tiny_case(tmp_path_factory.mktemp("api") / "case")
    write_text(case / "boundaries.topojson", json.dumps(TOPOLOGY))
    return case


@pytest.fixture(scope="module")
def case(folder: Path) -> lotting.Case:
    return load_case(folder / "contract.csv")


@pytest.fixture(scope="module")
def plan(case: lotting.Case) -> Plan:
    return solve(case, SCENARIO, time_limit=60)


@pytest.fixture(scope="module")
def split_out(folder: Path) -> Path:
    """What the installed `lotting split` writes for the same inputs and scenario."""
    out = folder.parent / "split-out"
    result = subprocess.run(
        [_script(), "split", str(folder / "contract.csv"), "--out", str(out), *SCENARIO_ARGS],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return out


# --- the names and their documentation ------------------------------------------------------------


def test_every_public_name_is_importable_and_documented():
    assert len(set(lotting.__all__)) == len(lotting.__all__)
    for name in lotting.__all__:
        obj = getattr(lotting, name)
        assert inspect.getdoc(obj), f"lotting.{name} has no docstring"
    namespace: dict = {}
    exec(f"from lotting import {', '.join(lotting.__all__)}", namespace)
    assert set(lotting.__all__) <= set(namespace)


@pytest.mark.parametrize(
    "name", ["load_case", "Scenario", "solve", "frontier", "evaluate", "compare"]
)
def test_the_calls_of_the_issue_have_an_example(name):
    assert ">>>" in inspect.getdoc(getattr(lotting, name))


def test_plan_members_are_documented():
    for name in ("metrics", "lots", "assignment", "options", "plot", "plot_map", "to_folder"):
        assert inspect.getdoc(getattr(Plan, name)), f"Plan.{name} has no docstring"


# --- Scenario -------------------------------------------------------------------------------------


def test_scenario_has_every_design_parameter_with_its_default():
    defaults = {
        "lot_cost": 20_000,
        "reach_value": 10_000,
        "open_rate": 0.05,
        "min_bidders": 2,
        "max_lots": 20,
        "max_consortium": 3,
        "max_sub_share": 0.5,
        "turnover_ratio": 0.5,
        "target_kinds": ("user_led",),
        "min_lot_value": None,
        "max_lot_value": None,
        "consortia": True,
        "subcontracting": True,
        "max_awards": None,
        "max_reserved": 0,
        "reserve_kinds": (),
        "reserve_rate": 0.05,
        "robust": False,
        "currency": "GBP",
    }
    scenario = Scenario()
    assert {f.name for f in dataclasses.fields(Scenario)} == set(defaults)
    assert {name: getattr(scenario, name) for name in defaults} == defaults


def test_scenario_is_frozen_and_replace_makes_a_checked_copy():
    base = Scenario()
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.lot_cost = 1  # type: ignore[misc]
    variant = base.replace(lot_cost=30_000, consortia=False)
    assert (variant.lot_cost, variant.consortia) == (30_000, False)
    assert (base.lot_cost, base.consortia) == (20_000, True)
    assert variant.max_lots == base.max_lots
    assert variant == Scenario(lot_cost=30_000, consortia=False)
    with pytest.raises(ScenarioError, match="lot_cost"):
        base.replace(lot_cost=-1)
    with pytest.raises(TypeError):
        base.replace(no_such_parameter=1)


# --- solve and the Plan -----------------------------------------------------------------------


def test_solve_returns_a_plan_with_the_documented_figures(plan, case):
    assert isinstance(plan, Plan)
    assert plan.status == "optimal" and plan.gap == 0.0
    assert set(plan.metrics) == METRICS
    m = plan.metrics
    assert m == {
        "n_lots": 2,
        "reach": 1,
        "open_value": 160_000,
        "sub_reach": 0,
        "total_value": 280_000,
        "fewest_bidders": 2,
        "reserved_value": 0.0,
        "fewest_robust_bidders": 1,
    }
    expected = (
        SCENARIO.reach_value * m["reach"]
        + SCENARIO.open_rate * m["open_value"]
        - SCENARIO.lot_cost * m["n_lots"]
    )
    assert plan.objective == pytest.approx(expected)
    assert isinstance(plan.objective, float)


def test_plan_lots_one_row_per_lot(plan):
    lots = plan.lots
    assert isinstance(lots, pd.DataFrame)
    assert list(lots.columns) == LOT_COLUMNS
    assert lots["lot"].tolist() == [1, 2]
    assert lots["units"].tolist() == [["U1", "U3"], ["U2", "U4"]]  # list cells are lists
    assert lots["value"].tolist() == [160_000, 120_000]
    assert lots["target_holders"].tolist() == [["ulo1"], []]
    assert lots["bidders"].min() == plan.metrics["fewest_bidders"]


def test_plan_assignment_one_row_per_unit_in_contract_order(plan, case):
    assignment = plan.assignment
    assert assignment["unit"].tolist() == case.units
    assert assignment["lot"].tolist() == [1, 2, 1, 2]
    assert {"service", "area", "value"} <= set(assignment.columns)


def test_plan_options_say_who_can_bid_for_which_lot(plan):
    options = plan.options
    assert list(options.columns)[:2] == ["lot", "option"]
    for row in plan.lots.itertuples():
        assert options.loc[options["lot"] == row.lot, "option"].tolist() == row.options
        assert len(options[options["lot"] == row.lot]) == row.bidders
    assert "ulo1+vcse1" in options.loc[options["lot"] == 1, "option"].tolist()


def test_plan_plot_and_plot_map_return_axes(plan):
    import matplotlib.pyplot as plt

    ax = plan.plot()
    assert isinstance(ax, Axes)
    plt.close(ax.figure)
    ax = plan.plot_map()
    assert isinstance(ax, Axes)
    plt.close(ax.figure)
    _, given = plt.subplots()
    assert plan.plot_map(ax=given, service="peer") is given
    assert plan.plot(ax=given) is given
    plt.close(given.figure)


def test_plot_map_without_boundaries_says_so(tmp_path):
    case = load_case(write_tiny_case(tmp_path / "case") / "contract.csv")
    plan = solve(case, SCENARIO)
    with pytest.raises(LottingError, match="boundaries"):
        plan.plot_map()


def test_to_folder_writes_exactly_what_split_writes(plan, split_out, tmp_path):
    out = plan.to_folder(tmp_path / "mine")
    assert out == tmp_path / "mine"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in split_out.iterdir())
    assert names == [
        ".lotting-manifest",
        "assignment.csv",
        "lots.csv",
        "lots.png",
        "map.png",
        "plan.json",
    ]
    for name in ("assignment.csv", "lots.csv", "plan.json"):
        assert (out / name).read_bytes() == (split_out / name).read_bytes(), name
    for name in ("lots.png", "map.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_whole_number_parameters_write_the_same_plan_json(case):
    as_int = solve(case, Scenario(lot_cost=5000, max_lots=3)).to_json()
    assert as_int == solve(case, SCENARIO).to_json()


def test_to_folder_without_boundaries_writes_no_map(tmp_path):
    case = load_case(write_tiny_case(tmp_path / "case") / "contract.csv")
    out = solve(case, SCENARIO).to_folder(tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == [
        ".lotting-manifest",
        "assignment.csv",
        "lots.csv",
        "lots.png",
        "plan.json",
    ]


# --- evaluate and compare -------------------------------------------------------------------------


def test_evaluate_of_splits_division_reports_splits_figures(case, split_out):
    document = json.loads((split_out / "plan.json").read_text(encoding="utf-8"))
    given = evaluate(case, SCENARIO, read_assignment(split_out / "assignment.csv", case))
    assert isinstance(given, Plan)
    assert given.status == "feasible" and given.evaluation.breaches == []
    assert given.metrics == document["metrics"]
    assert given.objective == document["objective"]
    mine = given.to_dict()
    assert mine["lots"] == document["lots"]
    assert mine["scenario"] == document["scenario"]
    written = pd.read_csv(split_out / "lots.csv", keep_default_na=False, dtype=str)
    assert written["units"].str.split(";").tolist() == given.lots["units"].tolist()
    assert written["schedule"].tolist() == given.lots["schedule"].tolist()


def test_evaluate_names_the_rules_a_division_breaks(case):
    one_lot_each = {unit: unit for unit in case.units}
    given = evaluate(case, SCENARIO, one_lot_each)
    assert given.status == "infeasible"
    assert given.metrics["n_lots"] == 4
    assert any("max_lots" in breach for breach in given.evaluation.breaches)


def test_compare_one_row_per_plan_with_every_figure(case, plan):
    given = evaluate(case, SCENARIO, {unit: "all" for unit in case.units})
    table = compare({"one lot": given, "optimum": plan})
    assert table.index.tolist() == ["one lot", "optimum"]
    assert {"status", "objective", "gap", "breaches"} | METRICS <= set(table.columns)
    for name, each in (("one lot", given), ("optimum", plan)):
        row = table.loc[name]
        assert row["status"] == each.status
        assert row["objective"] == pytest.approx(each.objective)
        for key, value in each.metrics.items():
            assert row[key] == value, (name, key)
    assert table.loc["one lot", "n_lots"] == 1
    assert table.loc["optimum", "objective"] > table.loc["one lot", "objective"]


# --- frontier -------------------------------------------------------------------------------------


def test_frontier_returns_the_documented_columns(case, plan):
    import matplotlib.pyplot as plt

    table = frontier(case, SCENARIO, time_limit=60)
    assert list(table.columns) == COLUMNS
    assert table["k"].tolist() == [1, 2, 3]
    assert table["overhead"].tolist() == [5000, 10000, 15000]
    assert table["chosen"].sum() == 1
    chosen = table[table["chosen"]].iloc[0]
    assert chosen["k"] == plan.metrics["n_lots"]
    assert chosen["objective"] == pytest.approx(plan.objective)
    assert (table["objective"] <= plan.objective + 1e-6).all()
    ax = plot_frontier(table)
    assert isinstance(ax, Axes)
    plt.close(ax.figure)


# --- errors ---------------------------------------------------------------------------------------


def test_input_error_carries_file_row_and_column(tmp_path):
    folder = write_tiny_case(tmp_path / "case")
    contract = write_text(
        folder / "contract.csv",
        "unit,service,area,value\nU1,coaching,North,100\nU2,coaching,South,lots\n",
    )
    with pytest.raises(InputError) as caught:
        load_case(contract)
    err = caught.value
    assert isinstance(err, LottingError)
    assert (Path(err.file).name, err.row, err.column) == ("contract.csv", 3, "value")
    assert "line 3" in str(err) and "column 'value'" in str(err)


def test_read_assignment_errors_carry_file_row_and_column(case, tmp_path):
    path = write_text(tmp_path / "lots.csv", "unit,lot\nU1,a\nU2,\nU3,a\nU4,b\n")
    with pytest.raises(InputError) as caught:
        read_assignment(path, case)
    assert (caught.value.file, caught.value.row, caught.value.column) == (str(path), 3, "lot")


def test_infeasible_scenario_raises_with_reasons(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "s", "a", 100)],
        [("only", "large", 1000, "*", "*")],
    )
    with pytest.raises(lotting.InfeasibleError) as caught:
        solve(case, Scenario(min_bidders=2))
    assert caught.value.reasons
