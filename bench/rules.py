"""Benchmark of issue 11: the award rules on the shipped example, and alternatives.

    python bench/rules.py                 # each rule alone, all together, alternatives 5
    python bench/rules.py --large         # also the 150-unit case L-adj, 60 s, with and without
                                          # --max-awards 2 --robust (two more minutes)

Writes the table to bench/rules-results.txt. Targets (issue 11): each row on the example proves
optimality in under 10 s; alternatives 5 within 5x one solve; L with the rules reaches no worse a
gap at 60 s than without.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from lotting import Scenario, load_case, solve  # noqa: E402

RULES = {
    "none": {},
    "--max-awards 2": {"max_awards": 2},
    "--max-reserved 2": {"max_reserved": 2},
    "--robust": {"robust": True},
    "all three": {"max_awards": 2, "max_reserved": 2, "robust": True},
}


def row(name: str, status: str, objective: float, gap: float | None, seconds: float) -> str:
    """One line of the table."""
    shown = "-" if gap is None else f"{100 * gap:.2f}%"
    return f"{name:<34} {status:<9} {objective:>12,.0f} {shown:>7} {seconds:>8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="also the 150-unit case L-adj")
    args = parser.parse_args()
    case = load_case(ROOT / "data" / "example" / "contract.csv")
    lines = [
        f"{'run (data/example)':<34} {'status':<9} {'objective':>12} {'gap':>7} {'seconds':>8}"
    ]
    single = 0.0
    for name, rule in RULES.items():
        began = time.perf_counter()
        plan = solve(case, Scenario(**rule), time_limit=60)
        seconds = time.perf_counter() - began
        single = seconds if name == "none" else single
        lines.append(row(name, plan.status, plan.objective, plan.gap, seconds))
        print(lines[-1], flush=True)
    began = time.perf_counter()
    plans = solve(case, Scenario(), time_limit=300, alternatives=5)
    seconds = time.perf_counter() - began
    objectives = ", ".join(f"{p.objective:,.0f}" for p in plans)
    lines.append(row("--alternatives 5", plans[-1].status, plans[-1].objective, None, seconds))
    lines.append(f"  ranks: {objectives}; {seconds / single:.1f}x one solve")
    print("\n".join(lines[-2:]), flush=True)
    if args.large:
        import tempfile

        import cases as bench_cases

        with tempfile.TemporaryDirectory() as tmp:
            large = bench_cases.load("L-adj", tmp)
            for name, rule in (
                ("L-adj, no rules", {}),
                ("L-adj, --max-awards 2 --robust", RULES["all three"]),
            ):
                rule = {k: v for k, v in rule.items() if k != "max_reserved"}
                began = time.perf_counter()
                plan = solve(large, Scenario(**rule), time_limit=60)
                lines.append(
                    row(name, plan.status, plan.objective, plan.gap, time.perf_counter() - began)
                )
                print(lines[-1], flush=True)
    (HERE / "rules-results.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
