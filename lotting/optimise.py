"""From a validated case and a scenario to an optimal (or best found) plan."""

from __future__ import annotations

from lotting.blocks import Block, make_blocks
from lotting.candidates import Candidate, enumerate_candidates
from lotting.case import Case
from lotting.diagnose import infeasibility_reasons
from lotting.errors import InfeasibleError, LottingError, NoSolutionError
from lotting.evaluate import LotJudge, evaluate_lots
from lotting.model import build_model, coverable
from lotting.options import Option, build_options
from lotting.plan import Plan
from lotting.scenario import Scenario
from lotting.solver import run


def solve(
    case: Case,
    scenario: Scenario | None = None,
    time_limit: float | None = 60,
    solver: str = "highs",
    enumerate_lots: bool = True,
) -> Plan:
    """Find the best division of the contract for the scenario.

    Raises InfeasibleError with the reasons when no division can exist, and NoSolutionError when
    the time limit (seconds; None or 0 for none) passes before any division is found.
    ``enumerate_lots=False`` solves the purely compact model (slower; kept for cross-checks).

    >>> plan = solve(load_case("data/example/contract.csv"), Scenario(max_lots=8))  # doctest: +SKIP
    >>> plan.metrics["n_lots"] <= 8  # doctest: +SKIP
    True
    """
    scenario = scenario or Scenario()
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    reasons = infeasibility_reasons(case, scenario, options, blocks)
    if reasons:
        raise InfeasibleError(reasons)
    model = build_model(
        scenario,
        options,
        blocks,
        case.adjacency,
        *_listed(case, scenario, options, blocks, enumerate_lots),
    )
    result = run(model.problem, solver, time_limit)
    if result.status == "infeasible":
        raise InfeasibleError([_generic_reason(case, scenario)])
    division = model.division() if result.status != "no_solution" else None
    if division is None:
        raise NoSolutionError(result.seconds)
    evaluation = evaluate_lots(case, scenario, division, options)
    if evaluation.breaches:
        raise LottingError(
            "internal error: the solver's division breaks the scenario's rules "
            f"({'; '.join(evaluation.breaches)}); please report this with the input files."
        )
    objective = float(evaluation.metrics["objective"])
    if result.status == "optimal":
        gap: float | None = 0.0
    elif result.bound is None:
        gap = None
    else:
        gap = max(0.0, result.bound - objective) / max(abs(objective), 1.0)
    return Plan(
        status=result.status,
        gap=gap,
        evaluation=evaluation,
        scenario=scenario,
        solver=result.name,
        seconds=result.seconds,
        model_stats=model.stats,
    )


def _listed(
    case: Case, scenario: Scenario, options: list[Option], blocks: list[Block], on: bool
) -> tuple[list[Candidate], list[int] | None]:
    """Candidate target lots and the target-held options left to the compact model."""
    if not on:
        return [], None
    can = [[b for b, block in enumerate(blocks) if coverable(o, block)] for o in options]
    return enumerate_candidates(LotJudge(case, scenario, options), blocks, can)


def _generic_reason(case: Case, scenario: Scenario) -> str:
    """When no single cause stands out: the rules that cannot all hold together."""
    rules = [f"every lot with at least {scenario.min_bidders} bidders"]
    rules.append(f"at most {scenario.max_lots} lots")
    if scenario.min_lot_value is not None:
        rules.append(f"lots worth at least {scenario.min_lot_value:,.0f}")
    if scenario.max_lot_value is not None:
        rules.append(f"lots worth at most {scenario.max_lot_value:,.0f}")
    if case.adjacency is not None:
        rules.append("each lot's areas connected")
    if (case.contract["bundle"] != "").any():
        rules.append("bundles kept together")
    return (
        "Each unit can be put in some lot, but these rules cannot all hold at once: "
        + "; ".join(rules)
        + ". Relax one of them (e.g. --max-lots, --min-bidders or the value bounds)."
    )
