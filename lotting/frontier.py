"""The trade-off curve: for each number of lots, the best access it buys and what it costs."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Unpack

import pandas as pd

from lotting.errors import InfeasibleError, LottingError, NoSolutionError
from lotting.inputs.case import Case
from lotting.optimise import TIME_LIMIT, RunOptions, evaluate, solve, solve_each
from lotting.parallel import Target
from lotting.plan import Plan
from lotting.progress import Event
from lotting.scenario import Scenario
from lotting.stop import Stop

COLUMNS = [
    "k",
    "overhead",
    "reach",
    "open_value",
    "sub_reach",
    "objective",
    "status",
    "gap",
    "pareto",
    "chosen",
]


def frontier(
    case: Case,
    scenario: Scenario | None = None,
    *,
    client: Target = None,
    workers: int | None = 1,
    ks: Iterable[int] | None = None,
    chosen: Plan | None = None,
    **options: Unpack[RunOptions],
) -> pd.DataFrame:
    """For k = 1 .. max_lots, the division with exactly k lots that maximises access.

    Access is ``reach_value × reach + open_rate × open_value``; the overhead is ``lot_cost × k``.
    Rows say ``infeasible`` where no division has k lots; ``pareto`` marks points that no other
    point beats on overhead, reach and open value; ``chosen`` marks the plan :func:`solve` returns
    for the same scenario (its own division, so the two always agree). ``options`` are
    :func:`solve`'s (:class:`lotting.optimise.RunOptions`); ``time_limit`` and ``work_limit``
    (nodes) are per solve. One model serves every k
    (:func:`lotting.optimise.solve_each`: only the lot-count row changes), each k started from
    the one before. A ``stop`` request (Ctrl-C) ends it early: the k being
    solved keeps its best plan so far, and the k not reached are rows with status
    "interrupted"; before split's own plan exists it raises StoppedError. ``progress``
    receives every solve's events and, after each k, a ``lots`` event (``count`` k of ``of``
    max_lots, ``objective`` the best so far); ``log`` adds the solver's own log lines. The
    solves are independent: with ``client`` (a dask Client or scheduler address) or ``workers``
    > 1 (a local cluster; None = the cores) they run in parallel and give the same table;
    ``progress`` then gets only the ``lots`` events (``count`` the number solved so far, no
    objective), ``log`` is not used, and a stop request cancels the tasks (the sweep's own
    interrupt handling). ``ks`` limits the curve to those numbers of lots (the chosen plan's is
    always included), and ``chosen`` reuses a plan :func:`solve` already returned for this
    scenario: the report's bounded frontier.

    >>> case = load_case("data/example/contract.csv")  # doctest: +SKIP
    >>> frontier(case, Scenario(max_lots=4))["k"].tolist()  # doctest: +SKIP
    [1, 2, 3, 4]
    """
    scenario = scenario or Scenario()
    if client is not None or workers != 1:
        return _frontier_parallel(case, scenario, options, client, workers)
    start = time.perf_counter()
    stop = options["stop"] = options.get("stop") or Stop()
    progress = options.get("progress")
    if chosen is None:
        chosen = solve(case, scenario, **options)
    best = chosen.objective
    wanted = range(1, scenario.max_lots + 1) if ks is None else ks
    counts = sorted({k for k in wanted if 1 <= k <= scenario.max_lots} | {chosen.metrics["n_lots"]})
    scored = 1 if scenario.max_reserved == 0 else None  # one lot: scored, not solved
    n = chosen.metrics["n_lots"]
    # outwards from split's plan: each k starts from a neighbour of the k next to it
    todo = [k for k in sorted(counts, key=lambda k: (abs(k - n), k)) if k not in (n, scored)]
    solved = solve_each(
        case,
        scenario,
        todo,
        options.get("time_limit", TIME_LIMIT),
        options.get("solver", "highs"),
        options.get("work_limit"),
        options.get("settings"),
        progress,
        options.get("log", False),
        stop,
        around=chosen,
    )
    results: dict[int, tuple[Plan | None, str]] = {n: (chosen, chosen.status)}
    if scored is not None and scored in counts and scored != n:
        # one lot is one division: score it, no solve needed (with reserved lots allowed,
        # whether to reserve it is still a choice, so it is solved like any k)
        one = evaluate(case, scenario, dict.fromkeys(case.units, 1))
        results[scored] = (None, "infeasible")
        if not one.evaluation.breaches:
            results[scored] = (
                replace(one, status="optimal", gap=0.0, bound=one.objective),
                "optimal",
            )
    solves = iter(solved)
    for done in range(1, len(counts) + 1):
        if done > len(results):
            k, got, status = next(solves)
            results[k] = (got, status)
            best = max(best, got.objective) if got is not None else best
        if progress is not None:
            seconds = time.perf_counter() - start
            text = f"{done}/{len(counts)} lots solved, {seconds:.0f} s, best objective {best:,.0f}"
            progress(
                Event("lots", text, objective=best, count=done, of=len(counts), seconds=seconds)
            )
    rows = [_row(k, scenario, *results[k], results[k][0] is chosen) for k in counts]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["pareto"] = pareto_mask(table)
    return table


def _frontier_parallel(
    case: Case,
    scenario: Scenario,
    options: RunOptions,
    client: Target,
    workers: int | None,
) -> pd.DataFrame:
    """The frontier with every solve a task: split's own solve and one per k, all at once (the
    k that split's plan has is then solved twice, and its row is split's plan, as in turn)."""
    from lotting.sweep import Job, run_jobs

    start = time.perf_counter()
    ks = range(1, scenario.max_lots + 1)
    time_limit = options.get("time_limit", TIME_LIMIT)
    solver, work_limit = options.get("solver", "highs"), options.get("work_limit")
    jobs = [Job(scenario, time_limit, solver, work_limit, exact_lots=k) for k in (None, *ks)]
    progress = options.get("progress")

    def counted(done: int, running: int, total: int) -> None:
        if progress is not None and done > 1:  # one event per k: max_lots of them in all
            seconds = time.perf_counter() - start
            text = f"{done - 1}/{scenario.max_lots} lots solved, {seconds:.0f} s, {running} running"
            progress(Event("lots", text, count=done - 1, of=scenario.max_lots, seconds=seconds))

    outcomes = run_jobs(case, jobs, client=client, workers=workers, progress=counted)
    first = outcomes[0]
    if first.plan is None:
        if first.status == "infeasible":
            raise InfeasibleError([first.reason])
        if first.status == "no_solution":
            raise NoSolutionError(first.seconds)
        raise LottingError(first.reason)
    chosen = first.plan
    rows = []
    for k, outcome in zip(ks, outcomes[1:], strict=True):
        if k == chosen.metrics["n_lots"]:
            rows.append(_row(k, scenario, chosen, chosen.status, True))
        elif outcome.plan is not None:
            rows.append(_row(k, scenario, outcome.plan, outcome.status, False))
        elif outcome.status in ("infeasible", "no_solution"):
            rows.append(_row(k, scenario, None, outcome.status, False))
        else:
            raise LottingError(f"the solve for {k} lots failed: {outcome.reason}")
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["pareto"] = pareto_mask(table)
    return table


def _row(k: int, scenario: Scenario, plan: Plan | None, status: str, chosen: bool) -> dict:
    """One frontier row from a plan (or the empty row of an infeasible k)."""
    row = {"k": k, "overhead": scenario.lot_cost * k, "status": status, "chosen": chosen}
    if plan is None:
        nan = math.nan
        row.update(reach=nan, open_value=nan, sub_reach=nan, objective=nan, gap=nan)
    else:
        m = plan.metrics
        gap = plan.gap if plan.gap is not None else math.nan
        row.update(
            reach=m["reach"],
            open_value=m["open_value"],
            sub_reach=m["sub_reach"],
            objective=plan.objective,
            gap=gap,
        )
    row["pareto"] = False
    return row


def pareto_mask(table: pd.DataFrame) -> pd.Series:
    """True for feasible rows that no other feasible row matches or beats on all of lower
    overhead, higher reach and higher open value (with one strictly better)."""
    feasible = table["objective"].notna()
    points = table.loc[feasible, ["overhead", "reach", "open_value"]].to_numpy(float)
    keep = []
    for i, (cost, reach, value) in enumerate(points):
        dominated = any(
            c <= cost and r >= reach and v >= value and (c < cost or r > reach or v > value)
            for j, (c, r, v) in enumerate(points)
            if j != i
        )
        keep.append(not dominated)
    mask = pd.Series(False, index=table.index)
    mask[feasible] = keep
    return mask
