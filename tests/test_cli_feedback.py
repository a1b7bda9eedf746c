"""What the `lotting` command says while it works and when something is wrong: progress on
stderr (-q none, -v the solver's log), messages that say what to fix, the commissioner's own lot
labels, money with its currency, and which scenario made every output file."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
from test_cli import assert_clean_failure, in_parallel, run

from conftest import write_text, write_tiny_case

LABELS = "unit,lot\nU1,Alpha\nU2,Beta\nU3,Alpha\nU4,Beta\n"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Any]:
    """Every run of this module, in parallel, over one tiny case (each writes its own folder)."""
    root = tmp_path_factory.mktemp("feedback")
    write_tiny_case(root / "case")
    write_text(root / "labels.csv", LABELS)
    contract = "case/contract.csv"
    args = {
        "plain": ["split", contract, "--out", "plain"],
        "quiet": ["split", contract, "--out", "quiet", "-q"],
        "verbose": ["split", contract, "--out", "verbose", "-v"],
        "one-lot": ["split", contract, "--max-lots", "1", "--min-bidders", "3", "--out", "x"],
        "zero-bidders": ["split", contract, "--min-bidders", "0", "--out", "zero"],
        "kind-typo": ["split", contract, "--target-kinds", "user-led", "--out", "x"],
        "evaluate": [
            *("evaluate", contract, "--lots", "labels.csv", "--out", "ev"),
            *("--currency", "EUR", "--max-lots", "1"),
        ],
        "frontier": ["frontier", contract, "--max-lots", "2", "--out", "fr"],
    }
    results = in_parallel({n: (lambda a=a: run(a, cwd=root)) for n, a in args.items()})
    return {"root": root, **results}


def test_split_says_what_it_is_doing_on_stderr(runs):
    result = runs["plain"]
    assert result.returncode == 0, result.stderr
    for words in (
        "Using contract case/contract.csv",
        "candidate lots found",
        "start found: objective",
    ):
        assert words in result.stderr
    assert "optimal: objective" in result.stderr
    assert "candidate lots" not in result.stdout  # the table and summary alone on stdout


def test_quiet_says_nothing_and_writes_the_same_plan(runs):
    result = runs["quiet"]
    assert result.returncode == 0 and result.stderr == ""
    root = runs["root"]
    assert (root / "quiet" / "plan.json").read_bytes() == (
        root / "plain" / "plan.json"
    ).read_bytes()


def test_verbose_shows_the_solvers_log_on_stderr_only(runs):
    result = runs["verbose"]
    assert result.returncode == 0, result.stderr
    assert "Solving MIP model with" in result.stderr or "MIP has" in result.stderr
    assert "MIP" not in result.stdout
    root = runs["root"]
    plan = (root / "verbose" / "plan.json").read_bytes()
    assert plan == (root / "plain" / "plan.json").read_bytes()


def test_printed_table_has_a_schedule_and_names(runs):
    out = runs["plain"].stdout
    assert "schedule" in out.splitlines()[0]
    assert "coaching" in out and "GBP " in out


def test_one_lot_infeasible_names_the_rule_that_fails(runs):
    result = runs["one-lot"]
    assert_clean_failure(result, 1)
    message = " ".join(result.stderr.split())
    assert "With --max-lots 1 the whole contract is one lot" in message
    assert "2 bidder(s), fewer than --min-bidders 3" in message
    assert "cannot all hold at once" not in message


def test_min_bidders_zero_warns(runs):
    result = runs["zero-bidders"]
    assert result.returncode == 0, result.stderr
    assert "Warning: --min-bidders 0 allows lots that no supplier can bid for" in result.stderr


def test_scenario_typo_names_the_option_and_suggests(runs):
    result = runs["kind-typo"]
    assert_clean_failure(result, 2)
    message = " ".join(result.stderr.split())
    assert "--target-kinds" in message and "Did you mean 'user_led'?" in message


def test_evaluate_keeps_the_commissioners_labels_and_shows_money(runs):
    result = runs["evaluate"]
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in table[1:]] == ["Alpha", "Beta"]
    assert "  - 2 lots, more than --max-lots 1" in result.stdout  # the breach list, CLI words
    assert "EUR " in result.stdout and "NaN" not in result.stdout and "None" not in result.stdout
    with open(runs["root"] / "ev" / "evaluation.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["lot"] for r in rows] == ["Alpha", "Beta"]
    doc = json.loads((runs["root"] / "ev" / "evaluation.json").read_text(encoding="utf-8"))
    assert doc["currency"] == "EUR" and doc["scenario"]["max_lots"] == 1
    assert set(doc["provenance"]["inputs"]) >= {"contract", "suppliers"}


def test_every_output_says_which_scenario_made_it(runs):
    root = runs["root"]
    plan = json.loads((root / "zero" / "plan.json").read_text(encoding="utf-8"))
    assert plan["scenario"]["min_bidders"] == 0
    made_by = json.loads((root / "fr" / "frontier.json").read_text(encoding="utf-8"))
    assert made_by["scenario"]["max_lots"] == 2 and made_by["command"] == "frontier"


def test_frontier_reports_each_number_of_lots(runs):
    result = runs["frontier"]
    assert result.returncode == 0, result.stderr
    assert "1/2 lots solved" in result.stderr and "2/2 lots solved" in result.stderr
    assert "GBP " in result.stdout and "nan" not in result.stdout.lower()
