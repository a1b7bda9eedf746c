"""From a validated case and a scenario to an optimal (or best found) plan."""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypedDict, Unpack, overload

import numpy as np
import pandas as pd

from lotting.errors import (
    InfeasibleError,
    InputError,
    NoSolutionError,
    ScenarioError,
    StoppedError,
)
from lotting.inputs.case import Case
from lotting.mip.candidates import Candidate, listed_candidates
from lotting.mip.colgen import RuledOut, master_bound, ruled_out
from lotting.mip.diagnose import (
    infeasibility_reasons,
    lot_count_reasons,
    rule_reasons,
    solver_reason,
)
from lotting.mip.model import Abandoned, LotModel, build_model
from lotting.mip.neighbours import Division, best_neighbour, canonical, tied_divisions
from lotting.mip.search import improve
from lotting.mip.solver import GAP_REL, SolverRun, run
from lotting.mip.warmstart import greedy_start
from lotting.plan import Plan
from lotting.progress import Event, Progress, relative_gap
from lotting.rules.blocks import Block, make_blocks, units_of
from lotting.rules.lots import LotJudge
from lotting.rules.options import Option, build_options, holdable
from lotting.rules.scoring import Evaluation, evaluate_division, evaluate_lots, objective
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.stop import Stop
from lotting.text import cut_list

#: Seconds a solve may take unless told otherwise (the whole call, preparation included).
TIME_LIMIT = 60


class RunOptions(TypedDict, total=False):
    """How a solve runs, never what it finds: the keyword arguments :func:`solve`,
    :func:`lotting.frontier.frontier` and the CLI commands pass on (see :func:`solve`)."""

    time_limit: float | None
    solver: str
    work_limit: int | None
    settings: Settings | None
    progress: Progress | None
    log: bool
    stop: Stop | None


class SolveOptions(RunOptions, total=False):
    """:class:`RunOptions` and the two that change which model :func:`solve` builds."""

    enumerate_lots: bool
    exact_lots: int | None


#: Why a ranked list is shorter than asked, in words (:attr:`Ranked.short`).
SHORT = {
    "exhausted": "no other feasible division exists",
    "not_found": "the solver found no further division (reserved lots were only sampled)",
    "time_limit": "the time limit ran out first",
    "work_limit": "the work limit ran out first",
    "interrupted": "the run was interrupted",
    "terminated": "the run was terminated",
}


class Ranked(list[Plan]):
    """What ``solve(..., alternatives=K)`` returns: the ranked plans (a list), the number asked
    for, and, when fewer came back, why (:data:`SHORT`): ``"exhausted"`` (proven: no other
    feasible division exists), ``"not_found"``, ``"time_limit"``, ``"work_limit"``,
    ``"interrupted"`` or ``"terminated"``.

    >>> ranked = Ranked([], asked=3, short="exhausted")
    >>> ranked.shortfall()
    'Asked for 3 alternatives; 0 came back: no other feasible division exists.'
    """

    def __init__(self, plans: Sequence[Plan], asked: int, short: str | None = None) -> None:
        super().__init__(plans)
        self.asked = asked
        self.short = short if len(plans) < asked else None

    def shortfall(self) -> str:
        """The shortfall in words (empty when every rank asked for came back)."""
        if self.short is None:
            return ""
        return (
            f"Asked for {self.asked} alternatives; {len(self)} came back: "
            f"{SHORT.get(self.short, self.short)}."
        )


@overload
def solve(
    case: Case,
    scenario: Scenario | None = None,
    *,
    alternatives: None = None,
    **options: Unpack[SolveOptions],
) -> Plan: ...


@overload
def solve(
    case: Case,
    scenario: Scenario | None = None,
    *,
    alternatives: int,
    **options: Unpack[SolveOptions],
) -> Ranked: ...


