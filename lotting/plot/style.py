"""What every chart shares: lot colours, the side legend, new Axes and saving a PNG.

pyplot is imported only when a chart must make its own figure, so ``import lotting`` stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D


def lot_colours(n_lots: int) -> list[str]:
    """A distinct colour per lot, the same for the same lot number in every chart."""
    cmap = matplotlib.colormaps["tab20" if n_lots > 10 else "tab10"]
    return [to_hex(cmap(i % cmap.N)) for i in range(n_lots)]


def subplots(*grid: int, **figure: Any) -> Any:
    """``pyplot.subplots``: a new figure and its Axes, through pyplot so notebooks show it."""
    import matplotlib.pyplot as plt

    return plt.subplots(*grid, **figure)


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
    figure.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
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
