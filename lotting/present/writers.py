"""The files of evaluate, frontier and check (split's are :meth:`Plan.to_folder`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from lotting.files import Writer, write_csv, write_folder
from lotting.inputs.case import Case
from lotting.plan import Plan, provenance
from lotting.plot.frontier import plot_frontier
from lotting.plot.partners import plot_partners
from lotting.plot.style import save_figure
from lotting.scenario import Scenario


def evaluation_document(given: Plan, optimum: Plan | None) -> dict[str, Any]:
    """evaluation.json: the plan.json schema of the given division, its breaches (overall and per
    lot), and the optimum with the difference in every figure when one was computed."""
    doc = given.to_dict()
    doc["breaches"] = list(given.evaluation.breaches)
    per_lot = given.evaluation.lots.set_index("lot")["breaches"]
    for lot in doc["lots"]:
        text = per_lot.loc[lot["lot"]]
        lot["breaches"] = text.split("; ") if text else []
    if "given_lot" in given.assignment:
        first = given.assignment.drop_duplicates("lot").set_index("lot")["given_lot"]
        for lot in doc["lots"]:
            lot["given_lot"] = str(first.loc[lot["lot"]])
    doc["optimum"] = optimum.to_dict() if optimum is not None else None
    doc["difference"] = (
        {k: _difference(given, optimum, k) for k in ("objective", *given.metrics)}
        if optimum is not None
        else None
    )
    return doc


def _difference(given: Plan, optimum: Plan, key: str) -> float:
    """Given minus optimum for one figure."""
    if key == "objective":
        return given.objective - optimum.objective
    return float(given.metrics[key] - optimum.metrics[key])


def write_evaluation(
    given: Plan, optimum: Plan | None, out: Path, inputs: tuple[Path, ...] = ()
) -> Path:
    """The evaluate outputs: evaluation.csv (lot by lot, with breaches) and evaluation.json."""
    document = json.dumps(
        evaluation_document(given, optimum), indent=2, sort_keys=True, ensure_ascii=False
    )
    table = given.evaluation.lots
    if "given_lot" in table:  # the commissioner's own labels, not lotting's numbers
        table = table.drop(columns=["lot"]).rename(columns={"given_lot": "lot"})
    files: dict[str, Writer] = {
        "evaluation.csv": lambda p: write_csv(table, p),
        "evaluation.json": lambda p: p.write_text(document + "\n", encoding="utf-8"),
    }
    return write_folder(out, files, inputs)


def frontier_document(scenario: Scenario, case: Case | None = None) -> dict[str, Any]:
    """frontier.json, beside frontier.csv: the scenario, currency and inputs that made it, so a
    frontier left beside a newer plan never passes for that plan's."""
    return {
        "command": "frontier",
        "currency": scenario.currency,
        "scenario": scenario.to_dict(),
        "provenance": provenance(case.hashes if case is not None else {}),
    }


def write_frontier(
    table: pd.DataFrame,
    out: Path,
    inputs: tuple[Path, ...] = (),
    scenario: Scenario | None = None,
    case: Case | None = None,
) -> Path:
    """The frontier outputs: frontier.csv, frontier.png and frontier.json (which scenario made
    them)."""
    scenario = scenario or Scenario()
    document = frontier_document(scenario, case)
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    currency = scenario.currency
    files: dict[str, Writer] = {
        "frontier.csv": lambda p: write_csv(table, p),
        "frontier.json": lambda p: p.write_text(text, encoding="utf-8"),
        "frontier.png": lambda p: save_figure(plot_frontier(table, currency=currency), p),
    }
    return write_folder(out, files, inputs)


def write_partners(case: Case, out: Path, inputs: tuple[Path, ...] = ()) -> Path:
    """The check output: partners.png, the partner graph."""
    files: dict[str, Writer] = {"partners.png": lambda p: save_figure(plot_partners(case), p)}
    return write_folder(out, files, inputs)
