"""National scale (issue 14): the 600- and 1,140-unit UK cases, one ``lotting.solve`` each.

    python bench/national.py                     # UK600-adj at 120 s, UK1140-adj at 600 s
    python bench/national.py --cases UK600-adj --time-limit 120

Each case runs in a fresh subprocess so its peak resident memory is its own. Prints one JSON
line per case (status, objective, the proven bound and gap, the column-generation bound, the
seconds of the whole call, peak MiB) and writes them to bench/national.txt.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import cases as bench_cases  # noqa: E402

LIMITS = {"UK600-adj": 120.0, "UK1140-adj": 600.0}


def measure(case_id: str, time_limit: float) -> dict[str, Any]:
    """Solve the case once at the default scenario; the figures of the plan."""
    from lotting import Scenario, solve
    from lotting.progress import Event

    events: list[Event] = []
    with tempfile.TemporaryDirectory() as tmp:
        case = bench_cases.load(case_id, tmp)
        start = time.perf_counter()
        plan = solve(case, Scenario(), time_limit=time_limit, progress=events.append)
        total = time.perf_counter() - start
    stages = {e.kind: round(e.seconds, 1) for e in events if e.kind != "log"}
    strong = [e.bound for e in events if e.kind == "bound" and "column" in e.text]
    return {
        "case": case_id,
        "time_limit": time_limit,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "colgen_bound": strong[0] if strong else None,
        "total_s": round(total, 1),
        "stages_s": stages,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0),
    }


def main() -> None:
    """Run each case in its own process; print and write the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(LIMITS), help="comma-separated case ids")
    parser.add_argument("--time-limit", type=float, help="seconds (default 120 / 600)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=HERE / "national.txt", help="results file")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.time_limit)))
        return
    rows = []
    for case_id in args.cases.split(","):
        limit = args.time_limit or LIMITS.get(case_id, 120.0)
        command = [sys.executable, __file__, "--one", case_id, "--time-limit", str(limit)]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        lines = done.stdout.strip().splitlines()
        failed = json.dumps({"case": case_id, "time_limit": limit, "exit": done.returncode})
        rows.append(lines[-1] if done.returncode == 0 and lines else failed)
        print(rows[-1], flush=True)
    args.out.write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
