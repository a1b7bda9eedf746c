"""Maps: the TopoJSON decoder on a hand-written topology, and the map through its Axes."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from cases import make_case
from lotting import InputError, Scenario, load_case
from lotting.inputs.boundaries import Boundaries, read_topojson
from lotting.inputs.division import read_assignment
from lotting.plot.map import ATTRIBUTION, NO_UNIT, label_point, map_figure, plot_map, zoom_box
from lotting.plot.style import PALETTE, lot_colours, save_figure, touching
from lotting.rules.scoring import evaluate_division, evaluate_lots

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"

# Quantized grid: x = 10 + 0.5 q, y = 50 + 0.25 q. Squares A (q 0..2) and B (q 2..4) share arc 0
# (the edge q_x = 2), which B uses reversed (~0 = -1). C is a MultiPolygon: a square with a
# square hole, and a triangle. Arcs are delta-encoded.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 50]},
    "arcs": [
        [[2, 0], [0, 2]],  # 0: (2,0) → (2,2)
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # 1: (2,2) → (0,2) → (0,0) → (2,0)
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # 2: (2,0) → (4,0) → (4,2) → (2,2)
        [[6, 0], [0, 4], [4, 0], [0, -4], [-4, 0]],  # 3: C's outer square, q 6..10, clockwise
        [[7, 1], [0, 2], [2, 0], [0, -2], [-2, 0]],  # 4: C's hole, q 7..9
        [[12, 0], [1, 0], [0, 1], [-1, -1]],  # 5: C's triangle
    ],
    "objects": {
        "areas": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "properties": {"NAME": "A", "code": "X1"}, "arcs": [[1, 0]]},
                {"type": "Polygon", "properties": {"NAME": "B", "code": "X2"}, "arcs": [[2, -1]]},
                {
                    "type": "MultiPolygon",
                    "properties": {"NAME": " C ", "code": "X3"},
                    "arcs": [[[3], [4]], [[5]]],
                },
                {"type": "Point", "properties": {"NAME": "D"}, "coordinates": [1, 1]},
                {"type": None, "properties": {"NAME": "E"}},
            ],
        }
    },
}


def grid(*points: tuple[float, float]) -> np.ndarray:
    """Real coordinates of quantized grid points."""
    return np.array([(10 + 0.5 * x, 50 + 0.25 * y) for x, y in points])


@pytest.fixture
def topojson(tmp_path: Path) -> Path:
    path = tmp_path / "areas.topojson"
    path.write_text(json.dumps(TOPOLOGY))
    return path


def test_decodes_quantized_shared_and_reversed_arcs_exactly(topojson):
    b = read_topojson(topojson, names=["A", "B", "C"])
    assert isinstance(b, Boundaries) and b.name_property == "NAME" and b.file == str(topojson)
    assert list(b) == ["A", "B", "C"]  # the Point and the null geometry are ignored
    (a,) = b["A"]
    np.testing.assert_array_equal(a[0], grid((2, 2), (0, 2), (0, 0), (2, 0), (2, 2)))
    (square,) = b["B"]
    np.testing.assert_array_equal(square[0], grid((2, 0), (4, 0), (4, 2), (2, 2), (2, 0)))
    outer, triangle = b["C"]
    np.testing.assert_array_equal(outer[0], grid((6, 0), (6, 4), (10, 4), (10, 0), (6, 0)))
    np.testing.assert_array_equal(outer[1], grid((7, 1), (7, 3), (9, 3), (9, 1), (7, 1)))
    np.testing.assert_array_equal(triangle[0], grid((12, 0), (13, 0), (13, 1), (12, 0)))
    assert not a[0].flags.writeable


def test_decodes_absolute_arcs_without_transform(tmp_path):
    topology = {
        "type": "Topology",
        "arcs": [[[0.5, 1.5], [2.5, 1.5], [2.5, 3.0], [0.5, 1.5]]],
        "objects": {"one": {"type": "Polygon", "properties": {"area": "T"}, "arcs": [[0]]}},
    }
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(topology))
    b = read_topojson(path)  # no names: the 'area' property
    np.testing.assert_array_equal(b["T"][0][0], [[0.5, 1.5], [2.5, 1.5], [2.5, 3.0], [0.5, 1.5]])


def test_name_property_is_the_one_matching_the_names(topojson):
    assert read_topojson(topojson, names=["X1", "X2", "Z"]).name_property == "code"
    assert set(read_topojson(topojson, name_property="code")) == {"X1", "X2", "X3"}
    with pytest.raises(InputError, match="'area' property"):
        read_topojson(topojson)


def test_area_property_wins_a_tie(tmp_path):
    topology = json.loads(json.dumps(TOPOLOGY))
    for geometry in topology["objects"]["areas"]["geometries"]:
        geometry["properties"]["area"] = geometry["properties"]["NAME"]
    path = tmp_path / "tied.topojson"
    path.write_text(json.dumps(topology))
    assert read_topojson(path, names=["A", "B", "C"]).name_property == "area"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "does not exist"),
        ("{not json", "is not JSON"),
        ('{"type": "Topology", "objects": {}}', "no TopoJSON objects"),
        ('{"type": "Topology", "arcs": [], "objects": {"o": {"type": "Point"}}}', "no Polygon"),
        (json.dumps({**TOPOLOGY, "arcs": []}), "bad arcs"),
    ],
)
def test_bad_files_raise_input_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.topojson"
    if text is not None:
        path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        read_topojson(path, names=["A"])
    assert caught.value.file == str(path)


def test_no_property_matching_the_areas_is_an_input_error(topojson):
    with pytest.raises(InputError, match="matches the contract's area names") as caught:
        read_topojson(topojson, names=["Fife", "Moray"])
    assert caught.value.file == str(topojson)


def test_shipped_boundaries_are_exactly_the_contract_areas():
    areas = set(pd.read_csv(EXAMPLE / "contract.csv")["area"])
    b = read_topojson(EXAMPLE / "boundaries.topojson", names=areas)
    assert b.name_property == "area"
    assert set(b) == areas and len(b) == 32
    assert b.missing(areas) == []


def test_label_point_is_inside_a_concave_polygon():
    u_shape = np.array([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3), (0, 0)])
    x, y = label_point((u_shape.astype(float),))
    assert MplPath(u_shape).contains_point((x, y))
    assert not (1 < x < 2 and y > 1)  # not in the notch


# --- The map ----------------------------------------------------------------------------------


@pytest.fixture
def evaluation(tmp_path):
    """jobs in A, B (two units, lots 2 and 3) and C; care in A and B only."""
    case = make_case(
        tmp_path / "case",
        [
            ("U0", "jobs", "A", 100),
            ("U1", "care", "A", 100),
            ("U2", "jobs", "B", 300),
            ("U3", "jobs", "B", 100),
            ("U4", "care", "B", 100),
            ("U5", "jobs", "C", 100),
        ],
        [("L1", "large", 10_000, "*", "*"), ("L2", "large", 10_000, "*", "*")],
    )
    return evaluate_lots(case, Scenario(), [[0, 1], [2, 4], [3, 5]])


@pytest.fixture
def boundaries(topojson):
    return read_topojson(topojson, names=["A", "B", "C"])


def shoelace(ring: np.ndarray) -> float:
    """Signed area, positive when anticlockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def area_patches(ax, area: str) -> list[PathPatch]:
    return [p for p in ax.patches if p.get_gid() == area]