def solve(
    case: Case,
    scenario: Scenario | None = None,
    *,
    time_limit: float | None = TIME_LIMIT,
    solver: str = "highs",
    enumerate_lots: bool = True,
    exact_lots: int | None = None,
    work_limit: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    log: bool = False,
    alternatives: int | None = None,
    stop: Stop | None = None,
) -> Plan | Ranked:
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
    its objective, a better division from the neighbourhood search of
    :mod:`lotting.mip.search`, then the solver's incumbent, bound and gap every few seconds);
    ``log`` adds the solver's own log lines to them. Neither changes the plan. ``stop``
    (:class:`lotting.stop.Stop`) ends the call early from outside: the best plan so far comes
    back marked ``stopped`` (``"interrupted"``), or StoppedError when there is none yet.
    ``alternatives`` K asks for
    the K best divisions, distinct as partitions of the units, as a ranked list of plans
    (:class:`Ranked`; fewer when fewer divisions are feasible or a limit stops it, and
    ``Ranked.short`` says which); each later one is the best division other than those
    before it (a no-good cut on each), with its own status and gap.

    >>> plan = solve(load_case("data/example/contract.csv"), Scenario(max_lots=8))
    >>> plan.metrics["n_lots"] <= 8
    True
    """
    if alternatives is not None and (
        isinstance(alternatives, bool) or not isinstance(alternatives, int) or alternatives < 1
    ):
        raise ScenarioError(
            f"alternatives must be a whole number ≥ 1; got {alternatives!r}.", "alternatives"
        )
    scenario = scenario or Scenario()
    settings = settings or Settings()
    began = time.perf_counter()
    stop = (stop or Stop()).within(time_limit or None)

    def tell(kind: str, text: str, **figures: Any) -> None:
        if progress is not None:
            progress(Event(kind, text, seconds=time.perf_counter() - began, **figures))

    options = build_options(case, scenario)
    blocks = make_blocks(case)
    judge = LotJudge(case, scenario, options)
    tell("options", f"{len(options)} bid options in the market", count=len(options))
    reasons = infeasibility_reasons(case, scenario, options, blocks)
    if exact_lots is not None:
        reasons += lot_count_reasons(case, scenario, blocks, exact_lots)
    if reasons:
        raise InfeasibleError(reasons)
    listed: list[Candidate] = []
    credited: list[int] | None = None
    ruled = RuledOut()  # what no division better than the start uses (rank 0 only)
    sampled = False
    if enumerate_lots or scenario.max_reserved > 0:
        listed, too_many = listed_candidates(case, scenario, options, blocks, settings, stop)
        # a reserve-kind option with too many lots to list: reserved lots are only a sample
        sampled = scenario.max_reserved > 0 and any(o in judge.reservable for o in too_many)
        if enumerate_lots:
            credited = too_many
        else:
            listed = [c for c in listed if c.reserved]
        tell("candidates", f"{len(listed)} candidate lots found", count=len(listed))
    _raise_if_requested(stop, began)
    cheap = cheap_bound(scenario, options, blocks, exact_lots or 1)
    # the column-generation bound (lotting/mip/colgen.py): proven for every division
    unlisted = credited if credited is not None else [o for o, p in enumerate(options) if p.targets]
    strong = master_bound(scenario, options, blocks, listed, unlisted, exact_lots, settings, stop)
    start = None
    if exact_lots is None:
        cap = settings.start_share * time_limit if time_limit else math.inf
        plain = [c for c, candidate in enumerate(listed) if not candidate.reserved]
        weights = None if strong is None else [strong.weights[c] for c in plain]
        found = greedy_start(
            judge, blocks, [listed[c] for c in plain], cap, solver, settings, stop, weights
        )
        _raise_if_requested(stop, began, found is None)
        if found is not None:  # the start reserves no lot: always within max_reserved
            start = ([plain[c] for c in found[0]], found[1])
        if start is not None and _start_breaks_rules(
            case, scenario, start, listed, blocks, options
        ):
            start = None  # a start the award cap forbids must not be handed over as feasible
        if start is not None:
            first = evaluate_lots(case, scenario, _start_division(start, listed, blocks), options)
            value = float(first.metrics["objective"])
            tell("start", f"start found: objective {value:,.0f}", objective=value)
            if strong is not None:
                ruled = ruled_out(
                    strong, scenario, value, start[0], [b for p in start[1] for b in p]
                )
        else:
            tell("start", "no start found; the solver searches from scratch")
    if strong is not None:  # told after the start, as the solver's bounds are
        tell("bound", f"bound {strong.bound:,.0f} (column generation)", bound=strong.bound)
    plans: list[Plan] = []
    short: str | None = None
    cuts: list[list[tuple[int, ...]]] = []
    for rank in range(alternatives or 1):
        tied: Evaluation | None = None
        evaluation: Evaluation | None = None
        bound: float | None = None
        if plans and plans[-1].status == "optimal" and not stop.due():
            tied = _tied_rank(case, scenario, judge, blocks, plans[-1], cuts, settings)
        if tied is not None:  # as good as the rank before: a best rank, no solve needed
            evaluation, model, stopped = tied, None, None
            result = SolverRun("optimal", None, 0.0, solver)
            status, achieved = "optimal", float(tied.metrics["objective"])
            bound = achieved
        else:
            left = (alternatives or 1) - rank
            model = None
            begin: dict[int, float] | None = None  # the solver's start (rank 0)
            better: Evaluation | None = None  # the search's division, if it found a better one
            result = SolverRun("no_solution", None, 0.0, solver)
            # the time limit may have passed already, or too little of it be left to build and
            # solve the model (600 units: 20 s to build): the start is then the answer
            remaining = stop.left()
            no_time = (
                start is not None
                and rank == 0
                and time_limit
                and remaining is not None
                and remaining < settings.model_share * time_limit
            )
            first_rank = rank == 0 and start is not None
            kept = [c for c in range(len(listed)) if not (first_rank and c in ruled.candidates)]
            if not stop.due() and not no_time:
                try:
                    model = _build(
                        case,
                        judge,
                        blocks,
                        [listed[c] for c in kept],
                        credited,
                        settings,
                        exact_lots,
                        cuts,
                        stop,
                        ruled if first_rank else None,
                    )
                except Abandoned:  # the deadline (or Ctrl-C) came while building: as if due before
                    model = None
            if model is not None:
                stats = model.stats
                ruling = ruled.summary() if first_rank else ""
                tell(
                    "model",
                    f"solving: {stats.get('variables', 0):,} variables, "
                    f"{stats.get('constraints', 0):,} rows" + (f" ({ruling})" if ruling else ""),
                )
                presolve = model.stats["variables"] <= settings.presolve_up_to
                begin = _renumbered(model, kept, start) if first_rank else None
                if (
                    begin is not None
                    and solver == "highs"
                    and settings.search_from <= model.stats["variables"] <= settings.search_up_to
                ):
                    now_left = stop.left()  # a share of what is left, not of the whole limit
                    share = None if now_left is None else settings.search_share * now_left
                    searched = improve(model, begin, case.adjacency, settings, stop, share)
                    found_lots = model.division(searched.start) if searched.improved else None
                    if found_lots is not None:
                        begin = searched.start
                        better = _checked(case, scenario, options, model, begin, found_lots)
                        worth = float(better.metrics["objective"])
                        tell(
                            "search",
                            f"neighbourhood search: objective {worth:,.0f} "
                            f"({searched.improved} of {searched.tried} sub-MIPs improved it)",
                            objective=worth,
                        )
                remaining = stop.left()  # the ranks still to come share what is left
                result = run(
                    model.mip,
                    solver,
                    None if remaining is None else max(1.0, remaining / left),
                    begin,
                    presolve,
                    node_limit=work_limit,
                    progress=progress,
                    log=log,
                    stop=stop,
                )
            if result.status == "infeasible":
                if rank > 0:  # fewer feasible divisions than alternatives asked for
                    short = "not_found" if sampled else "exhausted"
                    break
                raise InfeasibleError(
                    [
                        *rule_reasons(case, scenario, judge, blocks),
                        solver_reason(case, scenario, options, exact_lots),
                    ]
                )
            division = None
            if model is not None and result.values is not None:
                division = model.division(result.values)
            if model is not None and division is not None:
                evaluation = _checked(case, scenario, options, model, result.values or [], division)
            if rank == 0 and start is not None and result.status != "optimal":
                # Stopped early: the solver may not have kept the start (or the search's better
                # division); never return less than it.
                greedy = evaluate_lots(
                    case, scenario, _start_division(start, listed, blocks), options
                )
                if better is not None and (
                    better.metrics["objective"] > greedy.metrics["objective"]
                ):
                    greedy = better  # the search's division, when it is the better of the two
                if evaluation is None or (
                    greedy.metrics["objective"] > evaluation.metrics["objective"]
                    and greedy.feasible
                ):
                    evaluation = greedy
                    result = replace(result, status="feasible")
            if evaluation is None:
                if rank > 0:
                    short = stop.reason or (
                        "work_limit" if work_limit is not None else "time_limit"
                    )
                    break
                _raise_if_requested(stop, began, True)
                raise NoSolutionError(time.perf_counter() - began)
            status = result.status
            if sampled or (plans and plans[-1].status != "optimal"):
                status = "feasible"  # not proven: a sample of reserved lots, or an earlier rank
            achieved = float(evaluation.metrics["objective"])
            bound = achieved
            stopped = None
            if status != "optimal":
                # the cheap and column-generation bounds hold for every division; the solver's only
                # for its model (not when reserved lots were sampled)
                known = [cheap] if sampled else [cheap, result.bound]
                known += [strong.bound] if strong is not None else []
                bound = min(b for b in known if b is not None and math.isfinite(b))
                bound = max(bound, achieved)  # the solver's bound is within its tolerance of this
                if rank == 0 and (relative_gap(achieved, bound) or 0.0) <= GAP_REL:
                    status = "optimal"  # proven by the bound, to the solver's own tolerance
            if result.status != "optimal" and status != "optimal":
                stopped = stop.reason or ("work_limit" if work_limit is not None else "time_limit")
        tell("done", f"{status}: objective {achieved:,.0f}", objective=achieved)
        plan = _plan(case, scenario, evaluation, result, status, bound, stopped, began, model)
        plans.append(plan)
        if stop.requested:
            short = stop.reason or "interrupted"
            break  # interrupted: the ranks found so far
        cuts.append(list(_block_lots(evaluation, blocks).values()))
    return Ranked(plans, alternatives, short) if alternatives is not None else plans[0]


def _build(
    case: Case,
    judge: LotJudge,
    blocks: list[Block],
    listed: Sequence[Candidate],
    credited: Sequence[int] | None,
    settings: Settings,
    exact_lots: int | None = None,
    no_good: Sequence[Sequence[tuple[int, ...]]] = (),
    stop: Stop | None = None,
    ruled: RuledOut | None = None,
) -> LotModel:
    """The MIP of the judge's scenario and options over the listed lots, for :func:`solve` and
    :func:`solve_each` alike (coverage rows aggregated past ``settings.aggregate_from`` blocks;
    ``ruled``: compact-lot blocks left out)."""
    return build_model(
        judge.scenario,
        judge.options,
        blocks,
        case.adjacency,
        listed,
        credited,
        exact_lots,
        len(blocks) > settings.aggregate_from,
        reduced=judge.reduced,
        no_good=no_good,
        stop=stop,
        ruled=ruled,
    )


def _renumbered(
    model: LotModel, kept: Sequence[int], start: tuple[list[int], list[list[int]]] | None
) -> dict[int, float] | None:
    """The start's values in a model built over the listed candidates ``kept`` (numbers in
    the full list; the start's own are always kept)."""
    if start is None:
        return None
    position = {c: i for i, c in enumerate(kept)}
    return model.start([position[c] for c in start[0]], start[1])


