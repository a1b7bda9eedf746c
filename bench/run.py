"""Benchmark of issue 5: lotting against the straightforward compact model, case by case.

    python bench/run.py                  # every case and method (30+ minutes)
    python bench/run.py --quick          # S and M, one run each
    python bench/run.py --cases M --methods lotting,baseline-highs --time-limit 30

Each measurement runs in a fresh subprocess (``--one CASE METHOD``), so its peak memory is its
own. The table is printed and written to bench/results.csv, followed by lotting's time (or gap)
relative to each baseline, per case.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import cases as bench_cases  # noqa: E402

METHODS = ("lotting", "baseline-highs", "baseline-cbc", "frontier")
FRONTIER_CASE = "M-adj"
COLUMNS = [
    "case",
    "method",
    "units",
    "contiguity",
    "variables",
    "constraints",
    "build_s",
    "solve_s",
    "solver_s",
    "total_s",
    "status",
    "gap",
    "objective",
    "peak_mib",
    "runs",
    "time_limit",
]
FINISHED = ("optimal", "infeasible")


def peak_mib() -> float:
    """Peak resident memory of this process plus its largest child (e.g. the CBC binary), MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024.0


def measure_lotting(case_id: str, time_limit: float) -> dict[str, Any]:
    """Time lotting's build on its own, then a full ``lotting.solve``."""
    from lotting import InfeasibleError, NoSolutionError, Scenario, solve

    with tempfile.TemporaryDirectory() as tmp:
        case = bench_cases.load(case_id, tmp)
        scenario = Scenario()
        build_s, stats = lotting_build(case, scenario)
        start = time.perf_counter()
        seen: list[Any] = []
        try:
            plan = solve(case, scenario, time_limit=time_limit, progress=seen.append)
        except InfeasibleError:
            return {"status": "infeasible", "total_s": time.perf_counter() - start}
        except NoSolutionError as err:
            return {
                "status": "no_solution",
                "total_s": time.perf_counter() - start,
                "err": str(err),
            }
        total = time.perf_counter() - start
        stats = plan.model_stats or stats
    return {
        "status": plan.status,
        "gap": plan.gap,
        "objective": plan.objective,
        "variables": stats.get("variables"),
        "constraints": stats.get("constraints"),
        "build_s": build_s,
        "solve_s": total - build_s,  # Plan.seconds covers the whole call, build included
        "solver_s": solver_seconds(seen),
        "total_s": total,
    }


def solver_seconds(events: list[Any]) -> float:
    """Seconds the solver itself took: from the "model" event (the model built, handed to
    HiGHS) to the "done" event; NaN when either is missing."""
    times = {e.kind: e.seconds for e in events if e.kind in ("model", "done")}
    if len(times) < 2 or None in times.values():
        return math.nan
    return float(times["done"] - times["model"])


def lotting_build(case: Any, scenario: Any) -> tuple[float, dict[str, int]]:
    """Seconds to build lotting's model (options, blocks, checks, candidates, MIP) and its size.

    Calls the steps of ``lotting.optimise.solve`` up to the solver; NaN when they have changed.
    """
    try:
        from lotting.mip.candidates import listed_candidates
        from lotting.mip.diagnose import infeasibility_reasons
        from lotting.mip.model import build_model
        from lotting.rules.blocks import make_blocks
        from lotting.rules.options import build_options

        start = time.perf_counter()
        options = build_options(case, scenario)
        blocks = make_blocks(case)
        infeasibility_reasons(case, scenario, options, blocks)
        listed, credited = listed_candidates(case, scenario, options, blocks)
        model = build_model(scenario, options, blocks, case.adjacency, listed, credited)
        return time.perf_counter() - start, dict(model.stats)
    except (ImportError, TypeError, AttributeError, ValueError):
        return math.nan, {}


def measure_baseline(case_id: str, solver: str, time_limit: float) -> dict[str, Any]:
    """Build and solve the baseline with one solver; score its division exactly."""
    from baseline import solve_baseline

    from lotting import Scenario

    with tempfile.TemporaryDirectory() as tmp:
        case = bench_cases.load(case_id, tmp)
        start = time.perf_counter()
        result = solve_baseline(case, Scenario(), solver, time_limit)
        total = time.perf_counter() - start
    status = result.status
    if result.breaches:
        status = "WRONG: " + "; ".join(result.breaches)
    return {
        "status": status,
        "gap": result.gap,
        "objective": result.objective,
        "model_objective": result.model_objective,
        "variables": result.stats["variables"],
        "constraints": result.stats["constraints"],
        "build_s": result.build_seconds,
        "solve_s": result.solve_seconds,
        "total_s": total,
    }


