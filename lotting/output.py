"""Write an output folder whole or not at all, and never over an input file."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lotting.errors import InputError

if TYPE_CHECKING:
    from lotting.case import Case
    from lotting.plan import Plan

Writer = Callable[[Path], None]


def write_folder(out: Path, files: dict[str, Writer], inputs: tuple[Path, ...] = ()) -> Path:
    """Write each named file with its writer into a temporary folder, then move them into ``out``.

    Nothing in ``out`` changes unless every file was written; an output that would replace one of
    ``inputs`` is refused before anything is written.
    """
    out = Path(out)
    protected = {p.resolve() for p in inputs}
    for name in files:
        if (out / name).resolve() in protected:
            raise InputError(f"refusing to overwrite the input file {out / name}.", file=str(out))
    if out.exists() and not out.is_dir():
        raise InputError("the output path exists and is not a folder.", file=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, writer in files.items():
            writer(tmp / name)
        if not out.exists():
            os.replace(tmp, out)
        else:
            for name in files:
                os.replace(tmp / name, out / name)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """A DataFrame as UTF-8 CSV with Unix line ends and no index."""
    df.to_csv(path, index=False, lineterminator="\n")


def write_plan(plan: Plan, out: Path, inputs: tuple[Path, ...] = (), timings: bool = False) -> Path:
    """The split outputs: assignment.csv, lots.csv, plan.json, lots.png, and map.png when the
    plan knows the areas' boundaries."""
    from lotting.charts import save_figure
    from lotting.maps import map_figure

    files: dict[str, Writer] = {
        "assignment.csv": lambda p: write_csv(plan.assignment, p),
        "lots.csv": lambda p: write_csv(plan.lots, p),
        "plan.json": lambda p: p.write_text(plan.to_json(timings), encoding="utf-8"),
        "lots.png": lambda p: save_figure(plan.plot(), p),
    }
    if plan.boundaries is not None:
        shapes = plan.boundaries
        files["map.png"] = lambda p: save_figure(map_figure(plan.evaluation, shapes).axes[0], p)
    return write_folder(out, files, inputs)


def evaluation_document(given: Plan, optimum: Plan | None) -> dict:
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
    document = json.dumps(evaluation_document(given, optimum), indent=2, sort_keys=True)
    files: dict[str, Writer] = {
        "evaluation.csv": lambda p: write_csv(given.evaluation.lots, p),
        "evaluation.json": lambda p: p.write_text(document + "\n", encoding="utf-8"),
    }
    return write_folder(out, files, inputs)


def write_frontier(table: pd.DataFrame, out: Path, inputs: tuple[Path, ...] = ()) -> Path:
    """The frontier outputs: frontier.csv and frontier.png."""
    from lotting.charts import plot_frontier, save_figure

    files: dict[str, Writer] = {
        "frontier.csv": lambda p: write_csv(table, p),
        "frontier.png": lambda p: save_figure(plot_frontier(table), p),
    }
    return write_folder(out, files, inputs)


def write_partners(case: Case, out: Path, inputs: tuple[Path, ...] = ()) -> Path:
    """The check output: partners.png, the partner graph."""
    from lotting.charts import plot_partners, save_figure

    files: dict[str, Writer] = {"partners.png": lambda p: save_figure(plot_partners(case), p)}
    return write_folder(out, files, inputs)
