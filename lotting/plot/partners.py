"""The partner graph: who would bid jointly and who subcontracts to whom."""

from __future__ import annotations

import math
import textwrap

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from lotting.inputs.case import Case
from lotting.plot.style import marker, new_axes, side_legend
from lotting.scenario import KINDS

#: A fixed colour and display name per supplier kind, the same in every chart.
KIND_COLOURS = {"user_led": "#e6550d", "vcse": "#31a354", "sme": "#3182bd", "large": "#756bb1"}
KIND_NAMES = {"user_led": "user-led", "vcse": "VCSE", "sme": "SME", "large": "large firm"}
LINK_COLOUR = "#444444"


def plot_partners(case: Case, ax: Axes | None = None) -> Axes:
    """The partner graph: every supplier as a node coloured by kind and labelled by its name.

    Consortium links are solid lines; subcontract links are dashed arrows from prime to
    subcontractor (a pair with both is drawn twice, the arrow slightly curved). Every supplier
    is drawn, linked or not, so the chart shows the whole market: each group of linked
    suppliers is laid out on its own (stress layout started from ``nx.spring_layout(seed=0)``)
    and the groups, then the lone suppliers, are packed in rows, largest first. Nothing depends
    on hash order, so the same case gives the same picture in every run.
    """
    suppliers = case.suppliers
    kind_of = dict(zip(suppliers["supplier"], suppliers["kind"], strict=True))
    name_of = dict(zip(suppliers["supplier"], suppliers["name"], strict=True))
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
        ax = new_axes(figsize=(max(5.0, width * scale) + 3.0, max(4.0, height * scale)))
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
        handles.append(marker(KIND_COLOURS[kind], f"{KIND_NAMES[kind]} ({len(nodes)})"))
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
        labels={s: textwrap.fill(name, 18) for s, name in name_of.items()},
        font_size=6,
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
