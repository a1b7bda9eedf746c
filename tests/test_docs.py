"""docs/: the images are what docs/build.py draws today, and docs/model.md stays in the repository.

The images are drawn again from the stored tables (docs/assignment.csv, docs/frontier.csv) and
compared byte for byte, so any change to a chart, to the example or to the stored division that
is not followed by ``make docs`` fails here. The tables themselves are checked cheaply: the
division is scored again and must be feasible with the frontier's chosen figures.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from test_cli import LOTTING

from conftest import load_script
from lotting import Scenario, evaluate, load_case, read_assignment

DOCS = Path(__file__).resolve().parents[1] / "docs"
ROOT = DOCS.parent


def build_module():
    return load_script(DOCS / "build.py", "docs_build")


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("docs")
    return out, build_module().draw(out)


def test_recorded_digests_are_the_committed_images():
    recorded = json.loads((DOCS / "images.json").read_text(encoding="utf-8"))
    build = build_module()
    assert sorted(recorded["sha256"]) == sorted(build.IMAGES)
    for name, digest in recorded["sha256"].items():
        assert hashlib.sha256((DOCS / name).read_bytes()).hexdigest() == digest, name


def test_docs_images_are_current(drawn):
    """Stale images fail: run ``make docs`` (or ``python docs/build.py`` when only the charts
    changed) and commit docs/."""
    recorded = json.loads((DOCS / "images.json").read_text(encoding="utf-8"))
    if recorded["matplotlib"] != matplotlib.__version__:
        pytest.skip(f"images drawn by matplotlib {recorded['matplotlib']}, not this one")
    out, digests = drawn
    stale = [name for name, digest in digests.items() if digest != recorded["sha256"][name]]
    assert stale == [], "docs images are stale: run `make docs` and commit docs/"
    for name in digests:
        assert (out / name).read_bytes() == (DOCS / name).read_bytes()


def test_stored_division_is_feasible_and_is_the_frontier_choice():
    case = load_case(ROOT / "data" / "example" / "contract.csv")
    plan = evaluate(case, Scenario(), read_assignment(DOCS / "assignment.csv", case))
    assert plan.status == "feasible"
    table = pd.read_csv(DOCS / "frontier.csv")
    (chosen,) = table[table["chosen"]].itertuples()
    assert plan.metrics["n_lots"] == chosen.k
    assert plan.objective == pytest.approx(chosen.objective)
    assert plan.objective == pytest.approx(table["objective"].max())


def test_model_doc_links_nothing_outside_the_repository():
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    for heading in ("Inputs", "Bid options", "Objective", "Award rules", "Outputs", "Exit"):
        assert re.search(rf"^#+ .*{heading}", text, re.MULTILINE | re.IGNORECASE), heading
    targets = re.findall(r"\]\(([^)]+)\)", text)
    assert all("://" not in t and not t.startswith("..") for t in targets), targets
    for target in targets:
        assert (DOCS / target.split("#")[0]).exists(), target


def test_the_rules_example_outputs_are_what_split_writes(tmp_path):
    """docs/examples/max-reserved-2/ holds what its README's command writes, byte for byte
    (proven optimal, so the same on any machine); rerun the command when the model changes."""
    out = tmp_path / "out"
    command = [LOTTING, "split", "data/example/contract.csv", "--max-reserved", "2", "-q"]
    subprocess.run([*command, "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    committed = DOCS / "examples" / "max-reserved-2"
    for name in ("assignment.csv", "lots.csv", "plan.json"):
        assert (out / name).read_bytes() == (committed / name).read_bytes(), f"rerun: {name}"
