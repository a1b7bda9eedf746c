"""The trade-off curve: for each number of lots, the best access it buys and what it costs."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Unpack

import pandas as pd

from lotting.errors import InfeasibleError, LottingError, NoSolutionError
from lotting.inputs.case import Case
from lotting.optimise import TIME_LIMIT, RunOptions, evaluate, solve, solve_each
from lotting.parallel import Target
from lotting.plan import Plan
from lotting.progress import Event
from lotting.scenario import Scenario
from lotting.stop import Stop

if TYPE_CHECKING:
    from lotting.sweep import Outcome

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
    todo = [k for k in outwards(counts, n) if k != scored]
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
        single = _one_lot(case, scenario)
        results[scored] = (single, "optimal") if single is not None else (None, "infeasible")
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


@dataclass(frozen=True)
class Chain:
    """Lot counts that one task solves in turn on one model (:func:`solve_each`), each k from
    its neighbour's division; the ``first`` chain solves split's own plan before them and goes
    outwards from its number of lots."""

    scenario: Scenario
    counts: tuple[int, ...]
    time_limit: float | None
    solver: str
    work_limit: int | None
    first: bool = False


def solve_chain(case: Case, chain: Chain) -> dict[int | None, Outcome]:
    """Each count's outcome (None: split's own plan, in the first chain); a scenario with no
    division at all makes every outcome infeasible, an error every outcome failed."""
    from lotting.sweep import Outcome

    began = time.perf_counter()
    options = (chain.time_limit, chain.solver, chain.work_limit)
    outcomes: dict[int | None, Outcome] = {}
    counts: Iterable[int] = chain.counts
    around = None
    try:
        if chain.first:
            around = solve(
                case,
                chain.scenario,
                time_limit=options[0],
                solver=options[1],
                work_limit=options[2],
            )
            outcomes[None] = Outcome(around.status, around, "", time.perf_counter() - began)
            counts = outwards(chain.counts, around.metrics["n_lots"])
        for k, plan, status in solve_each(
            case, chain.scenario, list(counts), *options, around=around
        ):
            outcomes[k] = Outcome(status, plan, "", time.perf_counter() - began)
    except InfeasibleError as err:
        outcomes.setdefault(None, Outcome("infeasible", None, " ".join(err.reasons), 0.0))
        for k in chain.counts:
            outcomes.setdefault(k, Outcome("infeasible", None, " ".join(err.reasons), 0.0))
    except LottingError as err:
        outcomes.setdefault(
            None,
            Outcome(
                "no_solution" if isinstance(err, NoSolutionError) else "failed", None, str(err), 0.0
            ),
        )
        for k in chain.counts:
            outcomes.setdefault(k, Outcome("failed", None, str(err), 0.0))
    return {
        k: replace(o, plan=o.plan and replace(o.plan, boundaries=None)) for k, o in outcomes.items()
    }


def outwards(counts: Iterable[int], n: int) -> list[int]:
    """The counts other than n, nearest to n first (then the smaller): the order in which each
    k's neighbour (k ± 1) is solved before it, split's plan having n lots.

    >>> outwards([1, 2, 3, 4, 5], 4)
    [3, 5, 2, 1]
    """
    return sorted((k for k in counts if k != n), key=lambda k: (abs(k - n), k))


def chains(counts: Sequence[int], pieces: int) -> list[tuple[int, ...]]:
    """The counts in ``pieces`` runs of neighbouring numbers, as even as they go, the largest
    numbers first (that run also solves split's plan, whose number of lots is most often the
    largest).

    >>> chains([2, 3, 4, 5, 6], 2)
    [(4, 5, 6), (2, 3)]
    """
    pieces = max(1, min(pieces, len(counts)))
    ordered = sorted(counts)
    size, extra = divmod(len(ordered), pieces)
    runs, at = [], len(ordered)
    for i in range(pieces):
        length = size + (i < extra)
        runs.append(tuple(ordered[at - length : at]))
        at -= length
    return runs


def _frontier_parallel(
    case: Case,
    scenario: Scenario,
    options: RunOptions,
    client: Target,
    workers: int | None,
) -> pd.DataFrame:
    """The frontier with its lot counts in runs of neighbours (:func:`chains`), one task each,
    one task per worker: each run is one model solved k after k from its neighbour's division,
    as in turn, and the run of the largest counts also solves split's plan first (so the k it
    has is solved twice, and its row is split's plan, as in turn)."""
    from lotting.parallel import cores, run_tasks
    from lotting.sweep import Outcome

    start = time.perf_counter()
    scored = 1 if scenario.max_reserved == 0 else None
    ks = range(1, scenario.max_lots + 1)
    solved = [k for k in ks if k != scored]
    time_limit = options.get("time_limit", TIME_LIMIT)
    solver, work_limit = options.get("solver", "highs"), options.get("work_limit")
    runs = chains(solved, workers or cores()) or [()]
    tasks = [
        Chain(scenario, run, time_limit, solver, work_limit, first=i == 0)
        for i, run in enumerate(runs)
    ]
    progress = options.get("progress")
    sizes = [len(run) for run in runs]

    def counted(done: int, running: int, total: int) -> None:
        if progress is not None:  # one event per run of counts
            seconds = time.perf_counter() - start
            count = sum(sorted(sizes)[:done]) + (scored is not None)  # one lot is scored
            text = f"{count}/{len(ks)} lots solved, {seconds:.0f} s, {running} running"
            progress(Event("lots", text, count=count, of=len(ks), seconds=seconds))

    one = _one_lot(case, scenario) if scored is not None else None
    if scored is not None:
        counted(0, len(tasks), len(tasks))
    results = run_tasks(solve_chain, case, tasks, client=client, workers=workers, progress=counted)
    outcomes: dict[int | None, Outcome] = {}
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, dict):
            outcomes.update(result)
        else:  # the task failed outside the solve (a worker died twice)
            for k in (None, *task.counts) if task.first else task.counts:
                outcomes[k] = Outcome("failed", None, result.reason, math.nan)
    first = outcomes[None]
    if first.plan is None:
        if first.status == "infeasible":
            raise InfeasibleError([first.reason])
        if first.status == "no_solution":
            raise NoSolutionError(first.seconds)
        raise LottingError(first.reason)
    chosen = replace(first.plan, boundaries=case.boundaries)
    rows = []
    for k in ks:
        outcome = outcomes.get(k)
        if k == chosen.metrics["n_lots"]:
            rows.append(_row(k, scenario, chosen, chosen.status, True))
        elif k == scored:
            rows.append(_row(k, scenario, one, "optimal" if one else "infeasible", False))
        elif outcome is not None and outcome.plan is not None:
            plan = replace(outcome.plan, boundaries=case.boundaries)
            rows.append(_row(k, scenario, plan, outcome.status, False))
        elif outcome is not None and outcome.status in ("infeasible", "no_solution"):
            rows.append(_row(k, scenario, None, outcome.status, False))
        else:
            reason = outcome.reason if outcome is not None else "not solved"
            raise LottingError(f"the solve for {k} lots failed: {reason}")
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["pareto"] = pareto_mask(table)
    return table


def _one_lot(case: Case, scenario: Scenario) -> Plan | None:
    """The division into one lot, scored: one lot is one division, so it is optimal with no solve
    (None when it breaks a rule). With reserved lots allowed, whether to reserve it is still a
    choice, and the callers solve it like any k."""
    one = evaluate(case, scenario, dict.fromkeys(case.units, 1))
    if one.evaluation.breaches:
        return None
    return replace(one, status="optimal", gap=0.0, bound=one.objective)


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
