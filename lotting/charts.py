"""Charts drawn with matplotlib; each draws on a given Axes (or a new one) and returns it."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from lotting.case import Case
from lotting.evaluate import Evaluation
from lotting.scenario import KINDS


def lot_colours(n_lots: int) -> list[str]:
    """A distinct colour per lot, the same for the same lot number in every chart."""
    cmap = plt.get_cmap("tab20" if n_lots > 10 else "tab10")
    return [to_hex(cmap(i % cmap.N)) for i in range(n_lots)]


def plot_lots(evaluation: Evaluation, ax: Axes | None = None) -> Axes:
    """Areas (rows) × service lines (columns), each unit coloured by its lot and labelled with it.

    The legend gives each lot's value, bidders and target holders.

    >>> ax = plot_lots(solve(case, Scenario()).evaluation)  # doctest: +SKIP
    """
    units = evaluation.assignment
    lots = evaluation.lots
    areas = sorted(units["area"].unique(), reverse=True)
    services = sorted(units["service"].unique())
    if ax is None:
        height = max(3.0, 0.32 * len(areas) + 1.5)
        width = 2.0 + 1.3 * len(services) + 5.0
        _, ax = plt.subplots(figsize=(width, height))
    colours = lot_colours(len(lots))
    row = {a: i for i, a in enumerate(areas)}
    col = {s: j for j, s in enumerate(services)}
    for unit in units.itertuples():
        x, y = col[unit.service], row[unit.area]
        colour = colours[unit.lot - 1]
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.5))
        ax.text(x + 0.5, y + 0.5, str(unit.lot), ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(services))
    ax.set_ylim(0, len(areas))
    ax.set_xticks([j + 0.5 for j in range(len(services))], services)
    ax.set_yticks([i + 0.5 for i in range(len(areas))], areas, fontsize=8)
    ax.tick_params(length=0)
    ax.set_xlabel("Service line")
    ax.set_ylabel("Area")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    handles = [
        Patch(
            facecolor=colours[r.lot - 1],
            label=_lot_label(r.lot, r.value, r.bidders, r.target_holders),
        )
        for r in lots.itertuples()
    ]
    side_legend(ax, handles, "Lot · value per year · bidders · target holders")
    m = evaluation.metrics
    ax.set_title(
        f"{m['n_lots']} lots · reach {m['reach']} · open value {m['open_value']:,.0f} "
        f"of {m['total_value']:,.0f} per year"
    )
    return ax


def side_legend(ax: Axes, handles: list, title: str, x: float = 1.02) -> None:
    """A small frameless legend to the right of the Axes, the same in every chart."""
    ax.legend(
        handles=handles,
        title=title,
        loc="upper left",
        bbox_to_anchor=(x, 1.0),
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )


def _lot_label(lot: int, value: float, bidders: int, holders: str) -> str:
    """Legend text of one lot."""
    who = holders.replace(";", ", ") if holders else "none"
    if len(who) > 40:
        who = who[:37] + "..."
    return f"{lot}: {value:,.0f} · {bidders} bidders · {who}"


def save_figure(ax: Axes, path: Path) -> None:
    """Save the Axes' figure as a PNG without a timestamp (same bytes on a re-run), close it."""
    figure = ax.get_figure()
    figure.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)


# --- Partner graph --------------------------------------------------------------------------------

#: A fixed colour and display name per supplier kind, the same in every chart.
KIND_COLOURS = {"user_led": "#e6550d", "vcse": "#31a354", "sme": "#3182bd", "large": "#756bb1"}
KIND_NAMES = {"user_led": "user-led", "vcse": "VCSE", "sme": "SME", "large": "large firm"}
LINK_COLOUR = "#444444"


def plot_partners(case: Case, ax: Axes | None = None) -> Axes:
    """The partner graph: every supplier as a node coloured by kind and labelled by its id.

    Consortium links are solid lines; subcontract links are dashed arrows from prime to
    subcontractor (a pair with both is drawn twice, the arrow slightly curved). Every supplier
    is drawn, linked or not, so the chart shows the whole market: each group of linked
    suppliers is laid out on its own (stress layout started from ``nx.spring_layout(seed=0)``)
    and the groups, then the lone suppliers, are packed in rows, largest first. Nothing depends
    on hash order, so the same case gives the same picture in every run.
    """
    suppliers = case.suppliers
    kind_of = dict(zip(suppliers["supplier"], suppliers["kind"], strict=True))
    partners = case.partners
    consortia = nx.Graph()
    consortia.add_nodes_from(kind_of)
    subcontracts = nx.DiGraph()
    subcontracts.add_nodes_from(kind_of)
    for a, b, relation in partners[["a", "b", "relation"]].itertuples(index=False):
        if a != b:
            (consortia if relation == "consortium" else subcontracts).add_edge(a, b)
    both = nx.Graph(consortia)
    both.add_edges_from(subcontracts.edges)
    n = len(kind_of)
    positions, (width, height) = _packed_layout(both)
    if ax is None:
        scale = min(1.2, 16.0 / max(width, height, 1.0))  # inches per link
        _, ax = plt.subplots(figsize=(max(5.0, width * scale) + 3.0, max(4.0, height * scale)))
    size = 260 if n <= 40 else 120
    handles: list[Line2D] = []
    for kind in KINDS:
        nodes = [s for s, k in kind_of.items() if k == kind]
        if not nodes:
            continue
        drawn = nx.draw_networkx_nodes(
            both,
            positions,
            nodelist=nodes,
            node_color=KIND_COLOURS[kind],
            node_size=size,
            edgecolors="white",
            ax=ax,
        )
        drawn.set_gid(f"kind:{kind}")
        handles.append(_marker(KIND_COLOURS[kind], f"{KIND_NAMES[kind]} ({len(nodes)})"))
    lines = nx.draw_networkx_edges(
        consortia, positions, width=1.6, edge_color=LINK_COLOUR, node_size=size, ax=ax
    )
    lines.set_gid("consortium")
    arrows = nx.draw_networkx_edges(
        subcontracts,
        positions,
        style="dashed",
        width=1.2,
        edge_color=LINK_COLOUR,
        arrows=True,
        arrowstyle="-|>",
        arrowsize=12,
        node_size=size,
        connectionstyle="arc3,rad=0.1",
        ax=ax,
    )
    for arrow in arrows:
        arrow.set_gid("subcontract")
    offset = 0.15
    nx.draw_networkx_labels(
        both,
        {s: (x, y - offset) for s, (x, y) in positions.items()},
        labels={s: s for s in kind_of},
        font_size=7,
        verticalalignment="top",
        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7},
        ax=ax,
    )
    n_consortia, n_subcontracts = consortia.number_of_edges(), subcontracts.number_of_edges()
    handles += [
        Line2D([], [], color=LINK_COLOUR, linewidth=1.6, label=f"consortium ({n_consortia})"),
        Line2D(
            [],
            [],
            color=LINK_COLOUR,
            linewidth=1.2,
            linestyle="--",
            marker=">",
            markevery=[1],
            label=f"subcontract, prime → sub ({n_subcontracts})",
        ),
    ]
    side_legend(ax, handles, "Organisations and links", x=1.01)
    ax.set_title(
        f"Partner graph: {n} organisations, {n_consortia} consortium and "
        f"{n_subcontracts} subcontract links"
    )
    xs, ys = [x for x, _ in positions.values()], [y for _, y in positions.values()]
    if xs:  # room for the labels below the lowest nodes and beside the outer ones
        ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
        ax.set_ylim(min(ys) - 0.6, max(ys) + 0.4)
    ax.set_axis_off()
    return ax


