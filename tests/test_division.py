"""Reading a commissioner's existing division: every unit exactly once, problems named."""

from __future__ import annotations

import pytest

from conftest import write_text, write_tiny_case
from lotting import InputError, Scenario, evaluate, load_case
from lotting.inputs.division import read_assignment


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
