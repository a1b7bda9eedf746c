"""Run a built model (:class:`lotting.mip.model.ModelBuilder`) with HiGHS (default) or CBC and
read the solver's own verdict.

HiGHS takes the model's arrays directly (``passModel``); only CBC goes through PuLP. PuLP's status
word is not trusted after a time limit: HiGHS's model status and MIP dual bound, or CBC's result
line and gap from its log, decide between optimal, feasible and no answer.
"""

from __future__ import annotations

import math
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lotting.mip.model import ModelBuilder, Var
from lotting.progress import Event, Progress, relative_gap
from lotting.stop import Stop

SOLVERS = ("highs", "cbc")
#: Relative and absolute optimality tolerances: tight, so "optimal" means optimal.
GAP_REL = 1e-6
GAP_ABS = 1e-6


@dataclass(frozen=True)
class SolverRun:
    """What a solver said: status ("optimal", "feasible", "infeasible" or "no_solution"),
    the proven bound on the objective (None when unknown), seconds and solver name; ``values``
    the solution by column (None without one), ``reduced`` the reduced costs of an LP;
    ``abandoned`` when HiGHS was left running past its deadline (:func:`_run_watched`): its
    ``highspy.Highs`` must not be used again."""

    status: str
    bound: float | None
    seconds: float
    name: str
    values: list[float] | None = field(default=None, repr=False, compare=False)
    reduced: list[float] | None = field(default=None, repr=False, compare=False)
    abandoned: bool = False


#: Seconds HiGHS may run past its deadline (plus this share of its time limit), or past a stop
#: request, before it is abandoned: it checks its limit and interrupt only between steps.
GRACE = 1.0
GRACE_SHARE = 0.03