def _packed_layout(graph: nx.Graph) -> tuple[dict, tuple[float, float]]:
    """Positions of every node (one link ≈ one unit) and the layout's width and height.

    Each connected component gets its own stress layout, laid flat along its longest axis; the
    components' boxes are packed in rows, largest first, so small groups and lone suppliers are
    not flung to the rim of one big layout.
    """
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    layouts = [_stress_layout(_ordered(graph, part)) for part in parts]
    boxes = []
    for local in layouts:
        xs, ys = [x for x, _ in local.values()], [y for _, y in local.values()]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    cells = [(x1 - x0 + CELL_MARGIN[0], y1 - y0 + CELL_MARGIN[1]) for x0, x1, y0, y1 in boxes]
    row_width = max([w for w, _ in cells] + [1.2 * math.sqrt(sum(w * h for w, h in cells))])
    positions: dict = {}
    x = top = row_height = 0.0
    for local, (x0, _, _, y1), (width, height) in zip(layouts, boxes, cells, strict=True):
        if x > 0 and x + width > row_width:
            x, top, row_height = 0.0, top - row_height, 0.0
        for node, (px, py) in local.items():
            positions[node] = (x + 0.5 * CELL_MARGIN[0] + px - x0, top - 0.4 + py - y1)
        x += width
        row_height = max(row_height, height)
    return positions, (row_width, row_height - top)


CELL_MARGIN = (1.6, 1.0)  # room around each group of the partner graph, in links


def _ordered(graph: nx.Graph, nodes: set) -> nx.Graph:
    """The subgraph on ``nodes`` with nodes and edges in sorted order.

    A subgraph view would iterate the node set in hash order, which changes between runs.
    """
    sub = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_edges_from(sorted(tuple(sorted(e)) for e in graph.subgraph(nodes).edges))
    return sub


def _stress_layout(graph: nx.Graph, iterations: int = 200) -> dict:
    """Positions of a connected graph whose distances follow its hop distances, longest axis flat.

    Stress majorization (SMACOF, weights 1/d²) from a seeded spring layout: unlike a spring
    layout alone, it keeps tight groups (a consortium triangle) as open as long chains.
    """
    nodes = sorted(graph)
    if len(nodes) <= 2:
        return {node: (float(i), 0.0) for i, node in enumerate(nodes)}
    index = {node: i for i, node in enumerate(nodes)}
    hops = np.ones((len(nodes), len(nodes)))
    for source, lengths in nx.all_pairs_shortest_path_length(graph):
        for target, length in lengths.items():
            hops[index[source], index[target]] = max(length, 1)
    weights = hops**-2.0
    np.fill_diagonal(weights, 0.0)
    inverse = np.linalg.pinv(np.diag(weights.sum(axis=1)) - weights)
    start = nx.spring_layout(graph, seed=0)
    points = np.array([start[node] for node in nodes], dtype=float) * hops.max()
    for _ in range(iterations):
        gaps = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
        ratio = np.where(gaps > 1e-9, weights * hops / np.maximum(gaps, 1e-9), 0.0)
        points = inverse @ (np.diag(ratio.sum(axis=1)) - ratio) @ points
    points -= points.mean(axis=0)
    _, _, axes = np.linalg.svd(points, full_matrices=False)
    points = points @ axes.T  # longest spread along x
    points *= np.where(points[0] > 0, -1.0, 1.0)  # a fixed mirror image: first node left, low
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, points, strict=True)}


def _marker(colour: str, label: str) -> Line2D:
    """A round legend marker of one colour."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=9,
        markerfacecolor=colour,
        markeredgecolor="white",
        label=label,
    )


# --- Trade-off curve ------------------------------------------------------------------------------

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
        _, ax = plt.subplots(figsize=(10, 6))
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
