"""Area boundaries read from TopoJSON with no GIS dependency: an input of the case, for maps."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from lotting.errors import InputError

Ring = np.ndarray
"""A closed ring as an (n, 2) array of longitude, latitude; the last point repeats the first."""
Polygon = tuple[Ring, ...]
"""A polygon: its exterior ring, then its holes."""

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

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as a plain dict (a mappingproxy cannot be pickled), e.g. to send to workers."""
        return (_boundaries, (dict(self.areas), self.file, self.name_property))

    def missing(self, names: Iterable[str]) -> list[str]:
        """The given area names that have no boundary, sorted (to warn before drawing)."""
        return sorted({str(n) for n in names} - set(self.areas))

    def select(self, names: Iterable[str]) -> Boundaries:
        """Only the named areas, e.g. to draw a regional contract without the rest of a country."""
        wanted = {str(n) for n in names}
        kept = {a: p for a, p in self.areas.items() if a in wanted}
        return Boundaries(MappingProxyType(kept), self.file, self.name_property)


def _boundaries(areas: dict[str, tuple[Polygon, ...]], file: str, prop: str) -> Boundaries:
    """Boundaries rebuilt from their pickled parts."""
    return Boundaries(MappingProxyType(areas), file, prop)


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
