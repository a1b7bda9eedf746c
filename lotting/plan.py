"""A plan: an evaluated division with the solver's verdict, ready for tables, charts and JSON."""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lotting.errors import LottingError
from lotting.files import Writer, write_csv, write_folder
from lotting.inputs.boundaries import Boundaries
from lotting.inputs.case import Case
from lotting.ocds import RESERVE_CODES, release_package
from lotting.rules.describe import fit_schedule, names_of
from lotting.rules.scoring import Evaluation
from lotting.scenario import Scenario
from lotting.text import cut_list, fit_list, money

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

METRICS = (
    "n_lots",
    "reach",
    "open_value",
    "sub_reach",
    "total_value",
    "fewest_bidders",
    "reserved_value",
    "fewest_robust_bidders",
)
#: Columns of :attr:`Plan.lots` that hold lists (joined with ';' in lots.csv).
LIST_COLUMNS = (
    "units",
    "services",
    "areas",
    "options",
    "target_holders",
    "sub_holders",
    "supply_chains",
)
OPTION_COLUMNS = ["lot", "option", "type", "holders", "chain", "target_holders", "names"]


@dataclass(frozen=True)
class Plan:
    """The answer to one scenario.

    ``status`` is "optimal" or "feasible" (stopped early); every figure comes from
    ``evaluation``. ``bound`` is a proven upper bound on the objective (None when none is known)
    and ``gap`` = (bound − objective) / max(|objective|, 1) (the one formula,
    :func:`lotting.progress.relative_gap`; 0 when optimal). ``stopped`` says why a run ended
    before proving optimality: "interrupted" (Ctrl-C), "terminated" (SIGTERM), "time_limit" or
    "work_limit"; None otherwise.
    ``inputs`` records each input file of the case (role → file name and SHA-256) for plan.json.
    """

    status: str
    gap: float | None
    evaluation: Evaluation
    scenario: Scenario
    solver: str
    seconds: float
    model_stats: dict[str, int] = field(default_factory=dict)
    boundaries: Boundaries | None = None
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    bound: float | None = None
    stopped: str | None = None
    #: The case it answers (for the report: who can bid, the market, the input files).
    case: Case | None = field(default=None, repr=False, compare=False)

    @property
    def objective(self) -> float:
        """The DESIGN.md objective of the division, computed exactly."""
        return float(self.evaluation.metrics["objective"])

    @property
    def metrics(self) -> dict[str, Any]:
        """n_lots, reach, open_value, sub_reach, total_value, fewest_bidders, reserved_value,
        fewest_robust_bidders."""
        return {k: self.evaluation.metrics[k] for k in METRICS}

    @property
    def lots(self) -> pd.DataFrame:
        """One row per lot: value, units, services, areas, schedule, bidders, options, target
        holders, subcontractors reached (list cells as lists; lots.csv joins them with ';')."""
        table = self.evaluation.lots.drop(columns=["breaches"])
        for column in LIST_COLUMNS:
            table[column] = table[column].map(_split)
        return table

    @property
    def assignment(self) -> pd.DataFrame:
        """One row per unit with its lot, in contract order."""
        return self.evaluation.assignment

    @property
    def options(self) -> pd.DataFrame:
        """Which option can bid for which lot, and what it is: one row per (lot, option) with
        its type (lead or consortium), holders, supply chain (the lead's subcontractors),
        target holders and the holders' names.

        >>> plan.options.columns.tolist()
        ['lot', 'option', 'type', 'holders', 'chain', 'target_holders', 'names']
        """
        known = {o.id: o for o in self.evaluation.options}
        names = self.evaluation.names
        rows = []
        for lot, ids in sorted(self.evaluation.lot_options.items()):
            for option in ids:
                o = known.get(option)
                holders = list(o.holders) if o else option.split("+")
                rows.append(
                    {
                        "lot": lot,
                        "option": option,
                        "type": o.type if o else "",
                        "holders": holders,
                        "chain": list(o.chain) if o else [],
                        "target_holders": list(o.targets) if o else [],
                        "names": names_of(holders + (list(o.chain) if o else []), names),
                    }
                )
        return pd.DataFrame(rows, columns=OPTION_COLUMNS)

    def explain(self) -> list[str]:
        """Who the targets reached bid with, lot by lot, in names: alone, in which consortium,
        in whose supply chain; then who makes up sub_reach.

        >>> plan.explain()[0].startswith("Lot 1 (")
        True
        """
        names = self.evaluation.names
        options = self.options
        lines = []
        for row in self.evaluation.lots.itertuples():
            ways = []
            for o in options[options["lot"] == row.lot].itertuples():
                subs = [c for c in o.chain if c in _split(row.sub_holders)]
                if not o.target_holders and not subs:
                    continue
                who = " + ".join(names_of(o.holders, names))
                if o.type == "consortium":
                    ways.append(f"{who} (consortium)")
                elif subs:
                    ways.append(f"{who} with subcontractor(s) {', '.join(names_of(subs, names))}")
                else:
                    ways.append(f"{who} alone")
            if ways:
                label = row.given_lot if "given_lot" in row._fields else row.lot
                lines.append(f"Lot {label} ({row.schedule}): {cut_list(ways)}.")
        subs = sorted({s for cell in self.evaluation.lots["sub_holders"] for s in _split(cell)})
        reached = {s for cell in self.evaluation.lots["target_holders"] for s in _split(cell)}
        only_subs = [s for s in subs if s not in reached]
        if only_subs:
            lines.append(
                "Reached only as subcontractors (sub_reach): "
                + cut_list(names_of(only_subs, names))
                + "."
            )
        return lines

    def summary(self, width: int = 60, breaches: bool = False) -> pd.DataFrame:
        """The table of lots the CLI prints: value, units, bidders, target holders by name and
        the schedule, each cell cut to ``width`` characters with "and N more", never silently.
        Under an award rule, also each lot's robust bidders, and "(R)" beside reserved lots.

        >>> plan.summary().columns.tolist()
        ['lot', 'value/yr', 'units', 'bidders', 'target holders', 'schedule']
        """
        lots = self.evaluation.lots
        contract = self.evaluation.assignment
        pairs = {
            lot: list(zip(group["service"], group["area"], strict=True))
            for lot, group in contract.groupby("lot", sort=True)
        }
        names = self.evaluation.names
        label = lots["given_lot"] if "given_lot" in lots else lots["lot"]
        table = pd.DataFrame(
            {
                "lot": label.astype(str).tolist(),
                "value/yr": [money(v, self.scenario.currency) for v in lots["value"]],
                "units": lots["n_units"].tolist(),
                "bidders": lots["bidders"].tolist(),
                "target holders": [
                    fit_list(names_of(_split(t), names), width, ", ") if t else ""
                    for t in lots["target_holders"]
                ],
                "schedule": [fit_schedule(pairs[lot], width) for lot in lots["lot"]],
            }
        )
        if self.scenario.has_rules:  # the award rules' columns, when they are asked for
            table.insert(4, "robust", lots["robust_bidders"].tolist())
            if lots["reserved"].any():
                table["lot"] = [
                    f"{n} (R)" if r else n
                    for n, r in zip(table["lot"], lots["reserved"], strict=True)
                ]
        if breaches:
            table["breaches"] = lots["breaches"].tolist()
        return table

    def to_dict(self, timings: bool = False) -> dict[str, Any]:
        """The plan.json document; solver seconds only when ``timings`` (they vary run to run).

        Beyond DESIGN.md's schema: each lot's ``schedule`` (its services and areas in words),
        ``sub_holders`` (target suppliers reached as subcontractors) and ``option_details`` (each
        option's type, holders and supply chain); ``names`` (supplier id → name), ``currency``
        and ``provenance`` (lotting version, each input file with its SHA-256; the date only
        from ``SOURCE_DATE_EPOCH``, so the same inputs still give the same bytes).
        """
        options = self.options
        lots = []
        for row in self.evaluation.lots.itertuples():
            mine = options[options["lot"] == row.lot]
            lots.append(
                {
                    "lot": int(row.lot),
                    "units": row.units.split(";"),
                    "schedule": row.schedule,
                    "value": float(row.value),
                    "bidders": int(row.bidders),
                    "robust_bidders": int(row.robust_bidders),
                    "weakest_supplier": str(row.weakest_supplier),
                    "reserved": bool(row.reserved),
                    "target_holders": _split(row.target_holders),
                    "sub_holders": _split(row.sub_holders),
                    "options": _split(row.options),
                    "option_details": [
                        {
                            "option": o.option,
                            "type": o.type,
                            "holders": o.holders,
                            "chain": o.chain,
                            "target_holders": o.target_holders,
                        }
                        for o in mine.itertuples()
                    ],
                }
            )
        metrics = {k: _plain(v) for k, v in self.metrics.items()}
        mentioned = sorted(
            {s for lot in lots for o in lot["option_details"] for s in (*o["holders"], *o["chain"])}
            | {s for lot in lots for s in (*lot["target_holders"], *lot["sub_holders"])}
        )
        extra: dict[str, Any] = {}
        if self.scenario.max_awards is not None:
            extra["award"] = {str(lot): o for lot, o in sorted(self.evaluation.award.items())}
        return {
            **extra,
            "status": self.status,
            "objective": self.objective,
            "gap": self.gap,
            "bound": self.bound,
            "stopped": self.stopped,
            "currency": self.scenario.currency,
            "metrics": metrics,
            "lots": lots,
            "names": {s: self.evaluation.names.get(s, s) for s in mentioned},
            "scenario": self.scenario.to_dict(),
            "solver": {"name": self.solver, "seconds": round(self.seconds, 3) if timings else None},
            "provenance": provenance(self.inputs),
        }

    def to_json(self, timings: bool = False, not_drawn: Sequence[str] = ()) -> str:
        """plan.json as text: sorted keys, two-space indent, trailing newline; ``not_drawn``
        names the charts left out of the folder (``"not_drawn"``, only when there are some)."""
        document = self.to_dict(timings)
        if not_drawn:
            document["not_drawn"] = sorted(not_drawn)
        return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_ocds(
        self,
        ocid: str | None = None,
        published: str | None = None,
        currency: str | None = None,
        reserve_code: str = RESERVE_CODES[0],
    ) -> dict[str, Any]:
        """The division as an OCDS 1.1 release package (validated), for ocds.json.

        ``ocid`` defaults to one derived from the contract, ``published`` to a fixed date (so the
        same inputs give the same file), ``currency`` to the scenario's or GBP; reserved lots
        carry ``reserve_code`` as their reservedParticipation.

        >>> plan.to_ocds()["releases"][0]["tender"]["lots"][0]["value"]
        {'amount': 1371000, 'currency': 'GBP'}
        """
        return release_package(
            self.evaluation, self.scenario, ocid, published, currency, reserve_code
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Chart of the lot allocation: areas × services coloured by lot.

        >>> plan.plot().get_title()
        '8 lots · reach 7 · open value GBP 9,611,000 of GBP 31,998,000 per year'
        """
        from lotting.plot.lots import plot_lots  # matplotlib only when a chart is drawn

        return plot_lots(
            self.evaluation,
            ax=ax,
            currency=self.scenario.currency,
            names=self.evaluation.names,
            boundaries=self.boundaries,
        )

    def plot_map(self, ax: Axes | None = None, service: str | None = None) -> Axes:
        """Map of the lots on the case's boundaries (one service line, or all when None).

        >>> plan.plot_map(service="peer_support")  # doctest: +SKIP
        """
        if self.boundaries is None:
            raise LottingError("no boundaries are known for this case, so no map can be drawn.")
        from lotting.plot.map import plot_map

        return plot_map(
            self.evaluation,
            self.boundaries,
            service=service,
            ax=ax,
            currency=self.scenario.currency,
        )

    def map_figure(self) -> Figure:
        """The map.png figure: one map panel per service line, with a shared legend of lots.

        >>> plan.map_figure().savefig("map.png")  # doctest: +SKIP
        """
        if self.boundaries is None:
            raise LottingError("no boundaries are known for this case, so no map can be drawn.")
        from lotting.plot.map import map_figure

        return map_figure(self.evaluation, self.boundaries, currency=self.scenario.currency)

    def to_folder(
        self,
        path: str | Path,
        inputs: tuple[Path, ...] = (),
        timings: bool = False,
        extra: dict[str, Writer] | None = None,
        command: str = "split",
        not_drawn: Collection[str] = (),
    ) -> Path:
        """Write assignment.csv, lots.csv, plan.json, lots.png (and map.png with boundaries, and
        ``extra`` files such as ocds.json), whole or not at all, never over one of ``inputs``;
        they replace what ``command`` wrote there last. Charts named in ``not_drawn`` (e.g.
        those a time limit cannot afford, :meth:`chart_seconds`) are left out, and plan.json
        says so."""
        left_out = [name for name in self.charts() if name in not_drawn]
        files: dict[str, Writer] = {
            "assignment.csv": lambda p: write_csv(self.assignment, p),
            "lots.csv": lambda p: write_csv(self.evaluation.lots.drop(columns=["breaches"]), p),
            "plan.json": lambda p: p.write_text(self.to_json(timings, left_out), encoding="utf-8"),
        }
        files.update({n: w for n, w in self.charts().items() if n not in left_out})
        files.update(extra or {})
        return write_folder(Path(path), files, inputs, command=command)

    def charts(self) -> dict[str, Writer]:
        """The chart files of the plan's folder, each with its writer: lots.png, and map.png
        when the case has boundaries. matplotlib is imported only when one is drawn."""

        def lots_png(path: Path) -> None:
            from lotting.plot.style import save_figure

            save_figure(self.plot(), path)

        def map_png(path: Path) -> None:
            from lotting.plot.style import save_figure

            save_figure(self.map_figure().axes[0], path)

        charts: dict[str, Writer] = {"lots.png": lots_png}
        if self.boundaries is not None:
            charts["map.png"] = map_png
        return charts

    def chart_seconds(self) -> dict[str, float]:
        """:func:`chart_seconds` of this plan's charts, in drawing order."""
        return chart_seconds(self.assignment, self.boundaries)


def chart_seconds(units: pd.DataFrame, boundaries: Boundaries | None) -> dict[str, float]:
    """A generous estimate of the seconds each chart of a plan's folder takes to draw and save
    on a busy 2-core machine, in drawing order, for a time limit that must hold to the end (the
    CLI leaves out the charts it cannot afford). ``units`` has a row per unit with its service
    (a contract, or a plan's assignment). The first chart also pays for loading matplotlib,
    and for building its font cache on a first run, unless that is done already.

    >>> sorted(chart_seconds(case.contract, case.boundaries))
    ['lots.png', 'map.png']
    """
    costs = {"lots.png": 0.5 + 0.005 * len(units)}
    if boundaries is not None:
        vertices = sum(
            len(ring) for polygons in boundaries.areas.values() for p in polygons for ring in p
        )
        panels = units["service"].nunique()
        costs["map.png"] = 1.0 + 0.6 * panels + 1e-5 * vertices + 0.004 * len(units)
    costs["lots.png"] += _matplotlib_seconds()
    return costs


def _matplotlib_seconds() -> float:
    """Seconds still to pay before the first chart: importing pyplot (about half a second on an
    idle machine) and, when matplotlib has no font cache yet, building it (several seconds)."""
    if "matplotlib.pyplot" in sys.modules:
        return 0.0
    seconds = 0.8
    if "matplotlib.font_manager" not in sys.modules and not _font_cache_exists():
        seconds += 6.0
    return seconds


def _font_cache_exists() -> bool:
    """Whether matplotlib's font cache (fontlist-v*.json) is in its cache folder: MPLCONFIGDIR,
    else $XDG_CACHE_HOME/matplotlib or ~/.cache/matplotlib (matplotlib's own order on Linux),
    looked up without importing matplotlib."""
    folder = os.environ.get("MPLCONFIGDIR")
    if not folder:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(cache, "matplotlib")
    try:
        return any(Path(folder).glob("fontlist-v*.json"))
    except OSError:
        return False


def provenance(inputs: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What made a plan, for an audit: the lotting version, each input file with its SHA-256,
    and the date only when ``SOURCE_DATE_EPOCH`` sets it (a wall-clock date would break the
    promise that the same inputs give byte-identical outputs)."""
    doc: dict[str, Any] = {"lotting": lotting_version(), "inputs": inputs}
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        when = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        doc["date"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return doc


def lotting_version() -> str:
    """The installed lotting's version ("unknown" when run from an uninstalled tree)."""
    try:
        return importlib.metadata.version("lotting")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _split(text: str) -> list[str]:
    """A ';'-joined cell as a list (empty cell → empty list)."""
    return text.split(";") if text else []


def _plain(value: Any) -> Any:
    """NumPy scalars as plain Python numbers for JSON."""
    return value.item() if hasattr(value, "item") else value


def compare(plans: dict[str, Plan]) -> pd.DataFrame:
    """One row per named plan with every figure: the table an analyst pastes into a report.

    >>> compare({"current": evaluate(case, s, lots), "best": solve(case, s)})  # doctest: +SKIP
    """
    rows = []
    for name, plan in plans.items():
        rows.append(
            {
                "plan": name,
                "status": plan.status,
                "objective": plan.objective,
                "gap": plan.gap,
                **plan.metrics,
                "breaches": len(plan.evaluation.breaches),
            }
        )
    return pd.DataFrame(rows).set_index("plan")
