"""Charts: checked through their Axes, not only that a file exists."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.text import Text

from cases import make_case
from conftest import printed_under_hash_seeds
from lotting import Scenario, load_case
from lotting.plot.frontier import plot_frontier
from lotting.plot.lots import _lot_label, plot_lots
from lotting.plot.partners import KIND_COLOURS, plot_partners
from lotting.plot.style import PALETTE, lot_colours, lot_graph, save_figure
from lotting.rules.scoring import evaluate_lots


@pytest.fixture
def evaluation(tmp_path):
    case = make_case(
        tmp_path,
        [
            (f"U{i}", s, a, 100 + i)
            for i, (s, a) in enumerate(
                [
                    ("jobs", "north"),
                    ("care", "north"),
                    ("jobs", "south"),
                    ("care", "south"),
                    ("jobs", "east"),
                ]
            )
        ],
        [("L1", "large", 1000, "*", "*"), ("X", "user_led", 150, "*", "north")],
    )
    return evaluate_lots(case, Scenario(), [[0], [1], [2, 3, 4]])


def test_one_cell_per_unit_coloured_by_lot(evaluation):
    ax = plot_lots(evaluation)
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 5
    colours = lot_colours(evaluation.assignment)
    by_lot = evaluation.assignment["lot"].tolist()
    assert [to_hex(c.get_facecolor()) for c in cells] == [colours[lot] for lot in by_lot]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "3", "3"]
    plt.close(ax.figure)


def test_labels_title_and_legend(evaluation):
    ax = plot_lots(evaluation)
    assert ax.get_xlabel() == "Service line" and ax.get_ylabel() == "Area"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["care", "jobs"]
    assert {t.get_text() for t in ax.get_yticklabels()} == {"north", "south", "east"}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 3
    assert legend[0] == "1: GBP 100 · 2 bidders, 1 robust · X"
    assert "3 lots" in ax.get_title()
    plt.close(ax.figure)


def test_draws_on_a_given_axes(evaluation):
    fig, ax = plt.subplots()
    assert plot_lots(evaluation, ax=ax) is ax
    plt.close(fig)


def test_lots_legend_shows_names_and_the_currency(evaluation):
    ax = plot_lots(evaluation, currency="EUR", names={"X": "Xanadu Peers"})
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "1: EUR 100 · 2 bidders, 1 robust · Xanadu Peers"
    assert "open value EUR " in ax.get_title()
    plt.close(ax.figure)


def test_holders_are_named_and_cut_at_a_whole_name(evaluation):
    names = {"X": "Alpha Peers, Beta Group, Gamma Voices and Delta Recovery Network Scotland"}
    ax = plot_lots(evaluation, names=names)
    first = ax.get_legend().get_texts()[0].get_text()
    assert first == "1: GBP 100 · 2 bidders, 1 robust · " + names["X"]  # one name is never cut
    plt.close(ax.figure)
    assert _lot_label(
        1,
        5,
        2,
        "a;b;c;d",
        "GBP",
        {
            "a": "Alpha Peers",
            "b": "Beta Group",
            "c": "Gamma Voices",
            "d": "Delta Recovery Network Scotland",
        },
    ) == ("1: GBP 5 · 2 bidders · Alpha Peers, Beta Group, Gamma Voices and 1 more")


def test_twenty_lots_have_distinct_colours_and_neighbours_differ_in_hue():
    assignment = pd.DataFrame({"lot": range(1, 21), "area": [f"a{i:02}" for i in range(20)]})
    colours = lot_colours(assignment)
    assert len(set(colours.values())) == 20
    assert colours[1] == PALETTE[0]
    hue = {colour: PALETTE.index(colour) % 10 for colour in PALETTE}  # tab20: 10 hues, 2 shades
    assert all(hue[colours[a]] != hue[colours[b]] for a, b in lot_graph(assignment).edges)


def test_above_twenty_lots_neighbours_never_share_a_colour():
    """45 lots on a 3 × 15 grid of areas (lots.png rows are areas by name) and a second
    service: same-area, next-row and touching lots all differ, the same in every run."""
    rows = []
    for i in range(45):
        rows.append({"area": f"area{i:02}", "service": "jobs", "lot": i + 1})
        rows.append({"area": f"area{i:02}", "service": "care", "lot": (i + 7) % 45 + 1})
    assignment = pd.DataFrame(rows)
    colours = lot_colours(assignment)
    graph = lot_graph(assignment)
    assert graph.number_of_edges() > 45
    assert all(colours[a] != colours[b] for a, b in graph.edges)
    assert set(colours.values()) <= set(PALETTE)
    assert lot_colours(assignment.iloc[::-1]) == colours


def test_lots_chart_is_saved_at_board_paper_resolution(evaluation, tmp_path):
    save_figure(plot_lots(evaluation), tmp_path / "lots.png")
    assert png_dpi(tmp_path / "lots.png") >= 150


def test_saved_png_is_the_same_bytes_twice(evaluation, tmp_path):
    save_figure(plot_lots(evaluation), tmp_path / "a.png")
    save_figure(plot_lots(evaluation), tmp_path / "b.png")
    data = (tmp_path / "a.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data == (tmp_path / "b.png").read_bytes()


def png_dpi(path) -> float:
    """The resolution a PNG records (its pHYs chunk), in dots per inch."""
    data = path.read_bytes()
    at = data.index(b"pHYs")
    per_metre = int.from_bytes(data[at + 4 : at + 8], "big")
    return per_metre * 0.0254


# --- Partner graph ------------------------------------------------------------------------------


@pytest.fixture
def market(tmp_path):
    """Six suppliers of all four kinds: two consortium links, two subcontracts, one loner."""
    return make_case(
        tmp_path / "market",
        [("U0", "jobs", "north", 100)],
        [
            ("big", "large", 1000, "*", "*"),
            ("mid", "sme", 500, "*", "*"),
            ("vol", "vcse", 300, "*", "*"),
            ("ulo1", "user_led", 100, "*", "*"),
            ("ulo2", "user_led", 100, "*", "*"),
            ("alone", "user_led", 100, "*", "*"),
        ],
        partners=[
            ("ulo1", "vol", "consortium"),
            ("ulo1", "ulo2", "consortium"),
            ("big", "ulo1", "subcontract"),
            ("mid", "vol", "subcontract"),
        ],
    )


def test_partner_graph_has_a_node_per_supplier_coloured_by_kind(market):
    ax = plot_partners(market)
    nodes = {c.get_gid(): c for c in ax.collections if str(c.get_gid()).startswith("kind:")}
    assert set(nodes) == {"kind:large", "kind:sme", "kind:vcse", "kind:user_led"}
    assert sum(len(c.get_offsets()) for c in nodes.values()) == 6
    assert len(nodes["kind:user_led"].get_offsets()) == 3
    for gid, collection in nodes.items():
        colours = {to_hex(c) for c in collection.get_facecolors()}
        assert colours == {KIND_COLOURS[gid.removeprefix("kind:")]}
    assert {t.get_text() for t in ax.texts} == {"big", "mid", "vol", "ulo1", "ulo2", "alone"}
    plt.close(ax.figure)


def test_partner_graph_draws_consortia_solid_and_subcontracts_as_dashed_arrows(market):
    ax = plot_partners(market)
    (lines,) = [c for c in ax.collections if c.get_gid() == "consortium"]
    assert len(lines.get_segments()) == 2
    arrows = [p for p in ax.patches if p.get_gid() == "subcontract"]
    assert len(arrows) == 2
    assert all(isinstance(a, FancyArrowPatch) and a.get_linestyle() == "dashed" for a in arrows)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "user-led (3)",
        "VCSE (1)",
        "SME (1)",
        "large firm (1)",
        "consortium (2)",
        "subcontract, prime → sub (2)",
    ]
    assert ax.get_title() == "Partner graph: 6 organisations, 2 consortium and 2 subcontract links"
    plt.close(ax.figure)


def test_partner_graph_is_the_same_picture_twice(market, tmp_path):
    save_figure(plot_partners(market), tmp_path / "a.png")
    save_figure(plot_partners(market), tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


LAYOUT = """
import networkx as nx
from lotting.plot.partners import _packed_layout
g = nx.Graph([("ulo-a", "vcse-b"), ("ulo-a", "prime"), ("prime", "sme-x"), ("sme-x", "ulo-c"),
              ("ulo-c", "ulo-a"), ("ulo-c", "vcse-d"), ("z1", "z2")])
