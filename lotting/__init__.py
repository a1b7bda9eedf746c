"""lotting: divide a public contract into lots that the real supplier market can bid for.

>>> from lotting import load_case, Scenario, solve
>>> case = load_case("data/example/contract.csv")
>>> plan = solve(case, Scenario(lot_cost=30_000, max_lots=8))
>>> plan.status, plan.objective, len(plan.lots)
('optimal', 310550.0, 8)
"""

from lotting.errors import (
    InfeasibleError,
    InputError,
    LottingError,
    NoSolutionError,
    ScenarioError,
    StoppedError,
)
from lotting.frontier import frontier
from lotting.inputs.boundaries import Boundaries, read_topojson
from lotting.inputs.case import Case, load_case
from lotting.inputs.division import read_assignment
from lotting.optimise import evaluate, solve
from lotting.plan import Plan, compare
from lotting.plot.frontier import plot_frontier
from lotting.plot.lots import plot_lots
from lotting.plot.map import map_figure, plot_map
from lotting.plot.partners import plot_partners
from lotting.present.market_check import MarketReport, market_report
from lotting.present.report import write_report
from lotting.rules.options import Option, build_options
from lotting.rules.scoring import Evaluation, evaluate_division, evaluate_lots
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.sweep import grid, read_scenarios, scenario_table, sweep

__all__ = [
    "Boundaries",
    "Case",
    "Evaluation",
    "InfeasibleError",
    "InputError",
    "LottingError",
    "MarketReport",
    "NoSolutionError",
    "Option",
    "Plan",
    "Scenario",
    "ScenarioError",
    "Settings",
    "StoppedError",
    "build_options",
    "compare",
    "evaluate",
    "evaluate_division",
    "evaluate_lots",
    "frontier",
    "grid",
    "load_case",
    "map_figure",
    "market_report",
    "plot_frontier",
    "plot_lots",
    "plot_map",
    "plot_partners",
    "read_assignment",
    "read_scenarios",
    "read_topojson",
    "scenario_table",
    "solve",
    "sweep",
    "write_report",
]
__version__ = "0.1.0"
