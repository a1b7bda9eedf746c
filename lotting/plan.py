"""A plan: an evaluated division with the solver's verdict, ready for tables, charts and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lotting.errors import LottingError
from lotting.files import Writer, write_csv, write_folder
from lotting.inputs.boundaries import Boundaries
from lotting.inputs.case import Case
from lotting.ocds import RESERVE_CODES, release_package
from lotting.plot.lots import plot_lots
from lotting.plot.map import map_figure, plot_map
from lotting.plot.style import save_figure
from lotting.rules.scoring import Evaluation
from lotting.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

METRICS = ("n_lots", "reach", "open_value", "sub_reach", "total_value", "fewest_bidders")


@dataclass(frozen=True)
class Plan:
    """The answer to one scenario.

    ``status`` is "optimal" or "feasible" (stopped by the time limit; ``gap`` is then the proven
    relative gap, None when the solver gave no bound); every figure comes from ``evaluation``.
    """

    status: str
    gap: float | None
    evaluation: Evaluation
    scenario: Scenario
    solver: str
    seconds: float
    model_stats: dict[str, int] = field(default_factory=dict)
    boundaries: Boundaries | None = None
    #: The case it answers (for the report: who can bid, the market, the input files).
    case: Case | None = field(default=None, repr=False, compare=False)

    @property
    def objective(self) -> float:
        """The DESIGN.md objective of the division, computed exactly."""
        return float(self.evaluation.metrics["objective"])

    @property
    def metrics(self) -> dict[str, Any]:
        """n_lots, reach, open_value, sub_reach, total_value, fewest_bidders."""
        return {k: self.evaluation.metrics[k] for k in METRICS}

    @property
    def lots(self) -> pd.DataFrame:
        """One row per lot: value, units, services, areas, bidders, options, target holders."""
        return self.evaluation.lots.drop(columns=["breaches"])

    @property
    def assignment(self) -> pd.DataFrame:
        """One row per unit with its lot, in contract order."""
        return self.evaluation.assignment

    @property
    def options(self) -> pd.DataFrame:
        """Which option can bid for which lot: one row per (lot, option)."""
        rows = [
            {"lot": lot, "option": option}
            for lot, names in sorted(self.evaluation.lot_options.items())
            for option in names
        ]
        return pd.DataFrame(rows, columns=["lot", "option"])

    def to_dict(self, timings: bool = False) -> dict[str, Any]:
        """The plan.json document; solver seconds only when ``timings`` (they vary run to run)."""
        lots = [
            {
                "lot": int(row.lot),
                "units": row.units.split(";"),
                "value": float(row.value),
                "bidders": int(row.bidders),
                "target_holders": _split(row.target_holders),
                "options": _split(row.options),
            }
            for row in self.evaluation.lots.itertuples()
        ]
        metrics = {k: _plain(v) for k, v in self.metrics.items()}
        return {
            "status": self.status,
            "objective": self.objective,
            "gap": self.gap,
            "metrics": metrics,
            "lots": lots,
            "scenario": self.scenario.to_dict(),
            "solver": {"name": self.solver, "seconds": round(self.seconds, 3) if timings else None},
        }

    def to_json(self, timings: bool = False) -> str:
        """plan.json as text: sorted keys, two-space indent, trailing newline."""
        return (
            json.dumps(self.to_dict(timings), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )

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
        '8 lots · reach 7 · open value 9,611,000 of 31,998,000 per year'
        """
        return plot_lots(self.evaluation, ax=ax)

    def plot_map(self, ax: Axes | None = None, service: str | None = None) -> Axes:
        """Map of the lots on the case's boundaries (one service line, or all when None).

        >>> plan.plot_map(service="peer_support")  # doctest: +SKIP
        """
        if self.boundaries is None:
            raise LottingError("no boundaries are known for this case, so no map can be drawn.")
        return plot_map(self.evaluation, self.boundaries, service=service, ax=ax)

    def map_figure(self) -> Figure:
        """The map.png figure: one map panel per service line, with a shared legend of lots.

        >>> plan.map_figure().savefig("map.png")  # doctest: +SKIP
        """
        if self.boundaries is None:
            raise LottingError("no boundaries are known for this case, so no map can be drawn.")
        return map_figure(self.evaluation, self.boundaries)

    def to_folder(
        self,
        path: str | Path,
        inputs: tuple[Path, ...] = (),
        timings: bool = False,
        extra: dict[str, Writer] | None = None,
    ) -> Path:
        """Write assignment.csv, lots.csv, plan.json, lots.png (and map.png with boundaries, and
        ``extra`` files such as ocds.json), whole or not at all, never over one of ``inputs``."""
        files: dict[str, Writer] = {
            "assignment.csv": lambda p: write_csv(self.assignment, p),
            "lots.csv": lambda p: write_csv(self.lots, p),
            "plan.json": lambda p: p.write_text(self.to_json(timings), encoding="utf-8"),
            "lots.png": lambda p: save_figure(self.plot(), p),
        }
        if self.boundaries is not None:
            files["map.png"] = lambda p: save_figure(self.map_figure().axes[0], p)
        files.update(extra or {})
        return write_folder(Path(path), files, inputs)


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
