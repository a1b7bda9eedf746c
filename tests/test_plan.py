"""Plans: the plan.json schema, its determinism, and the honest word after a time limit."""

from __future__ import annotations

import json

import pytest

from cases import make_case
from lotting import Scenario, evaluate, load_case, solve
from lotting.mip.solver import SolverRun
from lotting.plan import METRICS, money
from lotting.settings import Settings


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
    assert set(doc) == {
        "status",
        "objective",
        "bound",
        "gap",
        "stopped",
        "metrics",
        "lots",
        "scenario",
        "solver",
        "currency",
        "names",
        "provenance",
    }
    assert doc["status"] == "optimal" and doc["gap"] == 0.0
    assert doc["bound"] == doc["objective"] and doc["stopped"] is None
    assert set(doc["metrics"]) == set(METRICS)  # DESIGN.md's metrics (test_api checks them)
    first = {k: v for k, v in doc["lots"][0].items() if k != "option_details"}
    assert first == {
        "lot": 1,
        "units": ["U1"],
        "schedule": "s: a1",
        "value": 100.0,
        "bidders": 3,
        "robust_bidders": 2,
        "weakest_supplier": "L1",
        "reserved": False,
        "target_holders": ["X"],
        "sub_holders": [],
        "options": ["L1", "L2", "X"],
    }
    details = doc["lots"][0]["option_details"]
    assert [d["option"] for d in details] == ["L1", "L2", "X"]
    assert details[2] == {
        "option": "X",
        "type": "lead",
        "holders": ["X"],
        "chain": [],
        "target_holders": ["X"],
    }
    assert doc["currency"] == "GBP" and set(doc["names"]) == {"L1", "L2", "X"}
    assert doc["provenance"]["inputs"]["contract"]["file"] == "contract.csv"
    assert len(doc["provenance"]["inputs"]["contract"]["sha256"]) == 64
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
    assert list(table.columns) == [
        "lot",
        "option",
        "type",
        "holders",
        "chain",
        "target_holders",
        "names",
    ]
    assert table[table["lot"] == 1]["option"].tolist() == ["L1", "L2", "X"]


@pytest.fixture
def partnered(tmp_path):
    """P leads with user-led subcontractor S; user-led X and Y bid together as X+Y."""
    return make_case(
        tmp_path,
        [("U1", "employability", "Angus", 100), ("U2", "peer_support", "Fife", 100)],
        [
            ("P", "large", 1000, "employability", "*"),
            ("S", "user_led", 100, "peer_support", "Fife"),
            ("X", "user_led", 150, "*", "Angus;Fife"),
            ("Y", "user_led", 150, "*", "Angus;Fife"),
        ],
        partners=[("P", "S", "subcontract"), ("X", "Y", "consortium")],
    )


def test_options_say_who_bids_alone_or_together(partnered):
    """Each lot's options name their type, holders and supply chain; sub_holders names who
    makes up sub_reach."""
    plan = evaluate(partnered, Scenario(min_bidders=1), {"U1": "a", "U2": "a"})
    options = plan.options.set_index("option")
    assert options.loc["P", "type"] == "lead" and options.loc["P", "chain"] == ["S"]
    assert options.loc["X+Y", "type"] == "consortium"
    assert options.loc["X+Y", "holders"] == ["X", "Y"]
    assert plan.lots.loc[0, "sub_holders"] == ["S"]
    assert plan.lots.loc[0, "units"] == ["U1", "U2"]  # list cells come back as lists
    doc = plan.to_dict()
    assert doc["lots"][0]["sub_holders"] == ["S"]
    chain = {d["option"]: d["chain"] for d in doc["lots"][0]["option_details"]}
    assert chain["P"] == ["S"] and chain["X+Y"] == []


def test_explain_names_consortia_and_supply_chains(partnered):
    plan = evaluate(partnered, Scenario(min_bidders=1), {"U1": "a", "U2": "a"})
    assert plan.lots.loc[0, "supply_chains"] == ["P>S"]
    line, subs = plan.explain()
    assert line.startswith("Lot a (employability: Angus; peer support: Fife): ")
    assert "P with subcontractor(s) S" in line and "X + Y (consortium)" in line
    assert subs == "Reached only as subcontractors (sub_reach): S."
    assert plan.metrics["sub_reach"] == 1


def test_schedule_pairs_each_service_with_its_own_areas(partnered):
    """Employability in Angus plus peer support in Fife is not four units."""
    plan = evaluate(partnered, Scenario(min_bidders=1), {"U1": "a", "U2": "a"})
    assert plan.lots.loc[0, "schedule"] == "employability: Angus; peer support: Fife"
    assert plan.to_dict()["lots"][0]["schedule"] == "employability: Angus; peer support: Fife"
    assert plan.summary()["schedule"].tolist() == ["employability: Angus; peer support: Fife"]