def test_map_colours_each_area_by_its_lot_and_greys_absent_service(evaluation, boundaries):
    ax = plot_map(evaluation, boundaries, service="care")
    colours = lot_colours(evaluation.assignment, boundaries)
    for area, face in (("A", colours[1]), ("B", colours[2]), ("C", NO_UNIT)):
        (patch,) = area_patches(ax, area)
        rings = sum(len(polygon) for polygon in boundaries[area])
        assert list(patch.get_path().codes).count(MplPath.MOVETO) == rings
        assert to_hex(patch.get_facecolor()) == face
        assert not patch.get_hatch()
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() != "attribution") == ["1", "2"]
    assert ax.get_title() == "Lots for care"
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["1: GBP 200 · 2 bidders", "2: GBP 400 · 2 bidders", "no unit of care"]
    plt.close(ax.figure)


def test_area_in_several_lots_takes_the_largest_and_is_hatched(evaluation, boundaries):
    ax = plot_map(evaluation, boundaries, service="jobs")
    colours = lot_colours(evaluation.assignment, boundaries)
    (b,) = area_patches(ax, "B")
    assert to_hex(b.get_facecolor()) == colours[2]  # lot 2 holds 300 of B's 400
    assert b.get_hatch()
    (c,) = area_patches(ax, "C")
    assert to_hex(c.get_facecolor()) == colours[3] and not c.get_hatch()
    labels = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid() != "attribution"}
    assert labels == {"A": "1", "B": "2/3", "C": "3"}
    assert "units in several lots" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)


def test_map_holes_stay_empty_and_aspect_follows_latitude(evaluation, boundaries):
    ax = plot_map(evaluation, boundaries, service="jobs")
    (c,) = area_patches(ax, "C")
    rings = c.get_path().to_polygons(closed_only=True)
    signs = [np.sign(shoelace(r)) for r in rings]
    assert signs == [1, -1, 1]  # exteriors anticlockwise (C's was not), the hole clockwise
    south, north = ax.get_ylim()
    assert ax.get_aspect() == pytest.approx(1 / np.cos(np.radians((south + north) / 2)))
    plt.close(ax.figure)


