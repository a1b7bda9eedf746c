"""The trade-off curve: reach and open value against the number of lots."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

from lotting.plot.style import subplots
from lotting.text import money

REACH_COLOUR, OPEN_COLOUR = "#1f77b4", "#d62728"
NET_COLOUR, BEST_COLOUR = "#bbbbbb", "#2ca02c"
POINT_RADIUS = 9.0  # points: half a marker, plus a little air, kept clear of the choice's label
DRAWN_STATUSES = ("optimal", "feasible")
LEFT_OUT = {"infeasible": "infeasible", "no_solution": "no division found in time"}


def plot_frontier(
    df: pd.DataFrame,
    ax: Axes | None = None,
    net_ax: Axes | None = None,
    currency: str = "GBP",
) -> Axes:
    """The trade-off curve: reach (left axis) and open value (right axis) against overhead, and
    under it the net benefit of each k (the objective: what access is worth less the overhead),
    the best k in green, so it stands out even when every point is Pareto-efficient.

    ``df`` has a row per number of lots k (columns k, overhead, reach, open_value, status,
    pareto, chosen). Pareto-efficient points are filled, the others hollow; the row ``split``
    would choose is starred and annotated; rows whose status is not optimal or feasible
    (infeasible, or no solution in time) are left out and their k named in the legend. Each
    reach point is labelled with k; the label of split's choice goes where it covers no point
    and no k label. When every overhead is the same (lot cost 0), k is on x. The net-benefit
    panel is drawn on ``net_ax`` (made under the curve when ``ax`` is None too; skipped when
    ``ax`` is given alone or the table has no objective). Money is shown in ``currency``.
    Returns the main (reach) Axes; the open-value Axes is its twin.

    >>> ax = plot_frontier(frontier(case, Scenario(max_lots=8)))  # doctest: +SKIP
    """
    status = df["status"].astype(str)
    values = df[["overhead", "reach", "open_value"]].apply(pd.to_numeric, errors="coerce")
    drawn = status.isin(DRAWN_STATUSES) & values.notna().all(axis=1)
    shown = df[drawn].sort_values("k")
    left_out = df[~drawn]
    if ax is None:
        figure, (ax, net_ax) = subplots(
            2, 1, figsize=(10, 8.5), sharex=True, gridspec_kw={"height_ratios": (3, 2)}
        )
        figure.subplots_adjust(hspace=0.08)
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
    for k, xi, yi, star in zip(shown["k"], x, shown["reach"].astype(float), chosen, strict=True):
        ax.annotate(
            str(int(k)),
            (xi, yi),
            xytext=(0, 12 if star else 7),  # clear of the star's points
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            color=REACH_COLOUR,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            gid="k",
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
    as_money = FuncFormatter(lambda v, _: money(v, currency))
    right.yaxis.set_major_formatter(as_money)
    if not by_k:
        ax.xaxis.set_major_formatter(as_money)
    ax.margins(x=0.05, y=0.1)  # room for the k labels and the star
    right.margins(y=0.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", colors=REACH_COLOUR)
    right.tick_params(axis="y", colors=OPEN_COLOUR)
    ax.set_zorder(right.get_zorder() + 1)  # labels and legend above the twin's points
    ax.patch.set_visible(False)
    ax.set_title("Trade-off: what each number of lots buys (labels: number of lots)")
    has_net = net_ax is not None and "objective" in shown and shown["objective"].notna().any()
    if net_ax is not None and has_net:
        _net_panel(net_ax, shown, x, by_k, currency)
        ax.set_xlabel("")
        ax.tick_params(axis="x", labelbottom=False)
    elif net_ax is not None:
        net_ax.set_visible(False)
    if chosen.any():
        k = int(shown["k"][chosen].iloc[0])
        xc, yc = float(x[chosen].iloc[0]), float(shown["reach"][chosen].iloc[0])
        note = ax.annotate(
            f"split's choice: {k} lots",
            (xc, yc),
            xytext=(18, -30),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=9,
            arrowprops={"arrowstyle": "->", "color": "black"},
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
            gid="chosen",
        )
        _place_clear(note, ax, right)
    return ax


def _net_panel(ax: Axes, shown: pd.DataFrame, x: pd.Series, by_k: bool, currency: str) -> None:
    """Bars of the net benefit (the objective) per k, the best one green and labelled."""
    net = shown["objective"].astype(float)
    xs = x.to_numpy(dtype=float)
    step = float(pd.Series(xs).sort_values().diff().min()) if len(xs) > 1 else 1.0
    width = 0.6 * (step if math.isfinite(step) and step > 0 else 1.0)
    best = int(net.to_numpy().argmax())
    colours = [BEST_COLOUR if i == best else NET_COLOUR for i in range(len(net))]
    for bar in ax.bar(xs, net.to_numpy(), width=width, color=colours):
        bar.set_gid("net")
    k_best = int(shown["k"].iloc[best])
    ax.annotate(
        f"best: {k_best} lots, {money(float(net.iloc[best]), currency)}",
        (xs[best], float(net.iloc[best])),
        xytext=(0, 4),
        textcoords="offset points",
        ha=_side(xs[best], xs),
        va="bottom",
        fontsize=9,
        color=BEST_COLOUR,
        fontweight="bold",
        gid="best",
    )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.margins(x=0.05, y=0.18)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v, currency)))
    ax.set_ylabel("Net benefit per year\n(access value − overhead)")
    ax.set_xlabel(
        "Number of lots (overhead is zero)" if by_k else "Overhead: lot cost × lots, per year"
    )
    if not by_k:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v, currency)))


def _side(at: float, xs: object) -> str:
    """Text alignment keeping a label at ``at`` inside the span of ``xs``: right, left, center."""
    low, high = float(min(xs)), float(max(xs))  # type: ignore[call-overload]
    third = (high - low) / 3
    return "right" if at > high - third else "left" if at < low + third else "center"


#: Offsets (points) tried for the label of split's choice, nearest first.
OFFSETS = tuple(
    (r * dx, r * dy)
    for r in (30, 45, 60, 80, 100)
    for dx, dy in ((0.7, -1), (-0.7, -1), (0.7, 1), (-0.7, 1), (1.4, 0), (-1.4, 0), (0, -1), (0, 1))
)


def _place_clear(label: Annotation, ax: Axes, right: Axes) -> None:
    """Move the label to the first offset where its box stays in the Axes and covers no point
    (of either series) and no k label; stays on the first offset when none is clear."""
    figure = ax.get_figure(root=True)
    assert figure is not None
    canvas = figure.canvas
    renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else figure._get_renderer()  # type: ignore[attr-defined]
    radius = POINT_RADIUS * figure.dpi / 72
    for axis in figure.axes:  # settle lazy autoscaling (shared x, twins) before measuring
        axis.get_xlim(), axis.get_ylim()
    points = [
        Bbox.from_extents(px - radius, py - radius, px + radius, py + radius)
        for axis in (ax, right)
        for collection in axis.collections
        for px, py in axis.transData.transform(collection.get_offsets())
    ]
    labels = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "k"]
    frame = ax.get_window_extent(renderer)
    for offset in OFFSETS:
        label.xyann = offset
        label.update_positions(renderer)
        box = Text.get_window_extent(label, renderer).expanded(1.1, 1.4)  # the text, not arrow
        inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
        if inside and not any(box.overlaps(other) for other in (*points, *labels)):
            return
    label.xyann = OFFSETS[0]


def _flag(value: object) -> bool:
    """A boolean cell, read as written in a CSV too ("True", "false", 1, 0)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) and not (isinstance(value, float) and math.isnan(value))