def test_summary_shows_names_labels_and_money(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "s", "a1", 100), ("U2", "s", "a2", 100)],
        [("L1", "large", 1000, "*", "*"), ("X", "user_led", 150, "s", "a1")],
    )
    suppliers = tmp_path / "suppliers.csv"
    text = suppliers.read_text().replace("supplier,kind", "supplier,name,kind")
    text = text.replace("L1,large", "L1,Big Ltd,large").replace("X,user_led", "X,Peers,user_led")
    suppliers.write_text(text)
    case = load_case(tmp_path / "contract.csv")
    plan = evaluate(case, Scenario(min_bidders=1, currency="EUR"), {"U1": "North", "U2": "South"})
    table = plan.summary()
    assert table["lot"].tolist() == ["North", "South"]
    assert table["value/yr"].tolist() == ["EUR 100", "EUR 100"]
    assert table["target holders"].tolist() == ["Peers", ""]
    assert plan.to_dict()["names"] == {"L1": "Big Ltd", "X": "Peers"}
    assert plan.to_dict()["currency"] == "EUR"


def test_summary_never_cuts_silently(tmp_path):
    areas = [f"Area {i:02d}" for i in range(12)]
    case = make_case(
        tmp_path,
        [(f"U{i}", "s", a, 10) for i, a in enumerate(areas)],
        [("L", "large", 1e6, "*", "*")],
    )
    plan = evaluate(case, Scenario(min_bidders=1), {f"U{i}": 1 for i in range(12)})
    cell = plan.summary(width=40)["schedule"].iloc[0]
    assert len(cell) <= 40 and cell.endswith("more")
    shown = cell.split(": ")[1].split(" and ")[0].split(", ")
    assert len(shown) + int(cell.split(" and ")[1].split()[0]) == 12


def test_provenance_hashes_inputs_and_takes_the_date_only_from_source_date_epoch(case, monkeypatch):
    import hashlib

    plan = solve(case, SCENARIO, time_limit=None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    doc = plan.to_dict()["provenance"]
    expected = hashlib.sha256(case.files["contract"].read_bytes()).hexdigest()
    assert doc["inputs"]["contract"] == {"file": "contract.csv", "sha256": expected}
    assert set(doc["inputs"]) == {"contract", "suppliers"}
    assert doc["lotting"] and "date" not in doc
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert plan.to_dict()["provenance"]["date"] == "2026-01-01T00:00:00Z"


def test_money_reads_as_money():
    assert money(-238950.0) == "GBP -238,950"
    assert money(float("nan")) == "" and money(12.5, "EUR") == "EUR 12.50"


def test_stopped_by_time_limit_says_feasible_with_gap(case, monkeypatch):
    """When the solver stops early its bound gives the gap; the plan never claims optimal."""
    from lotting import optimise

    real = optimise.run

    def stopped(problem, solver, limit, start=None, presolve=True, **limits):
        result = real(problem, solver, limit, start, presolve, **limits)
        return SolverRun("feasible", 99.0, result.seconds, result.name)

    monkeypatch.setattr(optimise, "run", stopped)
    # no column-generation bound: it would prove 90 optimal (tests/test_colgen.py)
    plan = solve(case, SCENARIO, time_limit=5, settings=Settings(colgen_rounds=0))
    assert plan.status == "feasible"
    assert plan.gap == pytest.approx((99.0 - 90.0) / 90.0)
    doc = json.loads(plan.to_json())
    assert doc["status"] == "feasible" and doc["bound"] == 99.0 and doc["stopped"] == "time_limit"
    assert doc["gap"] == pytest.approx((doc["bound"] - doc["objective"]) / abs(doc["objective"]))


def test_charts_left_out_are_not_written_and_plan_json_says_so(case, tmp_path):
    plan = solve(case, SCENARIO)
    assert list(plan.charts()) == ["lots.png"]  # no boundaries: no map
    assert set(plan.chart_seconds()) == {"lots.png"} and plan.chart_seconds()["lots.png"] > 0
    whole = plan.to_folder(tmp_path / "whole")
    assert (whole / "lots.png").exists()
    assert "not_drawn" not in json.loads((whole / "plan.json").read_text())
    short = plan.to_folder(tmp_path / "whole", not_drawn=["lots.png"])  # the same folder again
    assert not (short / "lots.png").exists()  # not left over from the run before
    assert json.loads((short / "plan.json").read_text())["not_drawn"] == ["lots.png"]
