"""The trade-off curve: reach and open value against the number of lots."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lotting.plot.style import new_axes

REACH_COLOUR, OPEN_COLOUR = "#1f77b4", "#d62728"
DRAWN_STATUSES = ("optimal", "feasible")
LEFT_OUT = {"infeasible": "infeasible", "no_solution": "no division found in time"}


def plot_frontier(df: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The trade-off curve: reach (left axis) and open value (right axis) against overhead.

    ``df`` has a row per number of lots k (columns k, overhead, reach, open_value, status,
    pareto, chosen). Pareto-efficient points are filled, the others hollow; the row ``split``
    would choose is starred and annotated; rows whose status is not optimal or feasible
    (infeasible, or no solution in time) are left out and their k named in the legend. Each
    reach point is labelled with k. When every overhead is the same (lot cost 0), k is on x.
    Returns the main (reach) Axes; the open-value Axes is its twin.

    >>> ax = plot_frontier(frontier(case, Scenario(max_lots=8)))  # doctest: +SKIP
    """
    status = df["status"].astype(str)
    values = df[["overhead", "reach", "open_value"]].apply(pd.to_numeric, errors="coerce")
    drawn = status.isin(DRAWN_STATUSES) & values.notna().all(axis=1)
    shown = df[drawn].sort_values("k")
    left_out = df[~drawn]
    if ax is None:
        ax = new_axes(figsize=(10, 6))
    right = ax.twinx()
    x = shown["overhead"].astype(float)
    by_k = x.nunique() < len(shown)  # e.g. lot_cost 0: every overhead alike
    if by_k:
        x = shown["k"].astype(float)
    pareto = shown["pareto"].map(_flag).astype(bool).to_numpy()
    chosen = shown["chosen"].map(_flag).astype(bool).to_numpy()
    series = (
        (ax, "reach", REACH_COLOUR, "o", "Reach: target suppliers holding a lot"),
        (right, "open_value", OPEN_COLOUR, "s", "Open value per year"),
    )
    handles: list[Line2D] = []
    for axis, column, colour, marker, label in series:
        y = shown[column].astype(float)
        axis.plot(x, y, color=colour, linewidth=1, alpha=0.5, zorder=1)
        filled = axis.scatter(x[pareto], y[pareto], marker=marker, s=50, color=colour, zorder=3)
        filled.set_gid(f"{column}:pareto")
        hollow = axis.scatter(
            x[~pareto],
            y[~pareto],
            marker=marker,
            s=50,
            facecolors="none",
            edgecolors=colour,
            linewidths=1.3,
            zorder=3,
        )
        hollow.set_gid(f"{column}:other")
        star = axis.scatter(
            x[chosen], y[chosen], marker="*", s=320, color=colour, edgecolors="black", zorder=4
        )
        star.set_gid(f"{column}:chosen")
        handles.append(
            Line2D([], [], color=colour, marker=marker, linestyle="-", linewidth=1, label=label)
        )
    for k, xi, yi in zip(shown["k"], x, shown["reach"].astype(float), strict=True):
        ax.annotate(
            str(int(k)),
            (xi, yi),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            color=REACH_COLOUR,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            gid="k",
        )
    if chosen.any():
        k = int(shown["k"][chosen].iloc[0])
        xc, yc = float(x[chosen].iloc[0]), float(shown["reach"][chosen].iloc[0])
        leftwards = len(x) > 1 and xc > (x.min() + x.max()) / 2
        ax.annotate(
            f"split's choice: {k} lots",
            (xc, yc),
            xytext=(-18 if leftwards else 18, -30),
            textcoords="offset points",
            ha="right" if leftwards else "left",
            fontsize=9,
            arrowprops={"arrowstyle": "->", "color": "black"},
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
            gid="chosen",
        )
    handles += [
        Line2D([], [], color="grey", marker="o", linestyle="none", label="Pareto-efficient"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="none",
            markeredgecolor="grey",
            label="not Pareto-efficient",
        ),
        Line2D(
            [],
            [],
            marker="*",
            markersize=13,
            linestyle="none",
            color="grey",
            markeredgecolor="black",
            label="split's choice",
        ),
    ]
    for why, rows in left_out.groupby(left_out["status"].astype(str), sort=True):
        ks = ", ".join(str(int(k)) for k in sorted(rows["k"]))
        what = LEFT_OUT.get(why, why)
        handles.append(Line2D([], [], linestyle="none", label=f"not shown, {what}: k = {ks}"))
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.12, 1.0),
        fontsize=8,
        frameon=False,
    )
    ax.set_xlabel(
        "Number of lots (overhead is zero)" if by_k else "Overhead: lot cost × lots, per year"
    )
    ax.set_ylabel("Reach (target suppliers)", color=REACH_COLOUR)
    right.set_ylabel("Open value per year", color=OPEN_COLOUR)
    money = FuncFormatter(lambda v, _: f"{v:,.0f}")
    right.yaxis.set_major_formatter(money)
    if not by_k:
        ax.xaxis.set_major_formatter(money)
    ax.margins(x=0.05, y=0.1)  # room for the k labels and the star
    right.margins(y=0.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", colors=REACH_COLOUR)
    right.tick_params(axis="y", colors=OPEN_COLOUR)
    ax.set_zorder(right.get_zorder() + 1)  # labels and legend above the twin's points
    ax.patch.set_visible(False)
    ax.set_title("Trade-off: what each number of lots buys (labels: number of lots)")
    return ax


def _flag(value: object) -> bool:
    """A boolean cell, read as written in a CSV too ("True", "false", 1, 0)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) and not (isinstance(value, float) and math.isnan(value))