def solve_each(
    case: Case,
    scenario: Scenario,
    counts: Sequence[int],
    time_limit: float | None = TIME_LIMIT,
    solver: str = "highs",
    work_limit: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    log: bool = False,
    stop: Stop | None = None,
    around: Plan | None = None,
) -> Iterator[tuple[int, Plan | None, str]]:
    """For each k of ``counts`` in turn, the best division with exactly k lots, as
    ``solve(case, scenario, exact_lots=k)`` finds it, from one model: options, candidate lots
    and model are built once, and each k only changes the lot-count row's bounds (HiGHS keeps
    the model; ``changeRowBounds``) and closes the compact lots numbered k or more
    (``changeColsBounds``; exact, see :meth:`LotModel.lot_columns`). Each k starts from the
    best division one merge or split from a division already found with k ± 1 lots
    (:func:`lotting.mip.neighbours.best_neighbour`; ``around``, split's own plan, is the first
    one), else from the previous k's solution, which HiGHS completes or rejects: solve the
    counts outwards from ``around``'s. With such a start, the columns k's column-generation
    prices rule out (:func:`lotting.mip.colgen.ruled_out`) are closed for that k too.

    Yields (k, plan, status); the plan is None when k is infeasible ("infeasible"), no
    division was found in time ("no_solution") or a stop was requested before it (the stop's
    reason). ``time_limit`` and ``work_limit`` are per k; the rest is as for :func:`solve`.
    """
    settings = settings or Settings()
    stop = stop or Stop()
    options = build_options(case, scenario)
    blocks = make_blocks(case)
    judge = LotJudge(case, scenario, options)
    reasons = infeasibility_reasons(case, scenario, options, blocks)
    if reasons:
        raise InfeasibleError(reasons)
    listed, too_many = listed_candidates(
        case, scenario, options, blocks, settings, stop.within(time_limit or None)
    )
    sampled = scenario.max_reserved > 0 and any(o in judge.reservable for o in too_many)
    model = _build(case, judge, blocks, listed, too_many, settings)
    presolve = model.stats["variables"] <= settings.presolve_up_to
    highs = model.mip.to_highs() if solver == "highs" else None
    previous: list[float] | None = None
    found: dict[int, Division] = {}
    if around is not None:
        found[len(around.evaluation.lots)] = canonical(
            _block_lots(around.evaluation, blocks).values()
        )
    for k in counts:
        began = time.perf_counter()
        if stop.requested:
            yield k, None, stop.reason or "interrupted"
            continue
        if lot_count_reasons(case, scenario, blocks, k):
            yield k, None, "infeasible"
            continue
        within = stop.within(time_limit or None)
        near = _neighbour(case, judge, blocks, found, k, settings)
        strong = master_bound(scenario, options, blocks, listed, too_many, k, settings, within)
        ruled = RuledOut()
        if near is not None and strong is not None:
            worth = float(near[1].metrics["objective"])
            if (relative_gap(worth, strong.bound) or 0.0) <= GAP_REL:
                # the neighbour meets the column-generation bound for k lots: proven, no solve
                found[k] = near[0]
                ran = SolverRun("optimal", None, 0.0, solver)
                plan = _plan(case, scenario, near[1], ran, "optimal", worth, None, began, model)
                yield k, plan, "optimal"
                continue
            chosen, plain = _start_lots(listed, near[0])
            ruled = ruled_out(strong, scenario, worth, chosen, [b for lot in plain for b in lot])
        columns, upper = model.ruled_columns(k, ruled)
        if highs is not None:
            highs.changeRowBounds(model.lot_row, k, k)
            highs.changeColsBounds(
                len(columns),
                np.array(columns, dtype=np.int32),
                np.zeros(len(columns)),
                np.array(upper, dtype=np.float64),
            )
        else:
            model.mip.bounds(model.lot_row, k, k)
            for var, up in zip(columns, upper, strict=True):
                model.mip.col_upper[var] = up
        start = None if near is None else _start_values(model, listed, near[0])
        if start is None and previous is not None:
            start = model.known(previous)
        result = run(
            model.mip,
            solver,
            within.left(),
            start,
            presolve,
            node_limit=work_limit,
            progress=progress,
            log=log,
            stop=within,
            highs=highs,
        )
        if result.abandoned and highs is not None:  # still busy in its thread: a fresh copy
            highs = model.mip.to_highs()
        if result.status == "infeasible" or result.values is None:
            status = result.status if result.status == "infeasible" else "no_solution"
            if status == "no_solution" and stop.requested:
                status = stop.reason or "interrupted"
            yield k, None, status
            continue
        previous = result.values
        division = model.division(result.values)
        if division is None:
            raise RuntimeError("the solver's lots are not a division of the contract")
        evaluation = _checked(case, scenario, options, model, result.values, division)
        found[k] = canonical(_block_lots(evaluation, blocks).values())
        achieved = float(evaluation.metrics["objective"])
        status = "feasible" if sampled else result.status
        bound: float | None = achieved
        if status != "optimal":
            cheap = cheap_bound(scenario, options, blocks, k)
            known = [cheap] if sampled else [cheap, result.bound]
            known += [strong.bound] if strong is not None else []
            bound = max(achieved, min(b for b in known if b is not None and math.isfinite(b)))
        stopped = None
        if result.status != "optimal":
            stopped = stop.reason or ("work_limit" if work_limit is not None else "time_limit")
        if progress is not None:
            text = f"{status}: objective {achieved:,.0f}"
            progress(Event("done", text, objective=achieved, seconds=time.perf_counter() - began))
        plan = _plan(case, scenario, evaluation, result, status, bound, stopped, began, model)
        yield k, plan, status


