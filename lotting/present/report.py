"""The commissioner's report: one self-contained report.html (and report.pdf printed from it).

Sections in DESIGN.md's order: the recommendation, the map and allocation chart, the lot table,
why this many lots (the frontier), the "divide or explain" statement, the current division (with
``--lots``), the market, the assumptions. The HTML comes from a jinja2 template with every chart
embedded as a base64 PNG and no request to the network; CSS makes it readable on a phone and
print on A4 with a page break between sections. The PDF is printed by a headless Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Unpack

import jinja2
import pandas as pd

from lotting.errors import InputError, LottingError
from lotting.files import write_folder
from lotting.frontier import frontier as frontier_table
from lotting.inputs.case import Case
from lotting.optimise import RunOptions
from lotting.plan import Plan, compare
from lotting.plot.frontier import plot_frontier
from lotting.plot.lots import plot_lots
from lotting.plot.map import map_figure
from lotting.plot.style import save_figure
from lotting.present.market_check import market_report
from lotting.present.statement import Statement, divide_or_explain, money_format

#: Browsers tried, in order, when none is named.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_BROWSER = (
    "no headless browser was found to print report.pdf. Install Debian's chromium "
    "(sudo apt-get install chromium, and poppler-utils for PDF checks) or name one with "
    "--browser PATH; report.html was written."
)
#: Units listed in the market section, fewest bid options first.
FEW_UNITS = 12


@dataclass(frozen=True)
class Report:
    """Everything the report shows, computed once: the HTML is rendered from it."""

    plan: Plan
    case: Case
    frontier: pd.DataFrame
    statement: Statement
    current: Plan | None
    currency: str
    title: str
    #: PNG bytes of each chart: lots, map (with boundaries), frontier.
    charts: dict[str, bytes]

    def html(self) -> str:
        """report.html as text."""
        return render(self)


def report_frontier(
    case: Case, plan: Plan, full: bool = False, **options: Unpack[RunOptions]
) -> pd.DataFrame:
    """The frontier the report needs, reusing ``plan``: by default only the points the statement
    uses (one lot, and one lot fewer than the plan, or two lots when the plan has one); ``full``
    for every number of lots; ``options`` as :func:`lotting.solve` takes them. A ``stop``
    request leaves the points not reached "interrupted"."""
    n = int(plan.metrics["n_lots"])
    ks = None if full else ({1, n - 1} if n > 1 else {2})
    return frontier_table(case, plan.scenario, ks=ks, chosen=plan, **options)


def build_report(
    plan: Plan,
    case: Case | None = None,
    frontier: pd.DataFrame | None = None,
    current: Plan | None = None,
    currency: str | None = None,
    title: str | None = None,
) -> Report:
    """Gather the report of ``plan`` (its case by default; the bounded frontier computed when
    not given; ``current``: the commissioner's own division, scored by :func:`evaluate`)."""
    case = case if case is not None else plan.case
    if case is None:
        raise LottingError("the report needs the case the plan answers (pass case=...).")
    if frontier is None:
        frontier = report_frontier(case, plan)
    currency = currency or getattr(plan.scenario, "currency", None) or "GBP"
    statement = divide_or_explain(case, plan, frontier, currency)
    charts = {"lots": _png(plot_lots(plan.evaluation))}
    if plan.boundaries is not None:
        charts["map"] = _png(map_figure(plan.evaluation, plan.boundaries).axes[0])
    charts["frontier"] = _png(plot_frontier(frontier))
    return Report(
        plan,
        case,
        frontier,
        statement,
        current,
        currency,
        title or "Dividing the contract into lots",
        charts,
    )


def write_report(
    plan: Plan,
    path: str | Path,
    case: Case | None = None,
    frontier: pd.DataFrame | None = None,
    current: Plan | None = None,
    currency: str | None = None,
    inputs: Sequence[Path] = (),
) -> Path:
    """Write the report of ``plan`` to ``path`` (an .html file), whole or not at all.

    >>> write_report(plan, "report.html")  # doctest: +SKIP
    PosixPath('report.html')
    """
    path = Path(path)
    text = build_report(plan, case, frontier, current, currency).html()
    write_folder(
        path.parent,
        {path.name: lambda p: p.write_text(text, encoding="utf-8")},
        tuple(inputs),
    )
    return path


def render(report: Report) -> str:
    """The HTML of a report, from templates/report.html.j2 (autoescaped)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lotting", "present/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2").render(**context(report))


def context(report: Report) -> dict[str, Any]:
    """The names the template uses."""
    plan, case = report.plan, report.case
    money = money_format(report.currency)
    m = plan.metrics
    names = _names(case)
    charts = {name: _data_uri(png) for name, png in report.charts.items()}
    market = market_report(case, plan.scenario)
    return {
        "title": report.title,
        "contract": Path(case.files["contract"]).name if "contract" in case.files else "",
        "money": money,
        "plan": plan,
        "metrics": m,
        "status": _status(plan),
        "headline": _headline(report, money),
        "statement": report.statement,
        "charts": charts,
        "lots": _lot_rows(plan, report.statement, money),
        "lot_columns": _lot_columns(plan),
        "frontier": _frontier_rows(report.frontier, money),
        "full_frontier": len(report.frontier) >= plan.scenario.max_lots,
        "current": _current(report, money) if report.current is not None else None,
        "few": _few_units(market.units, plan.scenario.min_bidders),
        "stranded": [
            {**row, "name": names.get(row["supplier"], row["supplier"])}
            for row in market.stranded.to_dict("records")
        ],
        "uncovered": market.uncovered,
        "rules": _rules(plan),
        "parameters": _parameters(plan),
        "files": _files(case),
        "version": _version(),
        "currency": report.currency,
    }


def _png(ax: Any) -> bytes:
    """A chart's PNG bytes (saved the house way, so the bytes are the same on a re-run)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chart.png"
        save_figure(ax, path)
        return path.read_bytes()


def _data_uri(png: bytes) -> str:
    """PNG bytes as a data URI for an <img> (no file, no network)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _status(plan: Plan) -> str:
    """The solver's verdict in words."""
    if plan.status == "optimal":
        return "proven optimal"
    if plan.status == "feasible" and plan.gap is not None:
        return f"best found in the time allowed, within {100 * plan.gap:.2f}% of optimal"
    if plan.status == "feasible":
        return "best found in the time allowed (gap unknown)"
    return plan.status


def _headline(report: Report, money: Any) -> str:
    """The recommendation in one sentence."""
    m = report.plan.metrics
    n = int(m["n_lots"])
    lots = "a single lot" if n == 1 else f"{n} lots"
    areas = {a for lot in report.statement.lots for a in lot.areas}
    services = {s for lot in report.statement.lots for s in lot.services}
    return (
        f"Tender the contract as {lots} over {len(areas)} areas and {len(services)} service "
        f"lines, worth {money(m['total_value'])} a year."
    )


def _lot_columns(plan: Plan) -> list[str]:
    """Optional lot columns the scenario uses (reserved lots, robust bidders)."""
    lots = plan.evaluation.lots
    out = []
    if "reserved" in lots and bool(lots["reserved"].any()):
        out.append("reserved")
    if getattr(plan.scenario, "robust", False) and "robust_bidders" in lots:
        out.append("robust_bidders")
    return out


def _lot_rows(plan: Plan, statement: Statement, money: Any) -> list[dict[str, Any]]:
    """A row per lot for the lot table."""
    rows = []
    for access, row in zip(statement.lots, plan.evaluation.lots.to_dict("records"), strict=True):
        rows.append(
            {
                "lot": access.lot,
                "services": ", ".join(access.services),
                "areas": ", ".join(access.areas),
                "units": int(row["n_units"]),
                "value": money(access.value),
                "bidders": access.bidders,
                "alone": ", ".join(access.alone),
                "consortium": ", ".join(access.consortium),
                "subcontract": ", ".join(access.subcontract),
                "reserved": "yes" if row.get("reserved") else "",
                "robust_bidders": row.get("robust_bidders", ""),
            }
        )
    return rows


def _frontier_rows(table: pd.DataFrame, money: Any) -> list[dict[str, Any]]:
    """The frontier points as table rows."""
    rows = []
    for row in table.to_dict("records"):
        found = pd.notna(row["objective"])
        rows.append(
            {
                "k": int(row["k"]),
                "overhead": money(row["overhead"]),
                "reach": int(row["reach"]) if found else "",
                "open_value": money(row["open_value"]) if found else "",
                "objective": money(row["objective"]) if found else "",
                "status": str(row["status"]).replace("_", " "),
                "chosen": bool(row["chosen"]),
            }
        )
    return rows


def _current(report: Report, money: Any) -> dict[str, Any]:
    """The commissioner's division beside the recommendation, figure by figure."""
    current = report.current
    assert current is not None
    table = compare({"current": current, "recommended": report.plan})
    figures = [
        ("Objective (per year)", "objective", True),
        ("Lots", "n_lots", False),
        ("Reach (target suppliers)", "reach", False),
        ("Reach as subcontractors", "sub_reach", False),
        ("Open value (per year)", "open_value", True),
        ("Fewest bid options in a lot", "fewest_bidders", False),
        ("Rules broken", "breaches", False),
    ]
    rows = []
    for label, key, is_money in figures:
        a, b = table.loc["current", key], table.loc["recommended", key]
        show = money if is_money else (lambda v: f"{int(v):,}")
        rows.append(
            {"figure": label, "current": show(a), "recommended": show(b), "difference": show(b - a)}
        )
    return {"rows": rows, "breaches": list(current.evaluation.breaches)}


def _few_units(units: pd.DataFrame, min_bidders: int) -> list[dict[str, Any]]:
    """The units fewest options can bid for alone (at most FEW_UNITS, fewest first)."""
    ordered = units.sort_values(["options", "target_options", "unit"], kind="stable")
    few = ordered[ordered["options"] <= max(min_bidders, 1) + 1].head(FEW_UNITS)
    return few.to_dict("records")


def _rules(plan: Plan) -> list[str]:
    """Award rules and robustness the scenario uses, in words (none by default)."""
    s, out = plan.scenario, []
    max_awards = getattr(s, "max_awards", None)
    if max_awards is not None:
        out.append(f"No supplier may be awarded more than {max_awards} lot(s).")
    reserved = getattr(s, "max_reserved", 0) or 0
    if reserved:
        kinds = ", ".join(getattr(s, "reserve_kinds", ()) or s.target_kinds)
        out.append(f"Up to {reserved} lot(s) may be reserved for {kinds} organisations.")
    if getattr(s, "robust", False):
        out.append(
            f"Every lot keeps at least {s.min_bidders} bid options if any one supplier withdraws."
        )
    return out


def _parameters(plan: Plan) -> list[tuple[str, str]]:
    """Every scenario parameter as (name, value) text."""
    out = []
    for name, value in plan.scenario.to_dict().items():
        if isinstance(value, list):
            shown = ", ".join(map(str, value))
        elif value is None:
            shown = "none"
        elif isinstance(value, float):
            shown = f"{value:,.0f}" if value.is_integer() else f"{value:g}"
        else:
            shown = str(value)
        out.append((name, shown))
    return out


def _files(case: Case) -> list[dict[str, str]]:
    """Each input file with its SHA-256 (names only: the report should not leak paths)."""
    out = []
    for role, path in case.files.items():
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        out.append({"role": role, "name": Path(path).name, "sha256": digest})
    return out


def _version() -> str:
    """The installed lotting version."""
    try:
        return metadata.version("lotting")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _names(case: Case) -> dict[str, str]:
    """Supplier id → display name."""
    suppliers = case.suppliers
    return {
        str(s): (str(n).strip() if isinstance(n, str) and n.strip() else str(s))
        for s, n in zip(suppliers["supplier"], suppliers["name"], strict=True)
    }


def find_browser(browser: str | Path | None = None) -> str:
    """The headless browser to print with: ``browser`` (a path or a name on PATH), or the first
    of BROWSERS on PATH; InputError saying how to install one when there is none."""
    if browser is not None:
        found = shutil.which(str(browser))
        if found is None:
            raise InputError(f"the browser {browser} is not an executable; {INSTALL_BROWSER}")
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found is not None:
            return found
    raise InputError(INSTALL_BROWSER)


def browser_command(browser: str, profile: Path, *arguments: str) -> list[str]:
    """A headless Chromium command line: its own profile folder, no sandbox when run as root
    (Chromium refuses to start as root otherwise), no first-run chrome."""
    command = [
        browser,
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--no-sandbox")
    return [*command, *arguments]


def print_pdf(
    html: Path, pdf: Path, browser: str | Path | None = None, timeout: float = 120
) -> Path:
    """Print ``html`` to ``pdf`` (A4, as the report's print CSS lays it out) with headless
    Chromium; the PDF appears whole or not at all."""
    executable = find_browser(browser)
    pdf = Path(pdf)
    with tempfile.TemporaryDirectory(prefix="lotting-pdf-") as folder:
        out = Path(folder) / "report.pdf"
        command = browser_command(
            executable,
            Path(folder) / "profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            Path(html).resolve().as_uri(),
        )
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise LottingError(
                f"the browser {executable} could not print the PDF ({err})."
            ) from None
        if not out.exists() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise LottingError(
                f"the browser {executable} wrote no PDF (exit {done.returncode}): {' '.join(tail)}"
            )
        shutil.move(str(out), pdf)
    return pdf
