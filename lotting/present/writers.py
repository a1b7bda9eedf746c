"""The files of evaluate, frontier and check (split's are :meth:`Plan.to_folder`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from lotting.files import Writer, write_csv, write_folder
from lotting.inputs.case import Case
from lotting.plan import METRICS, Plan, provenance
from lotting.rules.scoring import moved_units
from lotting.scenario import Scenario
from lotting.sweep import varying


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
    return write_folder(out, files, inputs, command="evaluate")


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
    from lotting.plot.frontier import plot_frontier  # matplotlib only when a chart is drawn
    from lotting.plot.style import save_figure

    scenario = scenario or Scenario()
    document = frontier_document(scenario, case)
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    currency = scenario.currency
    files: dict[str, Writer] = {
        "frontier.csv": lambda p: write_csv(table, p),
        "frontier.json": lambda p: p.write_text(text, encoding="utf-8"),
        "frontier.png": lambda p: save_figure(plot_frontier(table, currency=currency), p),
    }
    return write_folder(out, files, inputs, command="frontier")


def write_partners(case: Case, out: Path, inputs: tuple[Path, ...] = ()) -> Path:
    """The check output: partners.png, the partner graph."""
    from lotting.plot.partners import plot_partners
    from lotting.plot.style import save_figure

    files: dict[str, Writer] = {"partners.png": lambda p: save_figure(plot_partners(case), p)}
    return write_folder(out, files, inputs, command="check")


def write_sweep(
    table: pd.DataFrame,
    plans: dict[str, Plan],
    out: Path,
    inputs: tuple[Path, ...] = (),
    timings: bool = False,
) -> Path:
    """The sweep outputs: sweep.csv (seconds only with ``timings``: they vary run to run),
    sweep.png, and scenarios/<name>/ with each solved scenario's plan files, all or nothing."""
    from lotting.plot.style import save_figure
    from lotting.plot.sweep import sweep_figure

    shown = table.copy()
    if not timings:
        shown["seconds"] = None

    def scenarios(folder: Path) -> None:
        folder.mkdir()
        for name in sorted(plans):
            plans[name].to_folder(folder / name)

    files: dict[str, Writer] = {
        "sweep.csv": lambda p: write_csv(shown, p),
        "sweep.png": lambda p: save_figure(sweep_figure(table, varying(table)).axes[0], p),
        "scenarios": scenarios,
    }
    return write_folder(out, files, inputs, command="sweep")


def alternatives_table(plans: list[Plan]) -> pd.DataFrame:
    """alternatives.csv: one row per ranked division (rank, objective, status, gap, every
    metric, and ``moved``: the fewest units that must change lot to turn rank 1 into it)."""
    first = plans[0].evaluation
    rows = [
        {
            "rank": rank,
            "objective": plan.objective,
            "status": plan.status,
            "gap": plan.gap,
            **{k: plan.metrics[k] for k in METRICS},
            "moved": moved_units(first, plan.evaluation),
        }
        for rank, plan in enumerate(plans, start=1)
    ]
    return pd.DataFrame(rows)


def alternatives_files(plans: list[Plan], timings: bool = False) -> dict[str, Writer]:
    """alternatives.csv, and for ranks ≥ 2 ``alternatives/<rank>/`` with that division's
    assignment.csv, lots.csv and plan.json: files for split's own folder, written with it."""
    table = alternatives_table(plans)
    files: dict[str, Writer] = {"alternatives.csv": lambda p: write_csv(table, p)}
    for rank, plan in enumerate(plans[1:], start=2):
        for name, writer in _plan_files(plan, timings).items():
            files[f"alternatives/{rank}/{name}"] = writer
    return files


def _plan_files(plan: Plan, timings: bool) -> dict[str, Writer]:
    """assignment.csv, lots.csv and plan.json of one plan."""
    return {
        "assignment.csv": lambda p: write_csv(plan.assignment, p),
        "lots.csv": lambda p: write_csv(plan.lots, p),
        "plan.json": lambda p: p.write_text(plan.to_json(timings), encoding="utf-8"),
    }
