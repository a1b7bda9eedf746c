"""Run a PuLP problem with HiGHS (default) or CBC and read the solver's own verdict.

PuLP's status word is not trusted after a time limit: HiGHS's model status and MIP dual bound, or
CBC's result line and gap from its log, decide between optimal, feasible and no answer.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulp

from lotting.progress import Event, Progress, relative_gap
from lotting.stop import Stop

SOLVERS = ("highs", "cbc")
#: Relative and absolute optimality tolerances: tight, so "optimal" means optimal.
GAP_REL = 1e-6
GAP_ABS = 1e-6


@dataclass(frozen=True)
class SolverRun:
    """What a solver said: status ("optimal", "feasible", "infeasible" or "no_solution"),
    the proven bound on the objective (None when unknown), seconds and solver name."""

    status: str
    bound: float | None
    seconds: float
    name: str


def run(
    problem: pulp.LpProblem,
    solver: str = "highs",
    time_limit: float | None = 60,
    start: dict[pulp.LpVariable, float] | None = None,
    presolve: bool = True,
    node_limit: int | None = None,
    progress: Progress | None = None,
    log: bool = False,
    stop: Stop | None = None,
) -> SolverRun:
    """Solve ``problem`` (a maximisation) with the named solver; ``time_limit`` None or 0 = none.

    ``stop`` ends a HiGHS solve at its next interrupt check (within a fraction of a second) once
    it is due, keeping the best solution found so far (CBC only gets its time limit from it).

    ``start`` gives values of some variables of a feasible solution for the solver to begin with;
    ``presolve=False`` skips HiGHS's presolve, which on very large models can take most of the
    time limit before the first bound. ``node_limit`` stops the branch and bound after that many
    nodes: a budget that, unlike seconds, gives the same answer on any machine. ``progress``
    receives HiGHS's improving solutions and, every few seconds, its incumbent, bound and gap
    (HiGHS callbacks, which only observe the search); ``log`` also sends each line of the
    solver's own log to ``progress`` as a ``log`` event (never to stdout).
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver '{solver}'; expected one of {', '.join(SOLVERS)}")
    limit = float(time_limit) if time_limit else None
    if stop is not None and stop.left() is not None:
        limit = min(limit or math.inf, max(0.1, stop.left() or 0.0))
    began = time.perf_counter()
    if solver == "highs":
        status, bound = _run_highs(
            problem, limit, start or {}, presolve, node_limit, progress, log, stop
        )
    else:
        status, bound = _run_cbc(problem, limit, start or {}, node_limit)
    return SolverRun(status, bound, time.perf_counter() - began, solver)


def _run_highs(
    problem: pulp.LpProblem,
    limit: float | None,
    start: dict[pulp.LpVariable, float],
    presolve: bool = True,
    node_limit: int | None = None,
    progress: Progress | None = None,
    log: bool = False,
    stop: Stop | None = None,
) -> tuple[str, float | None]:
    """HiGHS through highspy; status from the HiGHS model status, bound from its MIP info.

    With ``stop``, HiGHS's interrupt callbacks (MIP, simplex and IPM) ask it between steps; a
    due stop sets ``user_interrupt`` and HiGHS returns with its incumbent and bound.
    """
    import highspy
    import numpy as np

    began = time.perf_counter()

    class StartedHiGHS(pulp.HiGHS):
        """PuLP's HiGHS, handing HiGHS a (partial) starting solution before it runs."""

        def buildSolverModel(self, lp: pulp.LpProblem) -> None:
            """PuLP's model handed to HiGHS at once (:func:`_transfer`)."""
            _transfer(lp, lp.solverModel, self.mip)

        def callSolver(self, lp: pulp.LpProblem) -> None:
            highs = lp.solverModel
            if limit is not None:  # the transfer from PuLP counts, and reading back needs time
                left = max(0.1, 0.95 * limit - (time.perf_counter() - began))
                highs.setOptionValue("time_limit", left)
            if stop is not None:
                for event in (highs.cbMipInterrupt, highs.cbSimplexInterrupt, highs.cbIpmInterrupt):
                    event.subscribe(_interrupter(stop))
            if start:
                index = np.array([var.index for var in start], dtype=np.int32)
                value = np.array(list(start.values()), dtype=np.float64)
                highs.setSolution(len(index), index, value)
            if progress is not None:
                _watch(highs, progress, log)
            highs.run()

        def findSolutionValues(self, lp: pulp.LpProblem) -> tuple[int, int]:
            """PuLP's reading of the values; its status map lacks the statuses of node and
            solution limits (a KeyError after the values are read), which lotting reads itself."""
            try:
                return super().findSolutionValues(lp)
            except KeyError:
                return pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible

    options = {
        "mip_rel_gap": GAP_REL,
        "mip_abs_gap": GAP_ABS,
        "random_seed": 0,
        "threads": 1,
        "presolve": "on" if presolve else "off",
    }
    if node_limit is not None:
        options["mip_max_nodes"] = node_limit
    problem.solve(StartedHiGHS(msg=False, timeLimit=limit, **options))
    highs = problem.solverModel
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    kinds = highspy.HighsModelStatus
    if model_status == kinds.kOptimal:
        return "optimal", None
    if model_status in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible):
        return "infeasible", None
    bound = -float(info.mip_dual_bound)  # PuLP hands HiGHS the negated (minimised) objective
    return ("feasible" if has_solution else "no_solution"), bound