def run(
    model: ModelBuilder,
    solver: str = "highs",
    time_limit: float | None = 60,
    start: Mapping[Var, float] | None = None,
    presolve: bool = True,
    node_limit: int | None = None,
    progress: Progress | None = None,
    log: bool = False,
    stop: Stop | None = None,
    highs: Any = None,
    every_rule: bool = False,
) -> SolverRun:
    """Solve ``model`` (a maximisation) with the named solver; ``time_limit`` None or 0 = none.

    ``stop`` ends a HiGHS solve at its next interrupt check (within a fraction of a second) once
    it is due, keeping the best solution found so far (CBC only gets its time limit from it).

    ``start`` gives values of some variables of a feasible solution for the solver to begin with;
    ``presolve=False`` skips HiGHS's presolve, which on very large models can take most of the
    time limit before the first bound. ``node_limit`` stops the branch and bound after that many
    nodes: a budget that, unlike seconds, gives the same answer on any machine. ``progress``
    receives HiGHS's improving solutions and, every few seconds, its incumbent, bound and gap
    (HiGHS callbacks, which only observe the search); ``log`` also sends each line of the
    solver's own log to ``progress`` as a ``log`` event (never to stdout). ``highs`` is a
    ``highspy.Highs`` already holding this model (``model.to_highs()``), perhaps with changed
    row bounds: the frontier solves one model for every k. HiGHS presolves without the rules
    of :data:`PRESOLVE_RULES_OFF` unless ``every_rule`` (the start's packing MIPs, which are
    not this model and were tuned with them). Without presolve they stay in too: HiGHS's
    restarts and sub-MIP heuristics presolve with them, and at 1,140 units those found the
    best division (4,509,750; 4,306,900 without them).
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver '{solver}'; expected one of {', '.join(SOLVERS)}")
    limit = float(time_limit) if time_limit else None
    if stop is not None and stop.left() is not None:
        limit = min(limit or math.inf, max(0.1, stop.left() or 0.0))
    began = time.perf_counter()
    if model.count == 0:  # HiGHS calls a model without columns "empty", not solved
        empty = all(lo <= 0 <= hi for lo, hi in zip(model.row_lower, model.row_upper, strict=True))
        status = "optimal" if empty else "infeasible"
        return SolverRun(status, None, time.perf_counter() - began, solver, [], [])
    if solver == "highs":
        highs = model.to_highs() if highs is None else highs
        rules_off = 0 if every_rule or not presolve else PRESOLVE_RULES_OFF
        status, bound, values, reduced = _run_highs(
            highs, limit, start or {}, presolve, node_limit, progress, log, stop, began, rules_off
        )
    else:
        status, bound, values, reduced = _run_cbc(model, limit, start or {}, node_limit)
    seconds = time.perf_counter() - began
    abandoned = status == ABANDONED
    status = "no_solution" if abandoned else status
    return SolverRun(status, bound, seconds, solver, values, reduced, abandoned)


def _run_highs(
    highs: Any,
    limit: float | None,
    start: Mapping[Var, float],
    presolve: bool = True,
    node_limit: int | None = None,
    progress: Progress | None = None,
    log: bool = False,
    stop: Stop | None = None,
    began: float = 0.0,
    rules_off: int = 0,
) -> tuple[str, float | None, list[float] | None, list[float] | None]:
    """HiGHS through highspy; status from the HiGHS model status, bound from its MIP info.

    With ``stop``, HiGHS's interrupt callbacks (MIP, simplex and IPM) ask it between steps; a
    due stop sets ``user_interrupt`` and HiGHS returns with its incumbent and bound.
    """
    import highspy
    import numpy as np

    options: dict[str, Any] = {
        "mip_rel_gap": GAP_REL,
        "mip_abs_gap": GAP_ABS,
        "random_seed": 0,
        "threads": 1,
        "presolve": "on" if presolve else "off",
        "presolve_rule_off": rules_off,
        "mip_max_nodes": node_limit if node_limit is not None else highspy.kHighsIInf,
        "time_limit": highspy.kHighsInf,
        "output_flag": False,
    }
    if limit is not None:  # building the model counts, and reading back needs time
        options["time_limit"] = max(0.1, 0.95 * limit - (time.perf_counter() - began))
    for name, value in options.items():
        highs.setOptionValue(name, value)
    events = (
        highs.cbMipInterrupt,
        highs.cbSimplexInterrupt,
        highs.cbIpmInterrupt,
        highs.cbMipImprovingSolution,
        highs.cbMipLogging,
        highs.cbLogging,
    )
    for event in events:  # a reused model keeps no callbacks of an earlier solve
        event.clear()
    dual = [math.inf]  # the MIP's bound at its last interrupt check: kept if it is abandoned
    cancel = threading.Event()  # set when the solve is abandoned or the wait interrupted
    for event, kept in zip(events[:3], (dual, None, None), strict=True):
        event.subscribe(_interrupter(stop, cancel, kept))
    if start:
        index = np.array(list(start), dtype=np.int32)
        value = np.array(list(start.values()), dtype=np.float64)
        highs.setSolution(len(index), index, value)
    if progress is not None:
        _watch(highs, progress, log)
    deadline = None if limit is None else began + limit * (1 + GRACE_SHARE) + GRACE
    if _run_watched(highs, deadline, stop, cancel):
        return ABANDONED, _finite(dual[0]), None, None
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    solution = highs.getSolution()
    values = list(solution.col_value) if has_solution else None
    reduced = list(solution.col_dual) if solution.dual_valid else None
    kinds = highspy.HighsModelStatus
    if model_status == kinds.kOptimal:
        return "optimal", None, values, reduced
    if model_status in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible):
        return "infeasible", None, None, None
    bound = float(info.mip_dual_bound)
    return ("feasible" if has_solution else "no_solution"), bound, values, reduced


#: HiGHS presolve rules left out (its ``presolve_rule_off`` bits): probing (2^15) and
#: enumeration (2^16). On this model probing each binary propagates through a compact family's
#: linked rows: on the frontier of the example presolve was 0.43 s of a 0.46 s solve, and
#: without the two rules the example under each award rule, and the frontier, solve in about
#: four fifths of the time (the root's own cuts and restarts do the same work later, cheaper).
PRESOLVE_RULES_OFF = 2**15 + 2**16

#: The status :func:`_run_highs` gives a solve it abandoned (``SolverRun.abandoned``).
ABANDONED = "abandoned"


def _run_watched(
    highs: Any, deadline: float | None, stop: Stop | None, cancel: threading.Event | None = None
) -> bool:
    """Run HiGHS in a thread of its own (highspy releases the GIL) and wait for it; True when it
    was abandoned, still busy at ``deadline`` (a ``time.perf_counter`` reading) or ``GRACE``
    seconds after a stop request. HiGHS checks its time limit and interrupt callbacks only
    between steps, and at the root of a large model one step ran 80 s past its limit (the
    300-unit bench case); left behind, it stops itself at its next check (``cancel``, which its
    interrupt callbacks read, is set). An error in the solver thread is raised here, and so is
    a KeyboardInterrupt of the wait, once ``cancel`` is set."""
    cancel = cancel or threading.Event()
    done = threading.Event()
    failed: list[BaseException] = []

    def solve() -> None:
        try:
            highs.run()
        except BaseException as err:  # handed to the waiting thread
            failed.append(err)
        finally:
            done.set()

    threading.Thread(target=solve, name="highs", daemon=True).start()
    asked: float | None = None
    try:
        while not done.wait(0.05):
            now = time.perf_counter()
            if asked is None and stop is not None and stop.requested:
                asked = now
            late = deadline is not None and now > deadline
            if late or (asked is not None and now > asked + GRACE):
                cancel.set()
                return True
    except BaseException:  # Ctrl-C in a notebook: the solve stops at its next check
        cancel.set()
        raise
    if failed:
        raise failed[0]
    return False


def solver_running() -> bool:
    """True while an abandoned HiGHS solve (:func:`_run_watched`) is still busy in its thread: a
    process should then end with ``os._exit``, as HiGHS's own threads abort the interpreter's
    normal shutdown ("terminate called without an active exception")."""
    return any(t.name == "highs" and t.is_alive() for t in threading.enumerate())


def _interrupter(
    stop: Stop | None, cancel: threading.Event, dual: list[float] | None = None
) -> Callable[[Any], None]:
    """A highspy interrupt callback: it interrupts the solve once ``stop`` is due or ``cancel``
    is set, and (MIP checks) keeps the solver's bound in ``dual``."""

    def check(event: Any) -> None:
        if dual is not None:
            dual[0] = event.data_out.mip_dual_bound
        if cancel.is_set() or (stop is not None and stop.due()):
            event.interrupt()

    return check


