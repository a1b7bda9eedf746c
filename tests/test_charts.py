"""Charts: checked through their Axes, not only that a file exists."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from cases import make_case
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from lotting import Scenario
from lotting.charts import lot_colours, plot_lots, save_figure
from lotting.evaluate import evaluate_lots


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
    colours = lot_colours(3)
    by_lot = evaluation.assignment["lot"].tolist()
    assert [to_hex(c.get_facecolor()) for c in cells] == [colours[lot - 1] for lot in by_lot]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "3", "3"]
    plt.close(ax.figure)


def test_labels_title_and_legend(evaluation):
    ax = plot_lots(evaluation)
    assert ax.get_xlabel() == "Service line" and ax.get_ylabel() == "Area"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["care", "jobs"]
    assert {t.get_text() for t in ax.get_yticklabels()} == {"north", "south", "east"}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 3
    assert legend[0].startswith("1: 100 · 2 bidders · X")
    assert "3 lots" in ax.get_title()
    plt.close(ax.figure)


def test_draws_on_a_given_axes(evaluation):
    fig, ax = plt.subplots()
    assert plot_lots(evaluation, ax=ax) is ax
    plt.close(fig)


def test_twenty_lots_have_distinct_colours():
    assert len(set(lot_colours(20))) == 20


def test_saved_png_is_the_same_bytes_twice(evaluation, tmp_path):
    save_figure(plot_lots(evaluation), tmp_path / "a.png")
    save_figure(plot_lots(evaluation), tmp_path / "b.png")
    data = (tmp_path / "a.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data == (tmp_path / "b.png").read_bytes()
