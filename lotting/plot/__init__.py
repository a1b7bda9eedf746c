"""Charts, one per module, each drawing on a given Axes (or a new one) and returning it."""

from lotting.plot.frontier import plot_frontier
from lotting.plot.lots import plot_lots
from lotting.plot.map import map_figure, plot_map
from lotting.plot.partners import plot_partners
from lotting.plot.style import save_figure

__all__ = ["map_figure", "plot_frontier", "plot_lots", "plot_map", "plot_partners", "save_figure"]