def test_map_names_areas_without_boundary_and_rejects_unknown_service(evaluation, boundaries):
    ax = plot_map(evaluation, boundaries.select(["A", "B"]))
    assert len(ax.patches) == 2
    assert "Not on the map (no boundary): C" in [t.get_text() for t in ax.texts]
    assert ax.get_title() == "Lots for all service lines"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="no unit of service 'cooking'"):
        plot_map(evaluation, boundaries, service="cooking")


def test_map_draws_on_a_given_axes(evaluation, boundaries):
    fig, ax = plt.subplots()
    assert plot_map(evaluation, boundaries, ax=ax) is ax
    plt.close(fig)


def test_map_figure_has_a_panel_per_service_and_one_legend(evaluation, boundaries, tmp_path):
    figure = map_figure(evaluation, boundaries)
    assert [ax.get_title() for ax in figure.axes] == ["Lots for care", "Lots for jobs"]
    assert all(ax.get_legend() is None for ax in figure.axes)
    (legend,) = figure.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:3] == [
        "1: GBP 200 · 2 bidders",
        "2: GBP 400 · 2 bidders",
        "3: GBP 200 · 2 bidders",
    ]
    assert set(texts[3:]) == {"no unit of this service", "units in several lots"}
    save_figure(figure.axes[0], tmp_path / "a.png")
    save_figure(map_figure(evaluation, boundaries).axes[1], tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_example_map_has_every_area_with_all_its_polygons():
    case = load_case(EXAMPLE / "contract.csv")
    b = read_topojson(EXAMPLE / "boundaries.topojson", names=case.contract["area"])
    by_service = case.contract.groupby("service").indices  # one lot per service line
    evaluation = evaluate_lots(case, Scenario(), [list(g) for g in by_service.values()])
    ax = plot_map(evaluation, b, service="peer_support")
    assert len(ax.patches) == 32
    for patch in ax.patches:
        rings = sum(len(polygon) for polygon in b[patch.get_gid()])
        assert list(patch.get_path().codes).count(MplPath.MOVETO) == rings
    assert {to_hex(p.get_facecolor()) for p in ax.patches} == {
        lot_colours(evaluation.assignment, b)[2]
    }
    plt.close(ax.figure)


# --- The example map, fit for a board paper ---------------------------------------------------


@pytest.fixture(scope="module")
def example():
    """The example case, divided by NHS board (14 lots), and one lot per unit but the island
    bundles (61 lots: far more than the palette)."""
    case = load_case(EXAMPLE / "contract.csv")
    boards = evaluate_division(case, Scenario(), read_assignment(EXAMPLE / "nhs_boards.csv", case))
    units = case.contract.set_index("unit")
    own = {
        u: (str(units.at[u, "bundle"]) or u) if units.at[u, "bundle"] else u for u in units.index
    }
    many = evaluate_division(case, Scenario(), own)
    return case, boards, many


def label_boxes(ax):
    """Window extents of the area labels of one Axes, as drawn."""
    renderer = ax.figure.canvas.get_renderer()
    return [
        (t.get_gid(), t.get_window_extent(renderer))
        for t in ax.texts
        if t.get_gid() not in ("attribution", "leader", None) and t.get_text()
    ]


def assert_no_overlap(boxes):
    clashes = [(a, b) for i, (a, p) in enumerate(boxes) for b, q in boxes[i + 1 :] if p.overlaps(q)]
    assert clashes == []


def test_every_map_carries_the_attribution(example, tmp_path):
    case, boards, _ = example
    assert "Crown copyright and database right" in ATTRIBUTION
    ax = plot_map(boards, case.boundaries, service="employability")
    assert [t.get_text() for t in ax.texts if t.get_gid() == "attribution"] == [ATTRIBUTION]
    plt.close(ax.figure)
    figure = map_figure(boards, case.boundaries)
    assert [t.get_text() for t in figure.texts if t.get_gid() == "attribution"] == [ATTRIBUTION]
    plt.close(figure)


def test_example_map_has_a_zoom_on_the_central_belt_and_no_overlapping_labels(example, tmp_path):
    case, boards, _ = example
    box = zoom_box(case.boundaries)
    assert box is not None
    west, east, south, north = box
    assert west < -4.25 < -3.19 < east and south < 55.86 < 55.95 < north  # Glasgow, Edinburgh
    figure = map_figure(boards, case.boundaries)
    figure.canvas.draw()  # extents as drawn (and saved: save_figure only crops and scales)
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == [
        "Lots for employability",
        "Employability: zoom on the box",
        "Lots for peer support",
        "Peer support: zoom on the box",
    ]
    for ax in figure.axes:
        boxes = label_boxes(ax)
        assert boxes
        assert_no_overlap(boxes)
    zoomed = {gid for gid, _ in label_boxes(figure.axes[1])}
    assert {"Glasgow City", "City of Edinburgh", "Falkirk"} <= zoomed
    assert not zoomed & {gid for gid, _ in label_boxes(figure.axes[0])}  # each labelled once
    plt.close(figure)


def test_legend_does_not_cover_shetland(example, tmp_path):
    case, boards, _ = example
    figure = map_figure(boards, case.boundaries)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (legend,) = figure.legends
    key = legend.get_window_extent(renderer)
    for ax in figure.axes:
        for patch in area_patches(ax, "Shetland Islands"):
            assert not key.overlaps(patch.get_window_extent(renderer))
    plt.close(figure)


def test_single_map_labels_do_not_overlap(example, tmp_path):
    case, boards, _ = example
    ax = plot_map(boards, case.boundaries, service="peer_support")
    ax.figure.canvas.draw()
    assert_no_overlap(label_boxes(ax))
    plt.close(ax.figure)


def test_touching_lots_never_share_a_colour_even_with_61_lots(example, tmp_path):
    case, _, many = example
    assert len(many.lots) == 61
    colours = lot_colours(many.assignment, case.boundaries)
    pairs = touching(case.boundaries)
    assert ("Glasgow City", "North Lanarkshire") in pairs and len(pairs) > 40
    lots = many.assignment.groupby(["area", "service"])["lot"].first()
    for a, b in pairs:
        for service in ("employability", "peer_support"):
            assert colours[lots[a, service]] != colours[lots[b, service]], (a, b)
    figure = map_figure(many, case.boundaries)
    figure.canvas.draw()
    for ax in figure.axes:
        assert_no_overlap(label_boxes(ax))
    save_figure(figure.axes[0], tmp_path / "map.png")
    assert png_dpi(tmp_path / "map.png") >= 150


def png_dpi(path) -> float:
    """The resolution a PNG records (its pHYs chunk), in dots per inch."""
    data = path.read_bytes()
    at = data.index(b"pHYs")
    return int.from_bytes(data[at + 4 : at + 8], "big") * 0.0254


def test_touching_board_lots_are_not_two_shades_of_one_hue(example):
    case, boards, _ = example
    colours = lot_colours(boards.assignment, case.boundaries)
    assert len(set(colours.values())) == len(boards.lots) == 14
    hue = {colour: PALETTE.index(colour) % 10 for colour in PALETTE}
    lots = boards.assignment.groupby("area")["lot"].first()  # a board lot holds both services
    pairs = [(lots[a], lots[b]) for a, b in touching(case.boundaries) if lots[a] != lots[b]]
    assert pairs
    assert all(hue[colours[x]] != hue[colours[y]] for x, y in pairs)


def _touching_by_sets(boundaries: Boundaries) -> list[tuple[str, str]]:
    """touching as it was first written: a Python set of areas per rounded vertex."""
    owners: dict[tuple[float, float], set[str]] = {}
    for area in sorted(boundaries):
        for polygon in boundaries[area]:
            for ring in polygon:
                for x, y in ring.round(6).tolist():
                    owners.setdefault((x, y), set()).add(area)
    return sorted({(a, b) for names in owners.values() for a in names for b in names if a < b})


def test_touching_finds_the_pairs_a_set_of_vertices_finds(topojson):
    scotland = load_case(EXAMPLE / "contract.csv").boundaries
    assert scotland is not None
    assert touching(scotland) == _touching_by_sets(scotland)
    assert len(touching(scotland)) > 50  # the example's land borders
    squares = read_topojson(topojson, names=["A", "B", "C"])
    assert touching(squares) == _touching_by_sets(squares) == [("A", "B")]
    # three areas at one corner (every pair touches), one only by a vertex rounded alike,
    # and -0.0 against 0.0
    ring = np.array
    corner = Boundaries(
        {
            "N": ((ring([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]),),),
            "S": ((ring([[-0.0, 0.0], [-1.0, 0.0], [-1.0, -1.0]]),),),
            "W": ((ring([[0.0, 1e-9], [0.0, -1.0], [5.0, 5.0]]),),),
            "E": ((ring([[5.0000001, 5.0], [9.0, 9.0], [9.0, 5.0]]),),),
            "X": ((ring([[20.0, 20.0], [21.0, 20.0], [21.0, 21.0]]),),),
        }
    )
    expected = [("E", "W"), ("N", "S"), ("N", "W"), ("S", "W")]
    assert touching(corner) == _touching_by_sets(corner) == expected
