"""What every chart shares: lot colours, the side legend, new Axes and saving a PNG.

pyplot is imported only when a chart must make its own figure, so ``import lotting`` stays light.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.lines import Line2D

from lotting.inputs.boundaries import Boundaries

DPI = 150  # every saved chart: sharp enough to print in a board paper
#: 20 distinct colours, tab20's strong shades first and its light ones after, so that lots
#: numbered next to each other (often neighbours) never get two shades of one hue.
PALETTE = tuple(
    to_hex(matplotlib.colormaps["tab20"](i)) for i in (*range(0, 20, 2), *range(1, 20, 2))
)
HUES = {colour: i % 10 for i, colour in enumerate(PALETTE)}  # a strong and a light shade each


def lot_colours(assignment: pd.DataFrame, boundaries: Boundaries | None = None) -> dict[int, str]:
    """Lot → colour, the same in lots.png and map.png, neighbouring lots always distinct.

    Neighbours are the edges of :func:`lot_graph`: lots sharing an area, on neighbouring rows of
    lots.png, or in touching areas of the map (with ``boundaries``). Up to 20 lots each get a
    colour of their own from :data:`PALETTE`: in lot order, each takes the unused colour least
    like its neighbours' colours so far (so neighbours are not two shades of one hue). Beyond
    20 lots the graph is coloured greedily (networkx, strategy ``largest_first``, lots added in
    number order, so deterministic): neighbours never share a colour, lots far apart may.

    >>> lot_colours(plan.assignment)[1]
    '#1f77b4'
    """
    graph = lot_graph(assignment, boundaries)
    lots = sorted(graph.nodes)
    if len(lots) > len(PALETTE):
        colour = nx.greedy_color(graph, strategy="largest_first")
        return {lot: PALETTE[colour[lot] % len(PALETTE)] for lot in lots}
    chosen: dict[int, str] = {}
    for lot in lots:
        near = [chosen[n] for n in sorted(graph.neighbors(lot)) if n in chosen]
        free = [c for c in PALETTE if c not in chosen.values()]
        chosen[lot] = max(free, key=lambda c: _unlike(c, near))
    return chosen


def _unlike(colour: str, near: list[str]) -> tuple[bool, float]:
    """How well a colour stands out from its neighbours': first whether its hue is new among
    them, then its distance from the nearest."""
    hue = HUES[colour]
    return (
        all(HUES[n] != hue for n in near),
        min((_distance(colour, n) for n in near), default=1e9),
    )


def _distance(a: str, b: str) -> float:
    """How unlike two colours look: the "redmean" weighted RGB distance."""
    (r1, g1, b1), (r2, g2, b2) = (to_rgb(a), to_rgb(b))
    mean = (r1 + r2) / 2
    dr, dg, db = r1 - r2, g1 - g2, b1 - b2
    return ((2 + mean) * dr * dr + 4 * dg * dg + (3 - mean) * db * db) ** 0.5


def lot_graph(assignment: pd.DataFrame, boundaries: Boundaries | None = None) -> nx.Graph:
    """Lots as nodes, an edge between two lots drawn next to each other in some chart.

    Next to each other: units in one area (one row of lots.png), in areas on neighbouring rows
    of lots.png (areas sorted by name), or in areas whose boundaries touch (share a vertex).
    """
    graph = nx.Graph()
    graph.add_nodes_from(sorted(int(lot) for lot in assignment["lot"].unique()))
    lots_in: dict[str, set[int]] = {}
    for area, lot in assignment[["area", "lot"]].itertuples(index=False):
        lots_in.setdefault(str(area), set()).add(int(lot))
    areas = sorted(lots_in)
    pairs = [(a, a) for a in areas] + list(itertools.pairwise(areas))
    if boundaries is not None:
        pairs += touching(boundaries)
    for a, b in pairs:
        for x in sorted(lots_in.get(a, ())):
            for y in sorted(lots_in.get(b, ())):
                if x != y:
                    graph.add_edge(min(x, y), max(x, y))
    return graph


def touching(boundaries: Boundaries) -> list[tuple[str, str]]:
    """Pairs of areas (sorted) whose rings share a vertex, as TopoJSON's shared arcs do.

    Vertices are compared rounded to 6 decimals, in NumPy, once per Boundaries (read-only
    arrays): a Python set of every vertex took over a second per call on Scotland's boundaries,
    and map.png asks seven times.
    """
    return list(_touching(boundaries))


@functools.lru_cache(maxsize=4)
def _touching(boundaries: Boundaries) -> tuple[tuple[str, str], ...]:
    """:func:`touching`, remembered for the last few Boundaries (hashed by identity)."""
    areas = sorted(boundaries)
    points, owners = [], []
    for number, area in enumerate(areas):
        for polygon in boundaries[area]:
            for ring in polygon:
                if len(ring):
                    points.append(np.asarray(ring, dtype=float).round(6) + 0.0)  # no -0.0
                    owners.append(np.full(len(ring), number))
    if not points:
        return ()
    xy, who = np.concatenate(points), np.concatenate(owners)
    order = np.lexsort((who, xy[:, 1], xy[:, 0]))  # by x, then y, then area
    xy, who = xy[order], who[order]
    same_point = np.all(xy[1:] == xy[:-1], axis=1)
    keep = np.concatenate([[True], ~same_point | (who[1:] != who[:-1])])  # each area once a point
    xy, who = xy[keep], who[keep]
    pairs: set[tuple[int, int]] = set()
    for step in range(1, len(who)):
        shared = np.all(xy[step:] == xy[:-step], axis=1)
        if not shared.any():
            break  # points are grouped: no group is longer than this
        pairs.update(zip(who[:-step][shared].tolist(), who[step:][shared].tolist(), strict=True))
    return tuple(sorted((areas[a], areas[b]) for a, b in pairs))


def subplots(*grid: int, **figure: Any) -> Any:
    """``pyplot.subplots``: a new figure and its Axes, through pyplot so notebooks show it."""
    import matplotlib.pyplot as plt

    return plt.subplots(*grid, **figure)


def new_figure(**figure: Any) -> Any:
    """``pyplot.figure``: a new empty figure, through pyplot so notebooks show it."""
    import matplotlib.pyplot as plt

    return plt.figure(**figure)


def new_axes(**figure: Any) -> Axes:
    """A new figure's single Axes."""
    _, ax = subplots(**figure)
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


def save_figure(ax: Axes, path: Path) -> None:
    """Save the Axes' figure as a PNG without a timestamp (same bytes on a re-run), close it."""
    figure = ax.get_figure(root=True)
    assert figure is not None, "an Axes drawn by lotting always has a figure"
    figure.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    close(figure)


def close(figure: Any) -> None:
    """Forget a figure pyplot tracks (a no-op for figures made without pyplot)."""
    import matplotlib.pyplot as plt

    plt.close(figure)


def marker(colour: str, label: str) -> Line2D:
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
