"""Reading a commissioner's existing division: every unit exactly once, problems named."""

from __future__ import annotations

import json

import pytest

from conftest import write_text, write_tiny_case
from lotting import InputError, Scenario, evaluate, load_case, solve
from lotting.inputs.division import read_assignment, read_division


@pytest.fixture
def case(tmp_path):
    write_tiny_case(tmp_path / "case")
    return load_case(tmp_path / "case" / "contract.csv")


def lots_file(tmp_path, text):
    return write_text(tmp_path / "lots.csv", text)


def test_reads_unit_to_lot(case, tmp_path):
    path = lots_file(tmp_path, "unit,lot,extra\nU1,north,x\nU2,south,\nU3,north,\nU4,south,\n")
    assert read_assignment(path, case) == {
        "U1": "north",
        "U2": "south",
        "U3": "north",
        "U4": "south",
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("unit,lot\nU1,a\nU2,a\nU3,a\n", "units missing: 'U4'"),
        ("unit,lot\nU1,a\nU2,a\nU3,a\nU4,a\nU1,b\n", "units repeated: 'U1' (lines 2 and 6)"),
        ("unit,lot\nU1,a\nU2,a\nU3,a\nU4,a\nU9,b\n", "units not in the contract: 'U9' (line 6)"),
        ("unit,lots\nU1,a\n", "missing required column 'lot'"),
        ("unit,lot\nU1,\n", "unit 'U1' has no lot"),
        ("unit,lot\n", "header but no rows"),
    ],
)
def test_problems_are_named(case, tmp_path, text, words):
    with pytest.raises(InputError) as err:
        read_assignment(lots_file(tmp_path, text), case)
    assert words in str(err.value)
    assert err.value.file.endswith("lots.csv")


def test_evaluate_scores_a_division_that_breaks_rules(case):
    plan = evaluate(case, Scenario(max_lots=1), {"U1": 1, "U2": 2, "U3": 1, "U4": 2})
    assert plan.status == "infeasible"
    assert "2 lots, more than max_lots 1" in plan.evaluation.breaches
    assert plan.metrics["n_lots"] == 2
    assert plan.gap is None


# --- OCDS release packages (split's ocds.json) ------------------------------------------------


def ocds_file(tmp_path, items, lots=None, name="ocds.json"):
    tender = {"id": "t", "items": items} if items is not None else {"id": "t"}
    if lots is not None:
        tender["lots"] = lots
    release = {"ocid": "ocds-x", "id": "1", "tender": tender}
    return write_text(tmp_path / name, json.dumps({"releases": [release]}))


def items(pairs):
    return [{"id": unit, "relatedLot": lot} for unit, lot in pairs]


def test_reads_the_division_an_ocds_tender_carries(case, tmp_path):
    reserved = [{"id": "b", "otherRequirements": {"reservedParticipation": ["shelteredWorkshop"]}}]
    pairs = [("U1", "a"), ("U2", "b"), ("U3", "a"), ("U4", "b")]
    path = ocds_file(tmp_path, items(pairs), reserved)
    division = read_division(path, case)
    assert division.assignment == {"U1": "a", "U2": "b", "U3": "a", "U4": "b"}
    assert division.reserved == ("b",)


def test_a_plans_own_ocds_reads_back_as_its_division(case, tmp_path):
    plan = solve(case, Scenario(max_lots=3))
    path = write_text(tmp_path / "own.json", json.dumps(plan.to_ocds()))
    division = read_division(path, case)
    again = evaluate(case, plan.scenario, division.assignment)
    assert again.objective == plan.objective
    assert division.assignment == {
        u: str(n) for u, n in zip(plan.assignment["unit"], plan.assignment["lot"], strict=True)
    }
    assert division.reserved == ()


@pytest.mark.parametrize(
    "content, message",
    [
        (items([("U1", "a"), ("U2", None), ("U3", "a"), ("U4", "b")]), r"items\[1\] \(unit 'U2'\)"),
        (items([("U1", "a"), ("U2", "a"), ("U3", "a"), ("U9", "b")]), "'U9', which the contract"),
        (items([("U1", "a"), ("U2", "a"), ("U3", "a")]), "lack units of the contract: 'U4'"),
        (items([("U1", "a"), ("U1", "a"), ("U3", "a"), ("U4", "a")]), "repeats unit 'U1'"),
        (None, "no tender.items"),
        ([], "no tender.items"),
    ],
)
def test_bad_ocds_names_the_file_and_the_item(case, tmp_path, content, message):
    path = ocds_file(tmp_path, content)
    with pytest.raises(InputError, match=message) as err:
        read_division(path, case)
    assert err.value.file == str(path)


def test_ocds_that_is_not_json_or_not_a_package_is_an_input_error(case, tmp_path):
    broken = write_text(tmp_path / "broken.json", "{not json")
    with pytest.raises(InputError, match="cannot be read as JSON"):
        read_division(broken, case)
    empty = write_text(tmp_path / "empty.json", '{"releases": []}')
    with pytest.raises(InputError, match="exactly one release"):
        read_division(empty, case)