#: Seconds between the solver's bound-and-gap reports.
REPORT_EVERY = 2.0


def _watch(highs: Any, progress: Progress, log: bool) -> None:
    """Subscribe to HiGHS's callbacks: improving solutions, a report every REPORT_EVERY seconds
    and, with ``log``, the solver's log lines (its console output turned off)."""
    last = [-REPORT_EVERY]

    def improving(e: Any) -> None:
        # the bound is left out: while HiGHS tries the start, it is that sub-problem's bound
        data = e.data_out
        objective = _finite(data.objective_function_value)
        progress(Event("incumbent", "", objective, seconds=float(data.running_time)))

    def report(e: Any) -> None:
        data = e.data_out
        seconds = float(data.running_time)
        if seconds - last[0] >= REPORT_EVERY:
            last[0] = seconds
            objective, bound = _finite(data.mip_primal_bound), _finite(data.mip_dual_bound)
            gap = relative_gap(objective, bound)
            progress(Event("bound", "", objective, bound, gap, seconds=seconds))

    highs.cbMipImprovingSolution.subscribe(improving)
    highs.cbMipInterrupt.subscribe(report)
    # HiGHS's MIP log lines come every few seconds even at the root node, where the interrupt
    # callback is rare; logging is on but never to the console (stdout stays the CLI's).
    highs.setOptionValue("output_flag", True)
    highs.setOptionValue("log_to_console", False)
    highs.cbMipLogging.subscribe(report)
    if log:
        pending = [""]

        def line(e: Any) -> None:  # HiGHS sends pieces of lines: pass on whole ones
            *done, pending[0] = (pending[0] + str(e.message)).split("\n")
            for text in done:
                progress(Event("log", text))

        highs.cbLogging.subscribe(line)


def _finite(value: float) -> float | None:
    """A number, or None for HiGHS's ±inf (nothing known yet)."""
    return float(value) if math.isfinite(value) else None


def _cbc_command(**kwargs: object) -> Any:
    """PuLP's bundled CBC, under its PuLP 3 or PuLP 4 name."""
    import pulp

    for name in ("PULP_CBC_CMD", "CBC", "COIN_CMD"):
        command = getattr(pulp, name, None)
        if command is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return command(**kwargs)
    raise RuntimeError("this PuLP has no CBC solver")


def _run_cbc(
    model: ModelBuilder,
    limit: float | None,
    start: Mapping[Var, float],
    node_limit: int | None = None,
) -> tuple[str, float | None, list[float] | None, list[float] | None]:
    """CBC through PuLP; status and gap from its log, as PuLP's mapping of "stopped" varies by
    version."""
    import pulp

    problem, variables = model.to_pulp()
    for col, value in start.items():
        variables[col].setInitialValue(value)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "cbc.log"
        cmd = _cbc_command(
            msg=False,
            timeLimit=limit,
            gapRel=GAP_REL,
            gapAbs=GAP_ABS,
            logPath=str(log),
            warmStart=bool(start),
            options=[f"maxNodes {node_limit}"] if node_limit is not None else [],
        )
        problem.solve(cmd)
        text = log.read_text(errors="replace") if log.exists() else ""
    values = [var.value() or 0.0 for var in variables]
    reduced = [var.dj or 0.0 for var in variables]
    result = re.search(r"Result - (.*)", text)
    verdict = result.group(1).lower() if result else ""
    # CBC's presolve may prove infeasibility without a result line; PuLP reads its solution file
    if "infeasible" in verdict or problem.status == pulp.LpStatusInfeasible:
        return "infeasible", None, None, None
    if "optimal solution found" in verdict:
        return "optimal", None, values, reduced
    if "no feasible solution found" in text.lower() or "Objective value:" not in text:
        return "no_solution", None, None, None
    upper = re.search(r"Upper bound:\s*(\S+)", text)  # CBC prints the bound in the max sense
    try:
        bound = float(upper.group(1)) if upper else None
    except ValueError:
        bound = None
    return "feasible", bound, values, reduced