def measure_frontier(case_id: str, time_limit: float) -> dict[str, Any]:
    """Time ``lotting.frontier`` (one solve per lot count plus the chosen plan)."""
    from lotting import Scenario, frontier

    with tempfile.TemporaryDirectory() as tmp:
        case = bench_cases.load(case_id, tmp)
        start = time.perf_counter()
        table = frontier(case, Scenario(), time_limit=time_limit)
        total = time.perf_counter() - start
    counts = table["status"].value_counts()
    gaps = table["gap"].dropna()
    return {
        "status": " ".join(f"{n}×{s}" for s, n in counts.items()),
        "gap": float(gaps.max()) if len(gaps) else None,
        "objective": float(table["objective"].max()),
        "total_s": total,
    }


def one(case_id: str, method: str, time_limit: float, out: Path | None) -> None:
    """Run one measurement in this process and write (or print) it as JSON."""
    if method == "lotting":
        row = measure_lotting(case_id, time_limit)
    elif method.startswith("baseline-"):
        row = measure_baseline(case_id, method.removeprefix("baseline-"), time_limit)
    elif method == "frontier":
        row = measure_frontier(case_id, time_limit)
    else:
        raise ValueError(f"unknown method '{method}'; expected one of {', '.join(METHODS)}")
    row["peak_mib"] = peak_mib()
    text = json.dumps(row)
    if out is None:
        print(text)
    else:
        out.write_text(text)


def spawn(case_id: str, method: str, time_limit: float) -> dict[str, Any]:
    """Run one measurement in a fresh subprocess; kill its process group if it overruns."""
    solves = 21 if method == "frontier" else 1
    guard = solves * time_limit * 2 + 600
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "row.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--one", case_id, method]
        command += ["--time-limit", str(time_limit), "--out", str(out)]
        proc = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE, text=True)
        try:
            _, err = proc.communicate(timeout=guard)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {"status": f"killed after {guard:.0f} s"}
        if proc.returncode != 0 or not out.exists():
            last = (err or "").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            return {"status": f"error: {last[0][:120]}"}
        return json.loads(out.read_text())


def measure(case_id: str, method: str, time_limit: float, repeats: int) -> dict[str, Any]:
    """Median times of up to ``repeats`` runs; stops repeating once a run hits its time limit."""
    runs = []
    for _ in range(repeats):
        runs.append(spawn(case_id, method, time_limit))
        if runs[-1].get("status") not in FINISHED:
            break
    size, contiguity = bench_cases.parse(case_id)
    row: dict[str, Any] = {
        "case": case_id,
        "method": method,
        "units": size.units,
        "contiguity": contiguity,
        "runs": len(runs),
        "time_limit": time_limit,
    }
    for key in ("build_s", "solve_s", "solver_s", "total_s", "gap", "objective"):
        numbers = [r[key] for r in runs if isinstance(r.get(key), int | float)]
        row[key] = statistics.median(numbers) if numbers else math.nan
    for key in ("variables", "constraints"):
        row[key] = runs[-1].get(key)
    row["peak_mib"] = max((r.get("peak_mib") or math.nan) for r in runs)
    statuses = list(dict.fromkeys(str(r.get("status")) for r in runs))
    row["status"] = "/".join(statuses)
    model_objective = runs[-1].get("model_objective")
    if runs[-1].get("status") == "optimal" and isinstance(model_objective, int | float):
        objective = runs[-1].get("objective") or 0.0
        if abs(model_objective - objective) > 1e-6 * max(1.0, abs(objective)):
            row["status"] += f" (model said {model_objective:,.2f})"
    return row


def ratios(table: pd.DataFrame) -> list[str]:
    """Per case: lotting's time over each baseline's, or the gaps when a baseline did not finish."""
    lines = []
    for case_id, group in table.groupby("case", sort=False):
        rows = {r["method"]: r for _, r in group.iterrows()}
        ours = rows.get("lotting")
        if ours is None:
            continue
        for method in ("baseline-highs", "baseline-cbc"):
            base = rows.get(method)
            if base is None:
                continue
            lines.append(f"{case_id:9} {ratio_line(ours, base, method)}")
    return lines


