"""From a validated case and a scenario to an optimal (or best found) plan."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import networkx as nx
import pandas as pd

from lotting.errors import InfeasibleError, LottingError, NoSolutionError, StoppedError
from lotting.inputs.case import Case
from lotting.mip.candidates import Candidate, listed_candidates
from lotting.mip.diagnose import infeasibility_reasons
from lotting.mip.model import build_model
from lotting.mip.solver import SolverRun, run
from lotting.mip.warmstart import greedy_start
from lotting.plan import Plan, relative_gap
from lotting.rules.blocks import Block, make_blocks
from lotting.rules.lots import LotJudge
from lotting.rules.options import Option, build_options, holdable
from lotting.rules.scoring import evaluate_division, evaluate_lots, objective
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.stop import Stop


def solve(
    case: Case,
    scenario: Scenario | None = None,
    time_limit: float | None = 60,
    solver: str = "highs",
    enumerate_lots: bool = True,
    exact_lots: int | None = None,
    work_limit: int | None = None,
    settings: Settings | None = None,
    stop: Stop | None = None,
) -> Plan:
    """Find the best division of the contract for the scenario.

    Raises InfeasibleError with the reasons when no division can exist, and NoSolutionError when
    the time limit (seconds for the whole call, preparation included; None or 0 for none)
    passes before any division is found.
    ``enumerate_lots=False`` solves the purely compact model (slower; kept for cross-checks);
    ``exact_lots`` asks for the best division with exactly that many lots (at most max_lots).
    ``work_limit`` stops the solver after that many branch-and-bound nodes: a budget that gives
    the same plan on any machine (the time limit still caps it from outside). ``settings`` tune
    how, never what, is computed (:class:`lotting.settings.Settings`). ``stop``
    (:class:`lotting.stop.Stop`) ends the call early from outside: the best plan so far comes
    back marked ``stopped`` (``"interrupted"``), or StoppedError when there is none yet.

    >>> plan = solve(load_case("data/example/contract.csv"), Scenario(max_lots=8))
    >>> plan.metrics["n_lots"] <= 8
    True
    """
    scenario = scenario or Scenario()
    settings = settings or Settings()
    began = time.perf_counter()
    stop = (stop or Stop()).within(time_limit or None)
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
        listed, credited = listed_candidates(case, scenario, options, blocks, settings, stop)
    _raise_if_requested(stop, began)
    cheap = cheap_bound(scenario, options, blocks, exact_lots or 1)
    judge = LotJudge(case, scenario, options)
    start = None
    if exact_lots is None:
        cap = settings.start_share * time_limit if time_limit else math.inf
        start = greedy_start(judge, blocks, listed, cap, solver, settings, stop)
        _raise_if_requested(stop, began, start is None)
    model = None
    result = SolverRun("no_solution", None, 0.0, solver)
    if not stop.due():  # the time limit may have passed already: the start is then the answer
        aggregate = len(blocks) > settings.aggregate_from
        model = build_model(
            scenario, options, blocks, case.adjacency, listed, credited, exact_lots, aggregate
        )
        presolve = model.stats["variables"] <= settings.presolve_up_to
        result = run(
            model.problem,
            solver,
            stop.left(),
            model.start(*start) if start else None,
            presolve,
            node_limit=work_limit,
            stop=stop,
        )
    if result.status == "infeasible":
        raise InfeasibleError([_generic_reason(case, scenario, exact_lots)])
    division = model.division() if model is not None and result.status != "no_solution" else None
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
        _raise_if_requested(stop, began, True)
        raise NoSolutionError(time.perf_counter() - began)
    achieved = float(evaluation.metrics["objective"])
    bound: float | None = achieved
    stopped = None
    if result.status != "optimal":
        bound = min(b for b in (cheap, result.bound) if b is not None and math.isfinite(b))
        bound = max(bound, achieved)  # the solver's bound is within its tolerance of this
        stopped = stop.reason or ("work_limit" if work_limit is not None else "time_limit")
    return Plan(
        status=result.status,
        gap=relative_gap(achieved, bound),
        evaluation=evaluation,
        scenario=scenario,
        solver=result.name,
        seconds=time.perf_counter() - began,
        model_stats=model.stats if model is not None else {},
        boundaries=case.boundaries,
        bound=bound,
        stopped=stopped,
    )


def cheap_bound(
    scenario: Scenario, options: Sequence[Option], blocks: Sequence[Block], fewest_lots: int = 1
) -> float:
    """A valid upper bound on the objective, known before any solve (so a gap is meaningful from
    the first second): as if every target supplier holding an option that can hold some block
    were reached, every block such an option can hold were open, with ``fewest_lots`` lots.

    Each holds for any division: reach ≤ those targets, open value ≤ those blocks' value,
    n_lots ≥ 1 (exactly ``fewest_lots`` for the frontier's k), and the objective rises with
    reach and open value and falls with n_lots.
    """
    reached: set[str] = set()
    open_blocks: set[int] = set()
    for option, held in zip(options, holdable(options, blocks), strict=True):
        if option.has_target and held:
            reached.update(option.targets)
            open_blocks.update(held)
    open_value = sum(blocks[b].value for b in open_blocks)
    return objective(scenario, len(reached), open_value, fewest_lots)


def _raise_if_requested(stop: Stop, began: float, nothing: bool = True) -> None:
    """An outside stop before any plan exists ends the call with StoppedError (nothing to
    write); the deadline does not (the start, then the solver, still answer)."""
    if nothing and stop.requested:
        raise StoppedError(stop.reason or "interrupted", time.perf_counter() - began)


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
        status, None, evaluation, scenario, solver="none", seconds=0.0, boundaries=case.boundaries
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
