"""Maps of lots on real area boundaries, read from TopoJSON with no GIS dependency.

Read boundaries with the contract's area names, so the property naming the areas is found
automatically, then draw one service line, or every line side by side::

    boundaries = read_topojson("boundaries.topojson", names=case.contract["area"])
    ax = plot_map(plan.evaluation, boundaries, service="peer_support")
    figure = map_figure(plan.evaluation, boundaries)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from lotting.charts import lot_colours, side_legend
from lotting.errors import InputError
from lotting.evaluate import Evaluation

Ring = np.ndarray
"""A closed ring as an (n, 2) array of longitude, latitude; the last point repeats the first."""
Polygon = tuple[Ring, ...]
"""A polygon: its exterior ring, then its holes."""

NO_UNIT = "#eeeeee"  # areas with no unit of the service shown: paler than tab20's greys
NO_UNIT_BORDER = "#aaaaaa"  # so pale areas still show against the white page
BORDER = "white"
HATCH = "////"  # areas whose units are in several lots
SMALL_AREA = 0.02  # labels are smaller in areas narrower than this share of the map's height
AREA_PROPERTY = "area"  # the property read when neither names nor name_property is given


@dataclass(frozen=True, eq=False)
class Boundaries(Mapping[str, tuple[Polygon, ...]]):
    """Area name → its polygons, each a tuple of rings (exterior first) of lon/lat arrays.

    ``file`` is where they were read from and ``name_property`` the TopoJSON property that
    names the areas. Arrays are read-only; geometries sharing a name are merged into one area.
    """

    areas: Mapping[str, tuple[Polygon, ...]]
    file: str = ""
    name_property: str = ""

    # Identity, not Mapping's value comparison (which cannot compare arrays).
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __getitem__(self, area: str) -> tuple[Polygon, ...]:
        return self.areas[area]

    def __iter__(self) -> Iterator[str]:
        return iter(self.areas)

    def __len__(self) -> int:
        return len(self.areas)

    def missing(self, names: Iterable[str]) -> list[str]:
        """The given area names that have no boundary, sorted (to warn before drawing)."""
        return sorted({str(n) for n in names} - set(self.areas))

    def select(self, names: Iterable[str]) -> Boundaries:
        """Only the named areas, e.g. to draw a regional contract without the rest of a country."""
        wanted = {str(n) for n in names}
        kept = {a: p for a, p in self.areas.items() if a in wanted}
        return Boundaries(MappingProxyType(kept), self.file, self.name_property)


def read_topojson(
    path: str | Path,
    names: Iterable[str] | None = None,
    name_property: str | None = None,
) -> Boundaries:
    """Decode the Polygon and MultiPolygon geometries of a TopoJSON file into area boundaries.

    The areas are named by ``name_property``. When it is not given and ``names`` (the contract's
    area names) are, it is the text property whose values match most of the names (ties go to the
    one with fewer unmatched values, then to ``area``, then alphabetically); with neither, it is
    ``area``. Names are compared after trimming spaces; shapes without a name are left out.
    Quantized (delta-encoded) arcs, reversed arcs (``~i``) and every object of the topology are
    handled; other geometry types are ignored. Raises InputError naming the file when it is
    missing, not JSON, has no objects or no areas, or when no property matches the names.
    """
    file = str(path)
    topology = _load_json(Path(path))
    objects = topology.get("objects") if isinstance(topology, dict) else None
    if not isinstance(objects, dict) or not objects:
        raise InputError("has no TopoJSON objects; expected a Topology with 'objects'.", file=file)
    try:
        arcs = _decode_arcs(topology.get("arcs", []), topology.get("transform"))
        shapes = [s for obj in objects.values() for s in _areal(obj)]
    except (TypeError, ValueError, KeyError, AttributeError) as err:
        raise InputError(f"is not valid TopoJSON ({err}).", file=file) from None
    if not shapes:
        raise InputError("has no Polygon or MultiPolygon geometries.", file=file)
    wanted = None if names is None else {str(n).strip() for n in names}
    prop = name_property or _name_property(shapes, wanted, file)
    found: dict[str, list[Polygon]] = {}
    try:
        for properties, kind, arc_lists in shapes:
            value = properties.get(prop)
            if not isinstance(value, str) or not value.strip():
                continue
            polygons = [arc_lists] if kind == "Polygon" else arc_lists
            found.setdefault(value.strip(), []).extend(_polygon(p, arcs) for p in polygons if p)
    except (TypeError, ValueError, IndexError) as err:
        raise InputError(f"has a geometry with bad arcs ({err}).", file=file) from None
    if not found:
        raise InputError(f"no geometry has a text property '{prop}'.", file=file)
    areas = {a: tuple(found[a]) for a in sorted(found)}
    return Boundaries(MappingProxyType(areas), file, prop)


def _load_json(path: Path) -> Any:
    """The parsed JSON of a file, or InputError naming it."""
    file = str(path)
    if not path.exists():
        raise InputError("file does not exist.", file=file)
    if path.is_dir():
        raise InputError("is a folder, expected a TopoJSON file.", file=file)
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text; expected a TopoJSON file.", file=file) from None
    except json.JSONDecodeError as err:
        raise InputError(f"is not JSON ({err.msg}).", file=file, row=err.lineno) from None


def _decode_arcs(raw: list, transform: dict | None) -> list[np.ndarray]:
    """Arcs as (n, 2) coordinate arrays, undoing quantization and delta encoding if present."""
    if transform is not None:
        scale = np.asarray(transform["scale"], dtype=float)
        translate = np.asarray(transform["translate"], dtype=float)
    arcs = []
    for arc in raw:
        points = np.asarray([p[:2] for p in arc], dtype=float).reshape(-1, 2)
        if transform is not None:
            points = np.cumsum(points, axis=0) * scale + translate
        arcs.append(points)
    return arcs


def _areal(geometry: dict) -> Iterator[tuple[dict, str, list]]:
    """(properties, type, arcs) of each Polygon and MultiPolygon, inside collections too."""
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        for child in geometry.get("geometries", []):
            yield from _areal(child)
    elif kind in ("Polygon", "MultiPolygon"):
        yield geometry.get("properties") or {}, kind, geometry["arcs"]


def _name_property(shapes: list[tuple[dict, str, list]], names: set[str] | None, file: str) -> str:
    """The text property naming the areas: the best match to ``names``, else ``area``."""
    values: dict[str, set[str]] = {}
    for properties, _, _ in shapes:
        for key, value in properties.items():
            if isinstance(value, str) and value.strip():
                values.setdefault(key, set()).add(value.strip())
    if names is None:
        if AREA_PROPERTY in values:
            return AREA_PROPERTY
        raise InputError(
            f"no '{AREA_PROPERTY}' property says which area each shape is; pass the contract's "
            f"area names or the property to use (it has: {', '.join(sorted(values)) or 'none'}).",
            file=file,
        )
    rank = {k: (-len(v & names), len(v - names), k != AREA_PROPERTY, k) for k, v in values.items()}
    best = min(rank, key=rank.__getitem__, default=None)
    if best is None or rank[best][0] == 0:
        example = ", ".join(f"'{n}'" for n in sorted(names)[:3])
        raise InputError(
            f"no property of its shapes matches the contract's area names (e.g. {example}); "
            f"properties: {', '.join(sorted(values)) or 'none'}.",
            file=file,
        )
    return best


def _polygon(rings: list[list[int]], arcs: list[np.ndarray]) -> Polygon:
    """Stitch each ring from its arcs (index ~i is arc i reversed), dropping repeated joints."""
    out = []
    for indices in rings:
        parts = []
        for position, index in enumerate(indices):
            index = int(index)
            arc = arcs[~index][::-1] if index < 0 else arcs[index]
            parts.append(arc if position == 0 else arc[1:])
        ring = np.concatenate(parts) if parts else np.empty((0, 2))
        ring.setflags(write=False)
        out.append(ring)
    return tuple(out)


# --- Drawing ----------------------------------------------------------------------------------


def plot_map(
    evaluation: Evaluation,
    boundaries: Boundaries,
    service: str | None = None,
    ax: Axes | None = None,
    legend: bool = True,
) -> Axes:
    """Fill each area with the colour of its lot for one service line (all lines when None).

    Colours are :func:`lotting.charts.lot_colours`, as in lots.png. An area whose units (of that
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
        _, ax = plt.subplots(figsize=(width + 3.5, height))
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

    Save it with ``lotting.charts.save_figure(figure.axes[0], path)``: any of its Axes saves
    the whole figure.

    >>> figure = map_figure(plan.evaluation, case.boundaries)  # doctest: +SKIP
    """
    services = sorted(evaluation.assignment["service"].unique())
    width, height = _panel_size(boundaries)
    figure, axes = plt.subplots(
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
            if handle.get_label() not in seen:
                seen.add(handle.get_label())
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
