"""From a validated case and a scenario to an optimal (or best found) plan."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import networkx as nx
import pandas as pd

from lotting.errors import InfeasibleError, LottingError, NoSolutionError
from lotting.inputs.case import Case
from lotting.mip.candidates import Candidate, listed_candidates
from lotting.mip.diagnose import infeasibility_reasons
from lotting.mip.model import build_model
from lotting.mip.solver import run
from lotting.mip.warmstart import greedy_start
from lotting.plan import Plan
from lotting.rules.blocks import Block, make_blocks
from lotting.rules.lots import LotJudge
from lotting.rules.options import build_options
from lotting.rules.scoring import evaluate_division, evaluate_lots
from lotting.scenario import Scenario
from lotting.settings import Settings


def solve(
    case: Case,
    scenario: Scenario | None = None,
    time_limit: float | None = 60,
    solver: str = "highs",
    enumerate_lots: bool = True,
    exact_lots: int | None = None,
    work_limit: int | None = None,
    settings: Settings | None = None,
) -> Plan:
    """Find the best division of the contract for the scenario.

    Raises InfeasibleError with the reasons when no division can exist, and NoSolutionError when
    the time limit (seconds for the whole call, preparation included; None or 0 for none)
    passes before any division is found.
    ``enumerate_lots=False`` solves the purely compact model (slower; kept for cross-checks);
    ``exact_lots`` asks for the best division with exactly that many lots (at most max_lots).
    ``work_limit`` stops the solver after that many branch-and-bound nodes: a budget that gives
    the same plan on any machine (the time limit still caps it from outside). ``settings`` tune
    how, never what, is computed (:class:`lotting.settings.Settings`).

    >>> plan = solve(load_case("data/example/contract.csv"), Scenario(max_lots=8))
    >>> plan.metrics["n_lots"] <= 8
    True
    """
    scenario = scenario or Scenario()
    settings = settings or Settings()
    began = time.perf_counter()
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    reasons = infeasibility_reasons(case, scenario, options, blocks)
    if exact_lots is not None:
        reasons += _lot_count_reasons(case, scenario, blocks, exact_lots)
    if reasons:
        raise InfeasibleError(reasons)
    listed: list[Candidate] = []
    credited: list[int] | None = None
    if enumerate_lots:
        listed, credited = listed_candidates(case, scenario, options, blocks, settings)
    aggregate = len(blocks) > settings.aggregate_from
    model = build_model(
        scenario, options, blocks, case.adjacency, listed, credited, exact_lots, aggregate
    )
    judge = LotJudge(case, scenario, options)
    start = None
    if exact_lots is None:
        cap = settings.start_share * time_limit if time_limit else math.inf
        start = greedy_start(judge, blocks, listed, cap, solver, settings)
    remaining = time_limit and max(1.0, time_limit - (time.perf_counter() - began))
    presolve = model.stats["variables"] <= settings.presolve_up_to
    result = run(
        model.problem,
        solver,
        remaining,
        model.start(*start) if start else None,
        presolve,
        node_limit=work_limit,
    )
    if result.status == "infeasible":
        raise InfeasibleError([_generic_reason(case, scenario, exact_lots)])
    division = model.division() if result.status != "no_solution" else None
    evaluation = None
    if division is not None:
        evaluation = evaluate_lots(case, scenario, division, options)
        if evaluation.breaches:
            raise LottingError(
                "internal error: the solver's division breaks the scenario's rules "
                f"({'; '.join(evaluation.breaches)}); please report this with the input files."
            )
    if start is not None and result.status != "optimal":
        # Stopped early: the solver may not have kept the start; never return less than it.
        greedy = evaluate_lots(case, scenario, _start_division(start, listed, blocks), options)
        if evaluation is None or (
            greedy.metrics["objective"] > evaluation.metrics["objective"] and greedy.feasible
        ):
            evaluation = greedy
            result = replace(result, status="feasible")
    if evaluation is None:
        raise NoSolutionError(time.perf_counter() - began)
    objective = float(evaluation.metrics["objective"])
    if result.status == "optimal":
        gap: float | None = 0.0
    elif result.bound is None or not math.isfinite(result.bound):
        gap = None  # the solver proved no bound before it stopped
    else:
        gap = max(0.0, result.bound - objective) / max(abs(objective), 1.0)
    return Plan(
        status=result.status,
        gap=gap,
        evaluation=evaluation,
        scenario=scenario,
        solver=result.name,
        seconds=time.perf_counter() - began,
        model_stats=model.stats,
        boundaries=case.boundaries,
        case=case,
    )


def evaluate(
    case: Case, scenario: Scenario | None, assignment: Mapping[str, Any] | pd.Series
) -> Plan:
    """Score a division the commissioner already has (unit → lot label) with the same figures.

    The plan's status is "feasible" when the division keeps every rule of the scenario and
    "infeasible" otherwise; ``plan.evaluation.breaches`` lists every rule it breaks.

    >>> boards = read_assignment("data/example/nhs_boards.csv", case)
    >>> evaluate(case, Scenario(), boards).metrics["n_lots"]
    14
    """
    scenario = scenario or Scenario()
    evaluation = evaluate_division(case, scenario, assignment, build_options(case, scenario))
    status = "feasible" if evaluation.feasible else "infeasible"
    return Plan(
        status,
        None,
        evaluation,
        scenario,
        solver="none",
        seconds=0.0,
        boundaries=case.boundaries,
        case=case,
    )


def _start_division(
    start: tuple[list[int], list[list[int]]], listed: list[Candidate], blocks: list[Block]
) -> list[list[int]]:
    """Unit positions per lot of a greedy start (chosen candidates, then plain lots)."""
    groups = [list(listed[c].blocks) for c in start[0]] + start[1]
    return [[u for b in group for u in blocks[b].units] for group in groups]


def _lot_count_reasons(case: Case, scenario: Scenario, blocks: list[Block], k: int) -> list[str]:
    """Why exactly k lots cannot be made, when it is plain from the counts."""
    if not 1 <= k <= scenario.max_lots:
        return [f"{k} lots is outside 1..max_lots ({scenario.max_lots})."]
    if k > len(blocks):
        return [f"The contract has only {len(blocks)} units or bundles, fewer than {k} lots."]
    if case.adjacency is not None:
        pieces = nx.number_connected_components(case.adjacency)
        if k < pieces:
            return [
                f"The areas fall into {pieces} groups that no lot can join: {k} lots are too few."
            ]
    return []


def _generic_reason(case: Case, scenario: Scenario, exact_lots: int | None = None) -> str:
    """When no single cause stands out: the rules that cannot all hold together."""
    rules = [f"every lot with at least {scenario.min_bidders} bidders"]
    rules.append(
        f"at most {scenario.max_lots} lots" if exact_lots is None else f"exactly {exact_lots} lots"
    )
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
