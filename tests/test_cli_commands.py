"""frontier, evaluate and check through the installed `lotting` command."""

from __future__ import annotations

import csv
import json

import pytest
from test_cli import assert_clean_failure, run, snapshot

from conftest import write_text, write_tiny_case
from lotting.files import MANIFEST


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("commands")
    write_tiny_case(folder / "case")
    return folder


def test_frontier_writes_curve_and_marks_splits_choice(case):
    result = run(["frontier", "case/contract.csv", "--max-lots", "3", "--out", "fr"], case)
    assert result.returncode == 0, result.stderr
    assert "3/3 lots solved" in result.stderr
    assert sorted(p.name for p in (case / "fr").iterdir()) == [
        MANIFEST,
        "frontier.csv",
        "frontier.json",
        "frontier.png",
    ]
    made_by = json.loads((case / "fr" / "frontier.json").read_text(encoding="utf-8"))
    assert made_by["command"] == "frontier" and made_by["scenario"]["max_lots"] == 3
    assert made_by["provenance"]["inputs"]["contract"]["file"] == "contract.csv"
    rows = list(csv.DictReader((case / "fr" / "frontier.csv").open()))
    assert [r["k"] for r in rows] == ["1", "2", "3"]
    chosen = [r for r in rows if r["chosen"] == "True"]
    assert len(chosen) == 1
    split = run(["split", "case/contract.csv", "--max-lots", "3", "--out", "sp"], case)
    plan = json.loads((case / "sp" / "plan.json").read_text())
    assert int(chosen[0]["k"]) == plan["metrics"]["n_lots"]
    assert float(chosen[0]["objective"]) == pytest.approx(plan["objective"])
    assert split.returncode == 0


def test_evaluate_of_splits_assignment_reports_splits_figures(case):
    assert run(["split", "case/contract.csv", "--out", "own"], case).returncode == 0
    result = run(
        ["evaluate", "case/contract.csv", "--lots", "own/assignment.csv", "--out", "ev"], case
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (case / "ev").iterdir()) == [
        MANIFEST,
        "evaluation.csv",
        "evaluation.json",
    ]
    doc = json.loads((case / "ev" / "evaluation.json").read_text())
    plan = json.loads((case / "own" / "plan.json").read_text())
    assert doc["metrics"] == plan["metrics"]
    assert doc["objective"] == pytest.approx(plan["objective"])
    assert doc["lots"][0]["units"] == plan["lots"][0]["units"]
    assert doc["breaches"] == []
    assert all(v == 0 for v in doc["difference"].values())
    assert doc["optimum"]["objective"] == pytest.approx(plan["objective"])


def test_evaluate_lists_breaches_and_skips_the_optimum_when_asked(case):
    write_text(case / "mine.csv", "unit,lot\nU1,a\nU2,b\nU3,c\nU4,d\n")
    result = run(
        [
            "evaluate",
            "case/contract.csv",
            "--lots",
            "mine.csv",
            "--max-lots",
            "2",
            "--no-optimise",
            "--out",
            "ev2",
        ],
        case,
    )
    assert result.returncode == 0, result.stderr
    assert "4 lots, more than --max-lots 2" in result.stdout
    doc = json.loads((case / "ev2" / "evaluation.json").read_text())
    assert doc["status"] == "infeasible" and doc["optimum"] is None
    assert [lot["given_lot"] for lot in doc["lots"]] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("unit,lot\nU1,a\nU2,a\nU3,a\n", "units missing: 'U4'"),
        ("unit,lot\nU1,a\nU2,a\nU3,a\nU4,a\nU2,b\n", "units repeated: 'U2'"),
        ("unit,lot\nU1,a\nU2,a\nU3,a\nU4,a\nX9,b\n", "units not in the contract: 'X9'"),
        ("unit,group\nU1,a\n", "missing required column 'lot'"),
        (b"unit,lot\nU1,\xff\n", "not valid UTF-8"),
    ],
)
def test_bad_lots_file_exits_2(case, tmp_path, text, words):
    write_text(tmp_path / "bad.csv", text)
    before = snapshot(case / "case")
    result = run(
        [
            "evaluate",
            str(case / "case" / "contract.csv"),
            "--lots",
            str(tmp_path / "bad.csv"),
            "--out",
            str(tmp_path / "out"),
        ],
        case,
    )
    assert_clean_failure(result, 2)
    assert "bad.csv" in result.stderr and words in result.stderr.replace("\n", " ")
    assert not (tmp_path / "out").exists()
    assert snapshot(case / "case") == before


def test_check_reports_market_and_draws_partners(case):
    result = run(["check", "case/contract.csv", "--out", "chk"], case)
    assert result.returncode == 0, result.stderr
    assert "Suppliers by kind" in result.stdout
    assert "Units no option covers: none." in result.stdout
    assert (case / "chk" / "partners.png").read_bytes()[:4] == b"\x89PNG"


def test_check_flags_invalid_input_with_exit_2(case, tmp_path):
    write_tiny_case(tmp_path / "broken")
    write_text(tmp_path / "broken" / "partners.csv", "a,b,relation\nbig1,nobody,consortium\n")
    result = run(["check", str(tmp_path / "broken" / "contract.csv")], tmp_path)
    assert_clean_failure(result, 2)
    assert "partners.csv" in result.stderr and "nobody" in result.stderr


def test_split_ocds_round_trips_through_evaluate_with_the_same_objective(case):
    result = run(["split", "case/contract.csv", "--ocds", "--out", "pub"], case)
    assert result.returncode == 0, result.stderr
    assert "ocds.json" in result.stdout
    package = json.loads((case / "pub" / "ocds.json").read_text())
    assert [i["id"] for i in package["releases"][0]["tender"]["items"]] == ["U1", "U2", "U3", "U4"]
    again = run(
        ["evaluate", "case/contract.csv", "--lots", "pub/ocds.json", "--no-optimise", "--out", "e"],
        case,
    )
    assert again.returncode == 0, again.stderr
    plan = json.loads((case / "pub" / "plan.json").read_text())
    doc = json.loads((case / "e" / "evaluation.json").read_text())
    assert doc["objective"] == plan["objective"]
    assert doc["metrics"] == plan["metrics"]


def test_evaluate_of_bad_ocds_exits_2_naming_the_file_and_item(case):
    release = {"ocid": "x", "id": "1", "tender": {"items": [{"id": "U1"}]}}
    write_text(case / "bad.json", json.dumps({"releases": [release]}))
    result = run(["evaluate", "case/contract.csv", "--lots", "bad.json", "--out", "bad"], case)
    assert_clean_failure(result, 2)
    assert "bad.json" in result.stderr
    assert "tender.items[0] (unit 'U1') has no relatedLot" in result.stderr
    assert not (case / "bad").exists()


def test_split_ocds_with_a_currency_the_schema_rejects_writes_nothing(case):
    result = run(["split", "case/contract.csv", "--ocds", "--currency", "XYZ", "--out", "x"], case)
    assert_clean_failure(result, 2)
    assert "ISO 4217" in result.stderr
    assert not (case / "x").exists()
    dated = run(["split", "case/contract.csv", "--ocds", "--published", "May", "--out", "y"], case)
    assert dated.returncode == 2
    assert not (case / "y").exists()
