"""The award rules through the installed `lotting` command: options, bad values, the files."""

from __future__ import annotations

import json
import os
import subprocess

import pandas as pd
import pytest
from test_cli import LOTTING

from cases import make_case


def lotting(*args):
    env = {k: v for k, v in os.environ.items() if k != "LOTTING_DEBUG"}
    return subprocess.run(
        [LOTTING, *map(str, args)], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def contract(tmp_path):
    make_case(
        tmp_path / "in",
        [("A", "s", "x", 100.0), ("B", "s", "y", 100.0), ("C", "s", "z", 100.0)],
        [
            ("big", "large", 1000, "*", "*"),
            ("mid", "sme", 1000, "s", "x;y;z"),
            ("ulo", "user_led", 150, "s", "x"),
            ("ulo2", "user_led", 150, "s", "y"),
        ],
    )
    return tmp_path / "in" / "contract.csv"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--max-awards", "0"], "--max-awards"),
        (["--max-reserved", "-1"], "--max-reserved"),
        (["--reserve-kinds", "charity"], "--reserve-kinds"),
        (["--alternatives", "0"], "--alternatives"),
    ],
)
def test_bad_values_exit_2_naming_the_option(contract, args, option):
    done = lotting("split", contract, *args)
    assert done.returncode == 2
    assert option in done.stderr and "Traceback" not in done.stderr


def test_rules_reach_the_files(contract, tmp_path):
    out = tmp_path / "out"
    done = lotting(
        "split", contract, "--out", out, "--min-bidders", "1", "--max-awards", "1",
        "--max-reserved", "1", "--robust", "--alternatives", "3", "--lot-cost", "100",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    plan = json.loads((out / "plan.json").read_text())
    assert plan["scenario"]["max_awards"] == 1 and plan["scenario"]["robust"] is True
    assert set(plan["award"]) == {str(lot["lot"]) for lot in plan["lots"]}
    assert len(set(plan["award"].values())) == len(plan["award"])  # each supplier at most once
    lots = pd.read_csv(out / "lots.csv")
    assert {"reserved", "robust_bidders", "weakest_supplier"} <= set(lots.columns)
    assert lots["reserved"].sum() <= 1 and (lots["robust_bidders"] >= 1).all()
    table = pd.read_csv(out / "alternatives.csv")
    assert table["rank"].tolist() == list(range(1, len(table) + 1)) and len(table) >= 2
    assert table["objective"].is_monotonic_decreasing and table.loc[0, "moved"] == 0
    assert (table.loc[1:, "moved"] > 0).all()
    for rank in table["rank"][1:]:
        folder = out / "alternatives" / str(rank)
        assert {p.name for p in folder.iterdir()} == {"assignment.csv", "lots.csv", "plan.json"}
    assert "Alternatives:" in done.stdout and "robust" in done.stdout


def test_evaluate_reads_reserved_column(contract, tmp_path):
    lots = tmp_path / "current.csv"
    pd.DataFrame(
        {"unit": ["A", "B", "C"], "lot": [1, 2, 2], "reserved": ["true", "false", "false"]}
    ).to_csv(lots, index=False)
    out = tmp_path / "eval"
    done = lotting(
        "evaluate", contract, "--lots", lots, "--out", out, "--min-bidders", "1",
        "--max-reserved", "1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads((out / "evaluation.json").read_text())
    assert [lot["reserved"] for lot in doc["lots"]] == [True, False]
    assert doc["lots"][0]["options"] == ["ulo"]


def test_evaluate_rejects_a_bad_reserved_cell(contract, tmp_path):
    lots = tmp_path / "current.csv"
    pd.DataFrame({"unit": ["A", "B", "C"], "lot": [1, 2, 2], "reserved": ["yes?", "", ""]}).to_csv(
        lots, index=False
    )
    done = lotting("evaluate", contract, "--lots", lots, "--out", tmp_path / "e")
    assert done.returncode == 2
    assert "reserved" in done.stderr and "line 2" in done.stderr


def test_alternatives_that_come_back_short_say_so(contract, tmp_path):
    """Three units have five partitions, all feasible here: asking for seven gives five, and
    the command says why, in words."""
    out = tmp_path / "out"
    done = lotting("split", contract, "--out", out, "--alternatives", "7")
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(out / "alternatives.csv")) == 5
    assert (
        "Asked for 7 alternatives; 5 came back: no other feasible division exists." in done.stdout
    )
    full = lotting("split", contract, "--out", tmp_path / "full", "--alternatives", "5")
    assert full.returncode == 0 and "Asked for" not in full.stdout