def _neighbour(
    case: Case,
    judge: LotJudge,
    blocks: list[Block],
    found: Mapping[int, Division],
    k: int,
    settings: Settings,
) -> tuple[Division, Evaluation] | None:
    """A division with exactly k lots and its exact evaluation: the best one merge from the
    (k + 1)-lot division found, else one split from the (k − 1)-lot one, when it keeps every
    rule (the award cap included); None when neither gives one."""
    for near in (k + 1, k - 1):
        if near not in found:
            continue
        division = best_neighbour(judge, blocks, found[near], k, settings.tie_trials)
        if division is None:
            continue
        evaluation = evaluate_lots(case, judge.scenario, units_of(blocks, division), judge.options)
        if not evaluation.breaches:
            return division, evaluation
    return None


def _start_lots(listed: list[Candidate], division: Division) -> tuple[list[int], list[list[int]]]:
    """A known division as a start: its lots that are listed candidates (their numbers) and
    the rest as plain lots (block lists; the solver adds what credit they earn)."""
    index = {tuple(sorted(c.blocks)): i for i, c in enumerate(listed) if not c.reserved}
    chosen = [index[lot] for lot in division if lot in index]
    return chosen, [list(lot) for lot in division if lot not in index]


def _start_values(model: LotModel, listed: list[Candidate], division: Division) -> dict[int, float]:
    """A known division as the model's start (:func:`_start_lots`)."""
    return model.start(*_start_lots(listed, division))


