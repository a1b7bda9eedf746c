"""Regenerate the images in docs/ from the example case: ``make docs`` (``python docs/build.py``).

Two steps, so the test that keeps the images current (tests/test_docs.py) stays fast:

1. ``--solve`` (what ``make docs`` runs): solve the example with the default scenario and no time
   limit (so the answer is the proven optimum, whatever the machine's load), and its frontier, and
   store them as docs/assignment.csv and docs/frontier.csv. This takes a few minutes.
2. Always: draw docs/lots.png, docs/map.png, docs/frontier.png and docs/partners.png from those
   two tables and the example's files, with the very code ``lotting split``, ``frontier`` and
   ``check`` use, under matplotlib's default style (no local matplotlibrc), and record in
   docs/images.json the SHA-256 of each image and the matplotlib version that drew it.

The PNGs carry no timestamp or software tag, so the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import matplotlib
import matplotlib.style
import pandas as pd

from lotting import Scenario, evaluate, frontier, load_case, read_assignment, solve
from lotting.files import write_csv
from lotting.plot.frontier import plot_frontier
from lotting.plot.partners import plot_partners
from lotting.plot.style import save_figure

DOCS = Path(__file__).resolve().parent
CONTRACT = DOCS.parent / "data" / "example" / "contract.csv"
IMAGES = ("lots.png", "map.png", "frontier.png", "partners.png")


def solve_example(docs: Path = DOCS) -> None:
    """Write docs/assignment.csv (the optimal division) and docs/frontier.csv."""
    case = load_case(CONTRACT)
    plan = solve(case, Scenario(), time_limit=None)
    write_csv(plan.assignment[["unit", "lot"]], docs / "assignment.csv")
    write_csv(frontier(case, Scenario(), time_limit=None), docs / "frontier.csv")


def draw(out: Path, docs: Path = DOCS) -> dict[str, str]:
    """Draw the four images into ``out`` from the tables in ``docs``; returns name → SHA-256."""
    case = load_case(CONTRACT)
    plan = evaluate(case, Scenario(), read_assignment(docs / "assignment.csv", case))
    table = pd.read_csv(docs / "frontier.csv")
    out.mkdir(parents=True, exist_ok=True)
    with matplotlib.style.context("default"):
        save_figure(plan.plot(), out / "lots.png")
        save_figure(plan.map_figure().axes[0], out / "map.png")
        save_figure(plot_frontier(table), out / "frontier.png")
        save_figure(plot_partners(case), out / "partners.png")
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in IMAGES}


def record(digests: dict[str, str], docs: Path = DOCS) -> None:
    """docs/images.json: each image's SHA-256 and the matplotlib version that drew them."""
    document = {"matplotlib": matplotlib.__version__, "sha256": digests}
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    (docs / "images.json").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solve", action="store_true", help="solve the example again first")
    args = parser.parse_args()
    if args.solve:
        solve_example()
    record(draw(DOCS))


if __name__ == "__main__":
    main()