g.add_nodes_from(f"lone{i}" for i in range(10))  # components under half the graph: see _ordered
print(sorted(_packed_layout(g)[0].items()))
"""


def test_partner_layout_is_the_same_whatever_the_hash_seed():
    runs = printed_under_hash_seeds(LAYOUT)
    assert len(runs) == 1


# --- Trade-off curve ----------------------------------------------------------------------------


def frontier_table(lot_cost: float = 20_000) -> pd.DataFrame:
    """k = 1 infeasible; k = 2..5 drawn, k = 4 not Pareto-efficient, k = 3 chosen."""
    nan = float("nan")
    rows = [
        (1, nan, nan, "infeasible", False, False),
        (2, 2, 500_000.0, "optimal", True, False),
        (3, 4, 900_000.0, "optimal", True, True),
        (4, 4, 800_000.0, "feasible", False, False),
        (5, 5, 950_000.0, "optimal", True, False),
    ]
    return pd.DataFrame(
        [
            {
                "k": k,
                "overhead": lot_cost * k,
                "reach": reach,
                "open_value": value,
                "sub_reach": 0,
                "objective": 10_000 * reach + 0.05 * value - lot_cost * k,
                "status": status,
                "pareto": pareto,
                "chosen": chosen,
            }
            for k, reach, value, status, pareto, chosen in rows
        ]
    )


def x_label(ax) -> str:
    """The x label of the curve: under the net-benefit panel, which shares its x axis."""
    (label,) = [a.get_xlabel() for a in ax.figure.axes if a.get_xlabel()]
    return label


def scatter(ax, gid: str):
    """The scatter collection with this gid, on the Axes or its twin."""
    (found,) = [c for a in ax.figure.axes for c in a.collections if c.get_gid() == gid]
    return found


def test_frontier_draws_each_feasible_row_once_per_series(tmp_path):
    ax = plot_frontier(frontier_table())
    for series in ("reach", "open_value"):
        pareto, other = scatter(ax, f"{series}:pareto"), scatter(ax, f"{series}:other")
        assert len(pareto.get_offsets()) == 3 and len(other.get_offsets()) == 1
        assert pareto.get_facecolors()[0][3] == 1.0  # filled
        assert len(other.get_facecolors()) == 0  # hollow
        assert other.get_offsets()[0][0] == 80_000  # k = 4
        (star,) = scatter(ax, f"{series}:chosen").get_offsets()
        assert star[0] == 60_000
    assert scatter(ax, "reach:chosen").get_offsets()[0][1] == 4
    assert scatter(ax, "open_value:chosen").get_offsets()[0][1] == 900_000
    plt.close(ax.figure)


def test_frontier_labels_points_names_axes_and_says_what_is_left_out():
    ax = plot_frontier(frontier_table())
    assert [t.get_text() for t in ax.texts if t.get_gid() == "k"] == ["2", "3", "4", "5"]
    assert [t.get_text() for t in ax.texts if t.get_gid() == "chosen"] == ["split's choice: 3 lots"]
    assert "per year" in x_label(ax)
    (twin,) = [a for a in ax.figure.axes if a is not ax and a.get_ylabel().startswith("Open")]
    assert twin.get_ylabel() == "Open value per year"
    assert ax.get_ylabel() == "Reach (target suppliers)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "not shown, infeasible: k = 1" in legend
    assert {"Pareto-efficient", "not Pareto-efficient", "split's choice"} <= set(legend)
    assert ax.get_title()
    plt.close(ax.figure)


def test_frontier_reads_flags_written_as_text_and_uses_k_when_overhead_is_zero():
    table = frontier_table(lot_cost=0)
    table["pareto"] = table["pareto"].map(str)
    table["chosen"] = table["chosen"].map(str)
    ax = plot_frontier(table)
    assert len(scatter(ax, "reach:pareto").get_offsets()) == 3
    assert scatter(ax, "reach:chosen").get_offsets()[0][0] == 3
    assert x_label(ax).startswith("Number of lots")
    plt.close(ax.figure)


def test_frontier_draws_on_given_axes_and_saves_the_same_bytes(tmp_path):
    figure, (ax, net) = plt.subplots(
        2, 1, figsize=(10, 8.5), sharex=True, gridspec_kw={"height_ratios": (3, 2)}
    )
    figure.subplots_adjust(hspace=0.08)
    assert plot_frontier(frontier_table(), ax=ax, net_ax=net) is ax
    save_figure(ax, tmp_path / "a.png")
    save_figure(plot_frontier(frontier_table()), tmp_path / "b.png")  # a new figure, the same
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    _, alone = plt.subplots()
    plot_frontier(frontier_table(), ax=alone)  # no net panel asked for: one Axes and its twin
    assert len(alone.figure.axes) == 2
    plt.close("all")


def test_frontier_shows_net_benefit_with_the_best_k_standing_out():
    """Net benefit = 10,000 × reach + 0.05 × open value − 20,000 × k: 5,000, 25,000, 0 and
    -2,500 for k = 2..5, so k = 3 is best."""
    table = frontier_table()
    ax = plot_frontier(table, currency="EUR")
    net = [a for a in ax.figure.axes if [p for p in a.patches if p.get_gid() == "net"]]
    (panel,) = net
    bars = [p for p in panel.patches if p.get_gid() == "net"]
    heights = [b.get_height() for b in bars]
    drawn = table[table["status"] != "infeasible"]
    assert heights == pytest.approx(list(drawn["objective"]))
    assert heights == pytest.approx([5_000, 25_000, 0, -2_500])
    best = 3
    colours = {to_hex(b.get_facecolor()) for b in bars}
    assert len(colours) == 2  # the best bar alone in its colour
    (note,) = [t.get_text() for t in panel.texts if t.get_gid() == "best"]
    assert note.startswith(f"best: {best} lots, EUR ")
    assert "access value − overhead" in panel.get_ylabel()
    plt.close(ax.figure)


@pytest.mark.parametrize("lot_cost", [20_000, 0])
def test_choice_label_covers_no_point_and_no_k_label(lot_cost):
    table = frontier_table(lot_cost)
    table.loc[table["k"] == 5, "reach"] = 4  # points crowd round the choice, k = 3
    ax = plot_frontier(table)
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (note,) = [t for t in ax.texts if t.get_gid() == "chosen"]
    box = Text.get_window_extent(note, renderer)  # the text alone: its arrow meets the star
    for axis in figure.axes:
        for collection in axis.collections:
            for px, py in axis.transData.transform(collection.get_offsets()):
                assert not box.contains(px, py)
    for label in (t for t in ax.texts if t.get_gid() == "k"):
        assert not box.overlaps(label.get_window_extent(renderer))
    plt.close(figure)


def test_partner_graph_labels_suppliers_by_name():
    example = load_case(Path(__file__).resolve().parents[1] / "data" / "example" / "contract.csv")
    ax = plot_partners(example)
    labels = {t.get_text().replace("\n", " ") for t in ax.texts}
    assert "Granitegate Peers" in labels and "Sidlaw Way Members' Co- operative" in labels
    assert not any(label.startswith("ulo-") for label in labels)
    plt.close(ax.figure)


def test_reserved_lots_are_hatched_and_say_so(tmp_path):
    """Lot 1 reserved for the user-led X: its cell and legend patch hatched, its line saying
    "reserved" with X its only bidder (robust 0), and a key for the hatch."""
    case = make_case(
        tmp_path,
        [("U0", "jobs", "north", 100), ("U1", "jobs", "south", 100)],
        [("L1", "large", 1000, "*", "*"), ("X", "user_led", 150, "*", "north")],
    )
    scenario = Scenario(max_reserved=1, min_bidders=1)
    evaluation = evaluate_lots(case, scenario, [[0], [1]], reserved=[frozenset({0})])
    ax = plot_lots(evaluation)
    cells = {t.get_text(): p for t, p in zip(ax.texts, ax.patches, strict=True)}
    assert cells["1"].get_hatch() and not cells["2"].get_hatch()
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == [
        "1: GBP 100 · 1 bidder, 0 robust · reserved · X",
        "2: GBP 100 · 1 bidder, 0 robust · none",
        "reserved lot (reserve kinds only)",
    ]
    hatches = [h.get_hatch() for h in legend.legend_handles]
    assert bool(hatches[0]) and not hatches[1] and bool(hatches[2])
    plt.close(ax.figure)
