"""lotting: divide a public contract into lots that the real supplier market can bid for."""

from lotting.case import Case, load_case
from lotting.errors import InfeasibleError, InputError, LottingError, NoSolutionError, ScenarioError
from lotting.evaluate import Evaluation, evaluate_division, evaluate_lots
from lotting.frontier import frontier
from lotting.optimise import evaluate, solve
from lotting.options import Option, build_options
from lotting.plan import Plan
from lotting.scenario import Scenario

__all__ = [
    "Case",
    "Evaluation",
    "InfeasibleError",
    "InputError",
    "LottingError",
    "NoSolutionError",
    "Option",
    "Plan",
    "Scenario",
    "ScenarioError",
    "build_options",
    "evaluate",
    "evaluate_division",
    "evaluate_lots",
    "frontier",
    "load_case",
    "solve",
]
__version__ = "0.1.0"