def _block_lots(evaluation: Evaluation, blocks: Sequence[Block]) -> dict[int, tuple[int, ...]]:
    """Each lot of an evaluated division (by number) as the sorted tuple of its blocks."""
    block_of = {u: b for b, block in enumerate(blocks) for u in block.units}
    groups = evaluation.assignment.groupby("lot").indices
    return {
        int(lot): tuple(sorted({block_of[int(u)] for u in rows}))
        for lot, rows in sorted(groups.items())
    }


def _tied_rank(
    case: Case,
    scenario: Scenario,
    judge: LotJudge,
    blocks: list[Block],
    last: Plan,
    cuts: list[list[tuple[int, ...]]],
    settings: Settings,
) -> Evaluation | None:
    """The next rank when a division one block move from the last rank is worth as much
    (lotting/mip/neighbours.py: then it is a best next rank), checked exactly; None to solve for it.
    The last rank's reserved lots stay reserved and unchanged."""
    lots = last.evaluation.lots
    reserved = set(lots.loc[lots["reserved"].astype(bool), "lot"])
    fixed = [lot for n, lot in _block_lots(last.evaluation, blocks).items() if n in reserved]
    taken = [canonical(cut) for cut in cuts]
    worth = float(last.evaluation.metrics["objective"])

    reserved_units = [frozenset(lot) for lot in units_of(blocks, fixed)]
    found = tied_divisions(
        judge, blocks, taken[-1], taken, worth, fixed, settings.tie_trials, GAP_REL
    )
    for division in found:
        groups = units_of(blocks, division)
        tied = evaluate_lots(case, scenario, groups, judge.options, reserved=reserved_units)
        if not tied.breaches:  # the rules over the whole division hold too (the award cap)
            return tied
    return None


