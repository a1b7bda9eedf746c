"""Maps of lots on real area boundaries (see :mod:`lotting.inputs.boundaries` for reading them).

Read boundaries with the contract's area names, so the property naming the areas is found
automatically, then draw one service line, or every line side by side::

    boundaries = read_topojson("boundaries.topojson", names=case.contract["area"])
    ax = plot_map(plan.evaluation, boundaries, service="peer_support")
    figure = map_figure(plan.evaluation, boundaries)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation

from lotting.inputs.boundaries import Boundaries, Polygon, Ring
from lotting.plot.lots import title
from lotting.plot.style import lot_colours, new_axes, new_figure, side_legend, touching
from lotting.rules.scoring import Evaluation
from lotting.text import money

NO_UNIT = "#eeeeee"  # areas with no unit of the service shown: paler than tab20's greys
NO_UNIT_BORDER = "#aaaaaa"  # so pale areas still show against the white page
BORDER = "white"
HATCH = "////"  # areas whose units are in several lots
SMALL_AREA = 0.02  # labels are smaller in areas narrower than this share of the map's height
#: The line the boundaries' licence (Open Government Licence / CC BY 4.0, see
#: data/example/LICENCE-boundaries.md) requires on every map drawn from them.
ATTRIBUTION = "Contains OS data © Crown copyright and database right 2014"
ZOOM_AREAS = 4  # a zoom panel when at least this many small areas touch one another
NUDGES = (0, 6, 10, 15, 21, 28, 36, 45)  # label offsets tried, in points, around its spot
Box = tuple[float, float, float, float]  # west, east, south, north


def plot_map(
    evaluation: Evaluation,
    boundaries: Boundaries,
    service: str | None = None,
    ax: Axes | None = None,
    legend: bool = True,
    currency: str = "GBP",
    window: Box | None = None,
    outline: Box | None = None,
    attribution: str | None = ATTRIBUTION,
) -> Axes:
    """Fill each area with the colour of its lot for one service line (all lines when None).

    Colours are :func:`lotting.plot.style.lot_colours`, as in lots.png. An area whose units (of that
    service) are in several lots takes the colour of the lot holding most of their value, hatched
    in the colour of the next, and is labelled with every lot, largest first ("3/7"). Areas with
    no unit of the service, or not in the contract, are grey; contract areas with no boundary are
    named under the map. Each area is one patch (a closed subpath per ring) and one label, both
    with the area's name as ``gid``; labels never overlap (one that cannot stay on its spot is
    moved nearby, with a leader line). ``window`` draws only that box (a zoom panel, see
    :func:`zoom_box`); ``outline`` draws that box and leaves the labels inside it to the zoom
    panel. ``attribution`` (the boundaries' licence line) is written under the map; pass None
    only when the figure carries it elsewhere, as :func:`map_figure` does.
    """
    units = evaluation.assignment
    if service is not None and service not in set(units["service"]):
        known = ", ".join(sorted(units["service"].unique()))
        raise ValueError(f"no unit of service '{service}'; the services are {known}")
    shown = units if service is None else units[units["service"] == service]
    lots_of = _lots_by_area(shown)
    colours = lot_colours(units, boundaries)
    if ax is None:
        width, height = _panel_size(boundaries)
        ax = new_axes(figsize=(width + 3.5, height))
    west, east, south, north = _extent(boundaries)
    small = SMALL_AREA * max(north - south, (east - west) * 0.5)
    labels: list[tuple[float, Annotation]] = []
    for area in sorted(boundaries):
        lots = lots_of.get(area, [])
        face = colours[lots[0]] if lots else NO_UNIT
        patch = PathPatch(
            _path(boundaries[area]),
            facecolor=face,
            edgecolor=BORDER if lots else NO_UNIT_BORDER,
            linewidth=0.4,
            gid=area,
        )
        if len(lots) > 1:
            patch.set_hatch(HATCH)
            if hasattr(patch, "set_hatchcolor"):  # matplotlib >= 3.10; else the default
                patch.set_hatchcolor(colours[lots[1]])
        ax.add_artist(patch)  # not add_patch: limits are set once below, far faster
        drawable = [polygon for polygon in boundaries[area] if len(polygon[0]) >= 4]
        if lots and drawable:
            x, y, room = _label_spot(max(drawable, key=_polygon_area))
            if window is not None and not _inside((x, y), window):
                continue
            if outline is not None and _inside((x, y), outline):
                continue
            text = ax.annotate(
                "/".join(str(lot) for lot in lots),
                (x, y),
                xytext=(0, 0),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=8 if room >= small or window is not None else 6,
                gid=area,
                path_effects=[patheffects.withStroke(linewidth=2, foreground="white")],
                annotation_clip=False,
            )
            labels.append((room, text))
    _frame(ax, boundaries, window)
    if outline is not None:
        w, e, s, n = outline
        ax.add_patch(
            Rectangle(
                (w, s), e - w, n - s, fill=False, edgecolor="#333333", linewidth=0.8, gid="zoom"
            )
        )
    missing = boundaries.missing(lots_of)
    if missing and window is None:
        ax.text(
            0.5,
            -0.01,
            "Not on the map (no boundary): " + ", ".join(missing),
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=7,
            wrap=True,
        )
    if attribution:
        ax.text(
            0.0,
            -0.035 if missing and window is None else -0.01,
            attribution,
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=6,
            color="#555555",
            gid="attribution",
        )
    what = "all service lines" if service is None else service.replace("_", " ")
    ax.set_title(f"Lots for {what}" if window is None else f"{what.capitalize()}: zoom on the box")
    if legend:
        shown_lots = sorted({lot for lots in lots_of.values() for lot in lots})
        handles = _legend_handles(evaluation, colours, shown_lots, currency)
        absent = "in the contract" if service is None else "of " + service.replace("_", " ")
        handles += _key_handles(lots_of, boundaries, f"no unit {absent}")
        side_legend(ax, handles, "Lot · value per year · bidders")
    place_labels(ax, [text for _, text in sorted(labels, key=lambda pair: pair[0])])
    return ax


def map_figure(
    evaluation: Evaluation,
    boundaries: Boundaries,
    currency: str = "GBP",
    attribution: str = ATTRIBUTION,
) -> Figure:
    """One map per service line side by side, a zoom panel under each when small areas crowd
    together (:func:`zoom_box`), one legend of every lot to the right and the ``attribution``
    under it all; returns the Figure.

    Save it with ``lotting.plot.style.save_figure(figure.axes[0], path)``: any of its Axes saves
    the whole figure. The layout is fixed (no layout engine), so label placement measured while
    drawing holds in the saved file.

    >>> figure = map_figure(plan.evaluation, case.boundaries)  # doctest: +SKIP
    """
    services = sorted(evaluation.assignment["service"].unique())
    width, height = _panel_size(boundaries)
    box = zoom_box(boundaries)
    zoom_height = 0.0
    if box is not None:
        w, e, s, n = box
        shrink = math.cos(math.radians((s + n) / 2))
        zoom_height = min(width * (n - s) / max((e - w) * shrink, 1e-9), height)
    gap, top, bottom, legend_width = 0.3, 0.7, 0.5, 3.2
    fig_w = len(services) * width + (len(services) - 1) * gap + legend_width
    fig_h = top + height + (gap + zoom_height if box else 0.0) + bottom
    figure = new_figure(figsize=(fig_w, fig_h))
    colours = lot_colours(evaluation.assignment, boundaries)
    keys: list[Artist] = []
    seen: set[str] = set()
    for i, service in enumerate(services):
        left = i * (width + gap) / fig_w
        main = figure.add_axes(
            (left, (fig_h - top - height) / fig_h, width / fig_w, height / fig_h)
        )
        draw = functools.partial(
            plot_map, evaluation, boundaries, service=service, legend=False, currency=currency
        )
        draw(ax=main, outline=box, attribution=None)
        if box is not None:
            zoom = figure.add_axes((left, bottom / fig_h, width / fig_w, zoom_height / fig_h))
            draw(ax=zoom, window=box, attribution=None)
        shown = evaluation.assignment[evaluation.assignment["service"] == service]
        for handle in _key_handles(_lots_by_area(shown), boundaries, "no unit of this service"):
            if (label := str(handle.get_label())) not in seen:
                seen.add(label)
                keys.append(handle)
    lots = [int(lot) for lot in evaluation.lots["lot"]]
    handles = _legend_handles(evaluation, colours, lots, currency) + keys
    figure.legend(
        handles=handles,
        title="Lot · value per year · bidders",
        loc="upper left",
        bbox_to_anchor=((fig_w - legend_width + 0.2) / fig_w, (fig_h - top) / fig_h),
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    figure.text(0.0, 0.2 / fig_h, attribution, fontsize=7, color="#555555", gid="attribution")
    figure.suptitle(title(evaluation, currency), y=(fig_h - 0.15) / fig_h, va="top")
    return figure


def zoom_box(boundaries: Boundaries) -> Box | None:
    """The box around the largest group of touching small areas, when it has ZOOM_AREAS or more
    (Scotland's central belt), else None; padded a little, so its edges show context."""
    west, east, south, north = _extent(boundaries)
    small = SMALL_AREA * max(north - south, (east - west) * 0.5) * 2
    crowded = []
    for area in sorted(boundaries):
        drawable = [polygon for polygon in boundaries[area] if len(polygon[0]) >= 4]
        if drawable and _label_spot(max(drawable, key=_polygon_area))[2] < small:
            crowded.append(area)
    graph = nx.Graph()
    graph.add_nodes_from(crowded)
    graph.add_edges_from((a, b) for a, b in touching(boundaries) if a in graph and b in graph)
    groups = sorted(nx.connected_components(graph), key=lambda g: (-len(g), sorted(g)))
    if not groups or len(groups[0]) < ZOOM_AREAS:
        return None
    w, e, s, n = _extent(boundaries.select(groups[0]))
    pad = 0.08 * max(e - w, n - s)
    return w - pad, e + pad, s - pad, n + pad


def place_labels(ax: Axes, labels: list[Annotation]) -> None:
    """Move labels, in the order given, off the ones already placed: each stays on its spot if
    it can, else takes the nearest free offset (NUDGES, eight directions) inside the Axes, with
    a leader line to its spot. Measured with the figure's renderer, after the Axes' aspect."""
    if not labels:
        return
    figure = ax.get_figure(root=True)
    assert figure is not None
    canvas = figure.canvas
    renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else figure._get_renderer()  # type: ignore[attr-defined]
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    placed: list = []
    directions = [(math.cos(a), math.sin(a)) for a in np.radians(np.arange(0, 360, 45))]
    for label in labels:
        best = None
        for r in NUDGES:
            for dx, dy in directions if r else [(0.0, 0.0)]:
                label.xyann = (r * dx, r * dy)
                box = label.get_window_extent(renderer).expanded(1.08, 1.15)
                inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
                if inside and not any(box.overlaps(other) for other in placed):
                    best = box
                    break
            if best is not None:
                break
        if best is None:  # nowhere free: keep the farthest try rather than hide a lot
            best = label.get_window_extent(renderer).expanded(1.08, 1.15)
        if label.xyann != (0, 0):
            ax.annotate(
                "",
                label.xy,
                xytext=label.xyann,
                textcoords="offset points",
                arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.5, "shrinkB": 0},
                zorder=label.get_zorder() - 0.1,
                gid="leader",
            )
        placed.append(best)


def _inside(point: tuple[float, float], box: Box) -> bool:
    """Whether a lon/lat point is in a box."""
    w, e, s, n = box
    return w <= point[0] <= e and s <= point[1] <= n


def _lots_by_area(units: pd.DataFrame) -> dict[str, list[int]]:
    """Area → its units' lots, by value held there (largest first, then lot number)."""
    held: dict[str, list[tuple[float, int]]] = {}
    for (area, lot), value in units.groupby(["area", "lot"], sort=True)["value"].sum().items():
        held.setdefault(str(area), []).append((-float(value), int(lot)))
    return {area: [lot for _, lot in sorted(pairs)] for area, pairs in held.items()}


def _legend_handles(
    evaluation: Evaluation, colours: Mapping[int, str], lots: list[int], currency: str
) -> list[Artist]:
    """A coloured patch per lot: "lot: value · bidders"."""
    rows = evaluation.lots.set_index("lot")
    return [
        Patch(
            facecolor=colours[lot],
            label=f"{lot}: {money(rows.at[lot, 'value'], currency)} · "
            f"{rows.at[lot, 'bidders']} bidders",
        )
        for lot in lots
    ]


def _key_handles(
    lots_of: dict[str, list[int]], boundaries: Boundaries, absent: str
) -> list[Artist]:
    """Legend keys for hatched (several lots) and grey (``absent``) areas, when there are any."""
    out: list[Artist] = []
    if any(len(lots) > 1 for lots in lots_of.values()):
        out.append(
            Patch(facecolor="white", edgecolor="black", hatch=HATCH, label="units in several lots")
        )
    if any(area not in lots_of for area in boundaries):
        out.append(Patch(facecolor=NO_UNIT, edgecolor=NO_UNIT_BORDER, label=absent))
    return out


def _path(polygons: tuple[Polygon, ...]) -> MplPath:
    """One compound path of an area's polygons: a closed subpath per ring, exteriors
    anticlockwise and holes clockwise (so holes stay empty under the non-zero fill rule)."""
    vertices, codes = [], []
    for polygon in polygons:
        for position, ring in enumerate(polygon):
            if len(ring) < 3:
                continue
            clockwise = _signed_area(ring) < 0
            if clockwise != (position > 0):
                ring = ring[::-1]
            code = np.full(len(ring) + 1, MplPath.LINETO, dtype=MplPath.code_type)
            code[0], code[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            vertices.extend([ring, ring[:1]])
            codes.append(code)
    if not vertices:
        return MplPath(np.empty((0, 2)))
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _signed_area(ring: Ring) -> float:
    """Shoelace area of a ring in degrees², positive when anticlockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _polygon_area(polygon: Polygon) -> float:
    """Area of a polygon (exterior less holes) in degrees², used to find an area's largest part."""
    if not polygon or len(polygon[0]) < 3:
        return 0.0
    return abs(_signed_area(polygon[0])) - sum(abs(_signed_area(h)) for h in polygon[1:] if len(h))


def label_point(polygon: Polygon) -> tuple[float, float]:
    """A point inside the polygon, well away from its edges, where its label can go."""
    x, y, _ = _label_spot(polygon)
    return x, y


def _label_spot(polygon: Polygon, lines: int = 24) -> tuple[float, float, float]:
    """A label point and the room around it (degrees of latitude).

    Scans ``lines`` horizontal lines; on each takes the middle of the widest inside stretch, then
    the middle of the vertical inside stretch through it; keeps the point whose two stretches
    have the largest shorter side (width scaled by the cosine of latitude), which is the room.
    """
    exterior = polygon[0]
    if len(exterior) < 4:
        return float(exterior[:, 0].mean()), float(exterior[:, 1].mean()), 0.0
    low, high = float(exterior[:, 1].min()), float(exterior[:, 1].max())
    shrink = math.cos(math.radians((low + high) / 2))
    best = (-1.0, float(exterior[:, 0].mean()), float(exterior[:, 1].mean()))
    for j in range(lines):
        y = low + (high - low) * (j + 0.5) / lines
        stretch = _widest(_crossings(polygon, y, axis=1))
        if stretch is None:
            continue
        x = (stretch[0] + stretch[1]) / 2
        column = _containing(_crossings(polygon, x, axis=0), y)
        if column is None:
            continue
        room = min((stretch[1] - stretch[0]) * shrink, column[1] - column[0])
        if room > best[0]:
            best = (room, x, (column[0] + column[1]) / 2)
    return best[1], best[2], max(best[0], 0.0)


def _crossings(polygon: Polygon, at: float, axis: int) -> np.ndarray:
    """Sorted positions where the rings cross the line ``coordinate[axis] == at``."""
    other = 1 - axis
    found = []
    for ring in polygon:
        a, b = ring[:-1], ring[1:]
        hit = (a[:, axis] <= at) != (b[:, axis] <= at)
        if hit.any():
            a, b = a[hit], b[hit]
            t = (at - a[:, axis]) / (b[:, axis] - a[:, axis])
            found.append(a[:, other] + t * (b[:, other] - a[:, other]))
    return np.sort(np.concatenate(found)) if found else np.empty(0)


def _widest(crossings: np.ndarray) -> tuple[float, float] | None:
    """The widest inside stretch (between crossings 0-1, 2-3, ...), or None."""
    pairs = crossings[: len(crossings) // 2 * 2].reshape(-1, 2)
    if not len(pairs):
        return None
    i = int(np.argmax(pairs[:, 1] - pairs[:, 0]))
    return float(pairs[i, 0]), float(pairs[i, 1])


def _containing(crossings: np.ndarray, at: float) -> tuple[float, float] | None:
    """The inside stretch that contains ``at``, or None."""
    for start, end in crossings[: len(crossings) // 2 * 2].reshape(-1, 2):
        if start <= at <= end:
            return float(start), float(end)
    return None


def _extent(boundaries: Boundaries) -> tuple[float, float, float, float]:
    """West, east, south and north limits of every ring."""
    rings = [r for polygons in boundaries.values() for p in polygons for r in p if len(r)]
    if not rings:
        return -1.0, 1.0, -1.0, 1.0
    points = np.concatenate(rings)
    west, south = points.min(axis=0)
    east, north = points.max(axis=0)
    return float(west), float(east), float(south), float(north)


def _panel_size(boundaries: Boundaries, height: float = 8.0) -> tuple[float, float]:
    """Width and height in inches of one map panel, keeping the map's shape."""
    west, east, south, north = _extent(boundaries)
    shrink = math.cos(math.radians((south + north) / 2))
    ratio = (east - west) * shrink / max(north - south, 1e-9)
    return max(2.5, min(height * ratio, 12.0)), height


def _frame(ax: Axes, boundaries: Boundaries, window: Box | None = None) -> None:
    """Limits (the window, else every area with a small margin), aspect 1/cos(mean latitude),
    no ticks; a thin frame round a window only."""
    west, east, south, north = window or _extent(boundaries)
    pad = 0.0 if window else 0.02 * max(east - west, north - south, 1e-9)
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(south - pad, north + pad)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(window is not None)
        ax.spines[side].set_linewidth(0.8)