def _transfer(lp: pulp.LpProblem, highs: Any, mip: bool = True) -> None:
    """The same HiGHS model as PuLP's ``buildSolverModel`` (columns in ``lp.variables()`` order,
    rows in constraint order, zero coefficients left out, each ``index`` set), passed in three
    calls instead of one per column, row and integer column: PuLP's way took seconds on the
    150-unit case, time the solver's deadline cannot interrupt.
    """
    import highspy
    import numpy as np

    inf = highspy.kHighsInf
    sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0
    variables = lp.variables()
    for i, var in enumerate(variables):
        var.index = i
    objective = lp.objective
    cost = np.array([sign * objective.get(var, 0.0) for var in variables], dtype=np.float64)
    lower = np.array(
        [-inf if v.lowBound is None else v.lowBound for v in variables], dtype=np.float64
    )
    upper = np.array([inf if v.upBound is None else v.upBound for v in variables], dtype=np.float64)
    none = np.zeros(0, dtype=np.int32)
    highs.addCols(len(variables), cost, lower, upper, 0, none, none, np.zeros(0))
    if mip:
        integer = [v.index for v in variables if v.cat == pulp.LpInteger]
        if integer:
            kinds = np.full(len(integer), int(highspy.HighsVarType.kInteger), dtype=np.uint8)
            highs.changeColsIntegrality(len(integer), np.array(integer, dtype=np.int32), kinds)
    starts: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    row_lower: list[float] = []
    row_upper: list[float] = []
    for i, constraint in enumerate(lp._constraints.values()):
        constraint.index = i
        starts.append(len(columns))
        for var, coefficient in constraint.items():
            if coefficient != 0:
                columns.append(var.index)
                values.append(coefficient)
        lb, ub = constraint.getLb(), constraint.getUb()
        row_lower.append(-inf if lb is None else lb)
        row_upper.append(inf if ub is None else ub)
    if starts:
        highs.addRows(
            len(starts),
            np.array(row_lower, dtype=np.float64),
            np.array(row_upper, dtype=np.float64),
            len(columns),
            np.array(starts, dtype=np.int32),
            np.array(columns, dtype=np.int32),
            np.array(values, dtype=np.float64),
        )


def _interrupter(stop: Stop) -> Callable[[Any], None]:
    """A highspy callback that interrupts the solve once ``stop`` is due."""

    def check(event: Any) -> None:
        if stop.due():
            event.interrupt()

    return check


#: Seconds between the solver's bound-and-gap reports.
REPORT_EVERY = 2.0


def _watch(highs: Any, progress: Progress, log: bool) -> None:
    """Subscribe to HiGHS's callbacks: improving solutions, a report every REPORT_EVERY seconds
    and, with ``log``, the solver's log lines (its console output turned off). PuLP hands HiGHS
    the negated objective, so values are negated back."""
    last = [-REPORT_EVERY]

    def improving(e: Any) -> None:
        # the bound is left out: while HiGHS tries the start, it is that sub-problem's bound
        data = e.data_out
        objective = _finite(-data.objective_function_value)
        progress(Event("incumbent", "", objective, seconds=float(data.running_time)))

    def report(e: Any) -> None:
        data = e.data_out
        seconds = float(data.running_time)
        if seconds - last[0] >= REPORT_EVERY:
            last[0] = seconds
            objective, bound = _finite(-data.mip_primal_bound), _finite(-data.mip_dual_bound)
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


def _cbc_command(**kwargs: object) -> pulp.LpSolver:
    """PuLP's bundled CBC, under its PuLP 3 or PuLP 4 name."""
    for name in ("PULP_CBC_CMD", "CBC", "COIN_CMD"):
        command = getattr(pulp, name, None)
        if command is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return command(**kwargs)
    raise RuntimeError("this PuLP has no CBC solver")


def _run_cbc(
    problem: pulp.LpProblem,
    limit: float | None,
    start: dict[pulp.LpVariable, float],
    node_limit: int | None = None,
) -> tuple[str, float | None]:
    """CBC; status and gap from its log, as PuLP's mapping of "stopped" varies by version."""
    for var, value in start.items():
        var.setInitialValue(value)
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
    result = re.search(r"Result - (.*)", text)
    verdict = result.group(1).lower() if result else ""
    if "infeasible" in verdict:
        return "infeasible", None
    if "optimal solution found" in verdict:
        return "optimal", None
    if "no feasible solution found" in text.lower() or "Objective value:" not in text:
        return "no_solution", None
    upper = re.search(r"Upper bound:\s*(\S+)", text)  # CBC prints the bound in the max sense
    try:
        bound = float(upper.group(1)) if upper else None
    except ValueError:
        bound = None
    return "feasible", bound