def _checked(
    case: Case,
    scenario: Scenario,
    options: Sequence[Option],
    model: LotModel,
    values: Sequence[float] | Mapping[int, float],
    division: list[list[int]],
) -> Evaluation:
    """The exact evaluation of the solver's division (every figure a plan reports comes from it).
    The model holds the same rules, so a breach is a bug, not a user's error: RuntimeError,
    which the CLI reports asking for the input files."""
    evaluation = evaluate_lots(case, scenario, division, options, reserved=model.reserved(values))
    if evaluation.breaches:
        raise RuntimeError(
            f"the solver's division breaks the scenario's rules ({'; '.join(evaluation.breaches)})"
        )
    return evaluation


def _plan(
    case: Case,
    scenario: Scenario,
    evaluation: Evaluation,
    result: SolverRun,
    status: str,
    bound: float | None,
    stopped: str | None,
    began: float,
    model: LotModel | None,
) -> Plan:
    """The plan of an evaluated division: its status and proven bound (the gap follows from
    them), why the run stopped early, the seconds since ``began`` and the model's size."""
    achieved = float(evaluation.metrics["objective"])
    return Plan(
        status=status,
        gap=relative_gap(achieved, bound),
        evaluation=evaluation,
        scenario=scenario,
        solver=result.name,
        seconds=time.perf_counter() - began,
        model_stats=model.stats if model is not None else {},
        boundaries=case.boundaries,
        bound=bound,
        stopped=stopped,
        inputs=case.hashes,
        case=case,
    )


