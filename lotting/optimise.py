"""From a validated case and a scenario to an optimal (or best found) plan."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from lotting.errors import InfeasibleError, InputError, LottingError, NoSolutionError
from lotting.inputs.case import Case
from lotting.mip.candidates import Candidate, listed_candidates
from lotting.mip.diagnose import infeasibility_reasons, lot_count_reasons, solver_reason
from lotting.mip.model import build_model
from lotting.mip.solver import run
from lotting.mip.warmstart import greedy_start
from lotting.plan import Plan
from lotting.progress import Event, Progress
from lotting.rules.blocks import Block, make_blocks
from lotting.rules.lots import LotJudge
from lotting.rules.options import build_options
from lotting.rules.scoring import evaluate_division, evaluate_lots
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.text import cut_list


def solve(
    case: Case,
    scenario: Scenario | None = None,
    time_limit: float | None = 60,
    solver: str = "highs",
    enumerate_lots: bool = True,
    exact_lots: int | None = None,
    work_limit: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    log: bool = False,
) -> Plan:
    """Find the best division of the contract for the scenario.

    Raises InfeasibleError with the reasons when no division can exist, and NoSolutionError when
    the time limit (seconds for the whole call, preparation included; None or 0 for none)
    passes before any division is found.
    ``enumerate_lots=False`` solves the purely compact model (slower; kept for cross-checks);
    ``exact_lots`` asks for the best division with exactly that many lots (at most max_lots).
    ``work_limit`` stops the solver after that many branch-and-bound nodes: a budget that gives
    the same plan on any machine (the time limit still caps it from outside). ``settings`` tune
    how, never what, is computed (:class:`lotting.settings.Settings`). ``progress`` receives
    :class:`lotting.progress.Event` s as the work goes (options, candidate lots, the start and
    its objective, then the solver's incumbent, bound and gap every few seconds); ``log`` adds
    the solver's own log lines to them. Neither changes the plan.

    >>> plan = solve(load_case("data/example/contract.csv"), Scenario(max_lots=8))
    >>> plan.metrics["n_lots"] <= 8
    True
    """
    scenario = scenario or Scenario()
    settings = settings or Settings()
    began = time.perf_counter()

    def tell(kind: str, text: str, **figures: Any) -> None:
        if progress is not None:
            progress(Event(kind, text, seconds=time.perf_counter() - began, **figures))

    options = build_options(case, scenario)
    blocks = make_blocks(case)
    tell("options", f"{len(options)} bid options in the market", count=len(options))
    reasons = infeasibility_reasons(case, scenario, options, blocks)
    if exact_lots is not None:
        reasons += lot_count_reasons(case, scenario, blocks, exact_lots)
    if reasons:
        raise InfeasibleError(reasons)
    listed: list[Candidate] = []
    credited: list[int] | None = None
    if enumerate_lots:
        listed, credited = listed_candidates(case, scenario, options, blocks, settings)
        tell("candidates", f"{len(listed)} candidate lots found", count=len(listed))
    aggregate = len(blocks) > settings.aggregate_from
    model = build_model(
        scenario, options, blocks, case.adjacency, listed, credited, exact_lots, aggregate
    )
    judge = LotJudge(case, scenario, options)
    start = None
    if exact_lots is None:
        cap = settings.start_share * time_limit if time_limit else math.inf
        start = greedy_start(judge, blocks, listed, cap, solver, settings)
        if start is not None and progress is not None:
            first = evaluate_lots(case, scenario, _start_division(start, listed, blocks), options)
            value = float(first.metrics["objective"])
            tell("start", f"start found: objective {value:,.0f}", objective=value)
        elif start is None:
            tell("start", "no start found; the solver searches from scratch")
    stats = model.stats
    tell(
        "model",
        f"solving: {stats.get('variables', 0):,} variables, {stats.get('constraints', 0):,} rows",
    )
    remaining = time_limit and max(1.0, time_limit - (time.perf_counter() - began))
    presolve = model.stats["variables"] <= settings.presolve_up_to
    result = run(
        model.problem,
        solver,
        remaining,
        model.start(*start) if start else None,
        presolve,
        node_limit=work_limit,
        progress=progress,
        log=log,
    )
    if result.status == "infeasible":
        raise InfeasibleError([solver_reason(case, scenario, options, exact_lots)])
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
    tell("done", f"{result.status}: objective {objective:,.0f}", objective=objective)
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
        inputs=case.hashes,
        case=case,
    )


def evaluate(
    case: Case,
    scenario: Scenario | None,
    assignment: Mapping[str, Any] | pd.Series | pd.DataFrame,
) -> Plan:
    """Score a division the commissioner already has (unit → lot label) with the same figures.

    ``assignment`` is a mapping or Series of unit → lot, or a DataFrame with columns ``unit``
    and ``lot`` (e.g. a plan's ``assignment``); every contract unit must have exactly one lot
    (InputError names those that do not). The plan's status is "feasible" when the division
    keeps every rule of the scenario and "infeasible" otherwise; ``plan.evaluation.breaches``
    lists every rule it breaks, each lot named by its label.

    >>> boards = read_assignment("data/example/nhs_boards.csv", case)
    >>> evaluate(case, Scenario(), boards).metrics["n_lots"]
    14
    """
    scenario = scenario or Scenario()
    division = _unit_lots(case, assignment)
    evaluation = evaluate_division(case, scenario, division, build_options(case, scenario))
    status = "feasible" if evaluation.feasible else "infeasible"
    return Plan(
        status,
        None,
        evaluation,
        scenario,
        solver="none",
        seconds=0.0,
        boundaries=case.boundaries,
        inputs=case.hashes,
        case=case,
    )


def _unit_lots(
    case: Case, assignment: Mapping[str, Any] | pd.Series | pd.DataFrame
) -> dict[str, Any]:
    """The division as unit → lot, checked: a DataFrame needs columns unit and lot, and every
    contract unit needs exactly one lot (the units at fault are named, never a bare KeyError)."""
    where = "the division"
    if isinstance(assignment, pd.DataFrame):
        missing = [c for c in ("unit", "lot") if c not in assignment.columns]
        if missing:
            raise InputError(
                f"a division table needs columns unit and lot; it has "
                f"{', '.join(map(str, assignment.columns))}.",
                file=where,
                column=missing[0],
            )
        repeated = sorted(set(assignment["unit"][assignment["unit"].duplicated()].astype(str)))
        if repeated:
            raise InputError(
                f"units repeated: {cut_list(repeated)}; each unit needs one lot.",
                file=where,
                column="unit",
            )
        division = dict(zip(assignment["unit"].astype(str), assignment["lot"], strict=True))
    else:
        division = dict(assignment.items())
    missing_units = [u for u in case.units if u not in division]
    if missing_units:
        raise InputError(
            f"units without a lot: {cut_list(missing_units)}; every unit of the contract needs "
            "one.",
            file=where,
            column="lot",
        )
    return division


def _start_division(
    start: tuple[list[int], list[list[int]]], listed: list[Candidate], blocks: list[Block]
) -> list[list[int]]:
    """Unit positions per lot of a greedy start (chosen candidates, then plain lots)."""
    groups = [list(listed[c].blocks) for c in start[0]] + start[1]
    return [[u for b in group for u in blocks[b].units] for group in groups]
