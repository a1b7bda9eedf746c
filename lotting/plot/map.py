"""Maps of lots on real area boundaries (see :mod:`lotting.inputs.boundaries` for reading them).

Read boundaries with the contract's area names, so the property naming the areas is found
automatically, then draw one service line, or every line side by side::

    boundaries = read_topojson("boundaries.topojson", names=case.contract["area"])
    ax = plot_map(plan.evaluation, boundaries, service="peer_support")
    figure = map_figure(plan.evaluation, boundaries)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from lotting.inputs.boundaries import Boundaries, Polygon, Ring
from lotting.plot.style import lot_colours, new_axes, side_legend, subplots
from lotting.rules.scoring import Evaluation

NO_UNIT = "#eeeeee"  # areas with no unit of the service shown: paler than tab20's greys
NO_UNIT_BORDER = "#aaaaaa"  # so pale areas still show against the white page
BORDER = "white"
HATCH = "////"  # areas whose units are in several lots
SMALL_AREA = 0.02  # labels are smaller in areas narrower than this share of the map's height


def plot_map(
    evaluation: Evaluation,
    boundaries: Boundaries,
    service: str | None = None,
    ax: Axes | None = None,
    legend: bool = True,
) -> Axes:
    """Fill each area with the colour of its lot for one service line (all lines when None).

    Colours are :func:`lotting.plot.style.lot_colours`, as in lots.png. An area whose units (of that
    service) are in several lots takes the colour of the lot holding most of their value, hatched
    in the colour of the next, and is labelled with every lot, largest first ("3/7"). Areas with
    no unit of the service, or not in the contract, are grey; contract areas with no boundary are
    named under the map. Each area is one patch (a closed subpath per ring) and one label, both
    with the area's name as ``gid``.
    """
    units = evaluation.assignment
    if service is not None and service not in set(units["service"]):
        known = ", ".join(sorted(units["service"].unique()))
        raise ValueError(f"no unit of service '{service}'; the services are {known}")
    shown = units if service is None else units[units["service"] == service]
    lots_of = _lots_by_area(shown)
    colours = lot_colours(len(evaluation.lots))
    if ax is None:
        width, height = _panel_size(boundaries)
        ax = new_axes(figsize=(width + 3.5, height))
    west, east, south, north = _extent(boundaries)
    small = SMALL_AREA * max(north - south, (east - west) * 0.5)
    for area in sorted(boundaries):
        lots = lots_of.get(area, [])
        face = colours[lots[0] - 1] if lots else NO_UNIT
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
                patch.set_hatchcolor(colours[lots[1] - 1])
        ax.add_artist(patch)  # not add_patch: limits are set once below, far faster
        drawable = [polygon for polygon in boundaries[area] if len(polygon[0]) >= 4]
        if lots and drawable:
            x, y, room = _label_spot(max(drawable, key=_polygon_area))
            ax.text(
                x,
                y,
                "/".join(str(lot) for lot in lots),
                ha="center",
                va="center",
                fontsize=8 if room >= small else 6,
                gid=area,
                path_effects=[patheffects.withStroke(linewidth=2, foreground="white")],
            )
    _frame(ax, boundaries)
    missing = boundaries.missing(lots_of)
    if missing:
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
    what = "all service lines" if service is None else service.replace("_", " ")
    ax.set_title(f"Lots for {what}")
    if legend:
        shown_lots = sorted({lot for lots in lots_of.values() for lot in lots})
        handles = _legend_handles(evaluation, colours, shown_lots)
        absent = "in the contract" if service is None else "of " + service.replace("_", " ")
        handles += _key_handles(lots_of, boundaries, f"no unit {absent}")
        side_legend(ax, handles, "Lot · value per year · bidders")
    return ax


def map_figure(evaluation: Evaluation, boundaries: Boundaries) -> Figure:
    """One map per service line side by side, with one legend of every lot; returns the Figure.

    Save it with ``lotting.plot.style.save_figure(figure.axes[0], path)``: any of its Axes saves
    the whole figure.

    >>> figure = map_figure(plan.evaluation, case.boundaries)  # doctest: +SKIP
    """
    services = sorted(evaluation.assignment["service"].unique())
    width, height = _panel_size(boundaries)
    figure, axes = subplots(
        1,
        len(services),
        figsize=(width * len(services) + 2.6, height + 0.6),
        squeeze=False,
        layout="constrained",
    )
    colours = lot_colours(len(evaluation.lots))
    keys: list[Artist] = []
    seen: set[str] = set()
    for ax, service in zip(axes[0], services, strict=True):
        plot_map(evaluation, boundaries, service=service, ax=ax, legend=False)
        shown = evaluation.assignment[evaluation.assignment["service"] == service]
        for handle in _key_handles(_lots_by_area(shown), boundaries, "no unit of this service"):
            if (label := str(handle.get_label())) not in seen:
                seen.add(label)
                keys.append(handle)
    handles = _legend_handles(evaluation, colours, evaluation.lots["lot"].tolist()) + keys
    figure.legend(
        handles=handles,
        title="Lot · value per year · bidders",
        loc="outside right upper",
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    m = evaluation.metrics
    figure.suptitle(
        f"{m['n_lots']} lots · reach {m['reach']} · open value {m['open_value']:,.0f} "
        f"of {m['total_value']:,.0f} per year"
    )
    return figure


def _lots_by_area(units: pd.DataFrame) -> dict[str, list[int]]:
    """Area → its units' lots, by value held there (largest first, then lot number)."""
    held: dict[str, list[tuple[float, int]]] = {}
    for (area, lot), value in units.groupby(["area", "lot"], sort=True)["value"].sum().items():
        held.setdefault(str(area), []).append((-float(value), int(lot)))
    return {area: [lot for _, lot in sorted(pairs)] for area, pairs in held.items()}


def _legend_handles(evaluation: Evaluation, colours: list[str], lots: list[int]) -> list[Artist]:
    """A coloured patch per lot: "lot: value · bidders"."""
    rows = evaluation.lots.set_index("lot")
    return [
        Patch(
            facecolor=colours[lot - 1],
            label=f"{lot}: {rows.at[lot, 'value']:,.0f} · {rows.at[lot, 'bidders']} bidders",
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


def _frame(ax: Axes, boundaries: Boundaries) -> None:
    """Limits with a small margin, aspect 1/cos(mean latitude), no ticks or frame."""
    west, east, south, north = _extent(boundaries)
    pad = 0.02 * max(east - west, north - south, 1e-9)
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(south - pad, north + pad)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