def _start_breaks_rules(
    case: Case,
    scenario: Scenario,
    start: tuple[list[int], list[list[int]]],
    listed: list[Candidate],
    blocks: list[Block],
    options: list[Option],
) -> bool:
    """True when the greedy start breaks a rule the greedy does not know (the award cap)."""
    if not scenario.has_rules:
        return False
    division = _start_division(start, listed, blocks)
    return bool(evaluate_lots(case, scenario, division, options).breaches)


def cheap_bound(
    scenario: Scenario, options: Sequence[Option], blocks: Sequence[Block], fewest_lots: int = 1
) -> float:
    """A valid upper bound on the objective, known before any solve (so a gap is meaningful from
    the first second): as if every target supplier holding an option that can hold some block
    were reached, every block such an option can hold were open, with ``fewest_lots`` lots
    (and, with reserved lots allowed, the whole contract reserved).

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
    # reserved lots: at most the whole contract's value is reserved
    reservable = sum(b.value for b in blocks) if scenario.max_reserved > 0 else 0.0
    return objective(scenario, len(reached), open_value, fewest_lots, max(0.0, reservable))


def _raise_if_requested(stop: Stop, began: float, nothing: bool = True) -> None:
    """An outside stop before any plan exists ends the call with StoppedError (nothing to
    write); the deadline does not (the start, then the solver, still answer)."""
    if nothing and stop.requested:
        raise StoppedError(stop.reason or "interrupted", time.perf_counter() - began)


def evaluate(
    case: Case,
    scenario: Scenario | None,
    assignment: Mapping[str, Any] | pd.Series | pd.DataFrame,
    reserved: Collection[Any] = (),
) -> Plan:
    """Score a division the commissioner already has (unit → lot label) with the same figures;
    ``reserved`` holds the labels of the lots reserved for the reserve kinds.

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
    options = build_options(case, scenario)
    evaluation = evaluate_division(case, scenario, division, options, reserved)
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
    return units_of(blocks, [list(listed[c].blocks) for c in start[0]] + start[1])
