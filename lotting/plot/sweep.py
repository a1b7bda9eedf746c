"""The sweep chart: each figure of the plans against the swept parameter, one panel per figure."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lotting.plot.style import new_axes, subplots

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The panels of sweep.png: column of the sweep table → its title.
PANELS = {
    "objective": "Objective per year",
    "n_lots": "Lots",
    "reach": "Reach: target suppliers holding a lot",
    "open_value": "Open value per year",
    "sub_reach": "Targets reached as subcontractors",
    "fewest_bidders": "Fewest bidders in a lot",
}
SOLVED = ("optimal", "feasible")


def plot_sweep_metric(
    table: pd.DataFrame, metric: str, swept: list[str], ax: Axes | None = None
) -> Axes:
    """One figure of a sweep table against the first swept parameter, a line per value of the
    second (when two or more vary, the rest joined); scenarios without a plan are left out.

    With nothing swept, or a parameter that is not a number, scenarios are placed in table
    order and named on the x axis.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"name": ["a", "b"], "max_lots": [4, 8], "status": "optimal",
    ...                       "reach": [3, 5]})
    >>> plot_sweep_metric(table, "reach", ["max_lots"]).get_title()
    'Reach: target suppliers holding a lot'
    """
    if ax is None:
        ax = new_axes(figsize=(5, 3.5))
    solved = table["status"].astype(str).isin(SOLVED)
    x_name = swept[0] if swept else "name"
    x_all, labels = _positions(table[x_name])
    groups = _groups(table, swept[1:])
    for label, rows in groups:
        keep = rows & solved
        x = x_all[keep.to_numpy()]
        y = table.loc[keep, metric].astype(float).to_numpy()
        order = np.argsort(x, kind="stable")
        style = "none" if x_name == "name" else "-"  # scenarios by name are not a series
        ax.plot(x[order], y[order], marker="o", linestyle=style, markersize=5, label=label)
    if labels is not None:
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(_number))
    if metric in ("n_lots", "reach", "sub_reach", "fewest_bidders"):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        low, high = ax.get_ylim()
        if high - low < 2:  # one whole value: no fractional ticks around it
            middle = round((low + high) / 2)
            ax.set_ylim(middle - 1.5, middle + 1.5)
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(_number))
    ax.set_title(PANELS.get(metric, metric), fontsize=10)
    ax.set_xlabel("scenario" if x_name == "name" else x_name)
    ax.grid(alpha=0.3)
    return ax


def sweep_figure(table: pd.DataFrame, swept: list[str]) -> Figure:
    """sweep.png: a panel per figure of the plans against the swept parameter(s), one legend of
    the second parameter's values, and the scenarios that have no plan named underneath. When
    the scenarios are not a grid of one or two parameters (say one changed at a time), each
    scenario is a point named on the x axis instead.

    Save it with ``lotting.plot.style.save_figure(figure.axes[0], path)``.

    >>> figure = sweep_figure(table, varying(table))  # doctest: +SKIP
    """
    if not _is_grid(table, swept):
        swept = []  # one factor at a time, or many: each scenario by name
    metrics = list(PANELS)
    figure, axes = subplots(2, 3, figsize=(14, 7.5), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        plot_sweep_metric(table, metric, swept, ax)
    if len(swept) > 1:
        handles, labels = axes.flat[0].get_legend_handles_labels()
        figure.legend(
            handles,
            labels,
            title=" · ".join(swept[1:]),
            loc="upper left",
            bbox_to_anchor=(1.0, 0.93),
            fontsize=8,
            title_fontsize=8,
            frameon=False,
        )
    what = f"against {swept[0]}" if swept else "by scenario"
    figure.suptitle(f"Sweep of {len(table)} scenarios: each figure of the best plan {what}")
    missing = table[~table["status"].astype(str).isin(SOLVED)]
    if not missing.empty:
        pairs = zip(missing["name"], missing["status"], strict=True)
        listed = ", ".join(f"{name} ({status})" for name, status in pairs)
        figure.text(0.01, 0.005, f"No plan: {listed}", fontsize=8, va="bottom", wrap=True)
    figure.tight_layout(rect=(0, 0.03, 1, 0.97))
    return figure


def _is_grid(table: pd.DataFrame, swept: list[str]) -> bool:
    """True when one or two parameters vary and the rows hold every combination of their values."""
    if not 1 <= len(swept) <= 2:
        return False
    values = table[swept].astype(str)
    combinations = len(values.drop_duplicates())
    return combinations == math.prod(values[c].nunique() for c in swept)


def _positions(column: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """x positions of a parameter's values: the numbers themselves, or the order of first
    appearance (with the labels) when they are not numbers."""
    if column.name not in ("name", "target_kinds", "consortia", "subcontracting"):
        numbers = pd.to_numeric(column, errors="coerce")
        if numbers.notna().all():
            return numbers.to_numpy(float), None
    labels = list(dict.fromkeys(column.astype(str)))
    return np.array([labels.index(v) for v in column.astype(str)], dtype=float), labels


def _groups(table: pd.DataFrame, others: list[str]) -> list[tuple[str, pd.Series]]:
    """(legend label, row mask) per combination of the other swept parameters, in table order."""
    if not others:
        return [("", pd.Series(True, index=table.index))]
    keys = table[others].astype(str).agg(" · ".join, axis=1)
    return [(key, keys == key) for key in dict.fromkeys(keys)]


def _number(value: float, _: Any) -> str:
    """Axis numbers with thousands separators; large ones in thousands."""
    if not math.isfinite(value):
        return ""
    if abs(value) >= 1_000_000:
        return f"{value / 1e6:,.1f}M"
    if abs(value) >= 100_000:
        return f"{value / 1000:,.0f}k"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