def ratio_line(ours: pd.Series, base: pd.Series, method: str) -> str:
    """One comparison of lotting with one baseline."""
    t_ours, t_base = ours["total_s"], base["total_s"]
    ratio = t_ours / t_base if t_base and not math.isnan(t_base) else math.nan
    ours_done = ours["status"] == "optimal"
    base_done = base["status"] == "optimal"
    text = f"lotting/{method}: "
    if base_done:
        text += f"time ratio {ratio:.3g} ({1 / ratio:.3g}× faster)" if ratio else "n/a"
    elif ours_done:
        text += (
            f"{method} did not finish ({base['status']}, gap {fmt_gap(base['gap'])} "
            f"after {fmt_s(t_base)}); lotting optimal in {t_ours:.1f} s: "
            f"time ratio ≤ {ratio:.3g} (≥ {1 / ratio:.3g}× faster)"
        )
    else:
        text += (
            f"neither finished; gaps at the same time limit: lotting {fmt_gap(ours['gap'])} "
            f"({ours['status']}, {fmt_s(t_ours)}) vs {method} {fmt_gap(base['gap'])} "
            f"({base['status']}, {fmt_s(t_base)})"
        )
    check = objective_check(ours, base, ours_done, base_done)
    return text + (f"  !! {check}" if check else "")


def objective_check(ours: pd.Series, base: pd.Series, ours_done: bool, base_done: bool) -> str:
    """A warning when the exact objectives contradict a status (empty when they agree)."""
    a, b = ours["objective"], base["objective"]
    if any(isinstance(v, float) and math.isnan(v) for v in (a, b)):
        return ""
    tol = 1e-6 * max(1.0, abs(a), abs(b))
    if ours_done and b > a + tol:
        return f"baseline found a better division ({b:,.2f} > {a:,.2f}) than lotting's optimum"
    if ours_done and base_done and abs(a - b) > tol:
        return f"both optimal but objectives differ ({a:,.2f} vs {b:,.2f})"
    if base_done and a > b + tol:
        return f"lotting beat the baseline's 'optimal' ({a:,.2f} > {b:,.2f})"
    return ""


def fmt_s(seconds: float) -> str:
    """Seconds with one decimal, or '?' when unknown (a killed run)."""
    return "? s" if seconds is None or math.isnan(seconds) else f"{seconds:.1f} s"


def fmt_gap(gap: float) -> str:
    """A gap as a percentage, or '?' when unknown."""
    return "?" if gap is None or math.isnan(gap) else f"{100 * gap:.2f} %"


def plan_runs(args: argparse.Namespace) -> list[tuple[str, str, float, int]]:
    """(case, method, time limit, repeats) of every measurement asked for."""
    spec = "S,M" if args.quick and args.cases is None else (args.cases or "S,M,L,XL")
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    for method in methods:
        if method not in METHODS:
            raise SystemExit(f"unknown method '{method}'; expected some of {', '.join(METHODS)}")
    todo = []
    for case_id in bench_cases.select(spec):
        size, _ = bench_cases.parse(case_id)
        limit = args.time_limit * size.time_factor
        repeats = 1 if args.quick else (args.repeats or size.repeats)
        for method in methods:
            if method == "frontier":
                if case_id == FRONTIER_CASE:
                    todo.append((case_id, method, args.time_limit, 1))
            else:
                todo.append((case_id, method, limit, repeats))
    return todo


def main(argv: list[str] | None = None) -> None:
    """Parse the command line; run one measurement (``--one``) or the whole benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help="sizes or case ids, e.g. S,M or M-adj (default all)")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset")
    parser.add_argument("--repeats", type=int, help="runs per measurement (default 3 S/M, 1 L/XL)")
    parser.add_argument("--time-limit", type=float, default=60, help="seconds per solve (XL ×2)")
    parser.add_argument("--quick", action="store_true", help="S and M only, one run each")
    parser.add_argument("--csv", type=Path, default=HERE / "results.csv", help="results file")
    parser.add_argument("--show", action="store_true", help="print the --csv results; run nothing")
    parser.add_argument("--one", nargs=2, metavar=("CASE", "METHOD"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        one(args.one[0], args.one[1], args.time_limit, args.out)
        return

    if args.show:
        show(pd.read_csv(args.csv), args.csv)
        return
    rows = []
    for case_id, method, limit, repeats in plan_runs(args):
        print(f"… {case_id} {method} (limit {limit:g} s, up to {repeats} run(s))", flush=True)
        rows.append(measure(case_id, method, limit, repeats))
        print(f"  {rows[-1]['status']}, {rows[-1]['total_s']:.2f} s", flush=True)
        pd.DataFrame(rows, columns=COLUMNS).to_csv(args.csv, index=False)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.to_csv(args.csv, index=False)
    show(table, args.csv)


def show(table: pd.DataFrame, path: Path) -> None:
    """Print the results table and the per-case ratios."""
    pd.set_option("display.width", 200)
    shown = table.copy()
    for key in ("variables", "constraints"):
        shown[key] = shown[key].astype("Int64")
    shown["gap"] = shown["gap"].map(fmt_gap)
    print()
    print(shown.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    print(f"\nresults: {path}\n")
    for line in ratios(table):
        print(line)


if __name__ == "__main__":
    main()
