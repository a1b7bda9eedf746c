"""The installed `lotting` console script, run as a user would: exit codes, messages, output folder.

Each run starts a Python process (about a second), so the runs of a group are made in parallel once
per module and the tests then check their results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import write_text, write_tiny_case

OUTPUTS = {"assignment.csv", "lots.csv", "plan.json", "lots.png"}
INPUTS = ("contract.csv", "suppliers.csv", "partners.csv", "adjacency.csv")


def _script() -> str:
    """The console script installed beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "lotting"
    if beside.exists():
        return str(beside)
    found = shutil.which("lotting")
    assert found, "the lotting console script is not installed"
    return found


LOTTING = _script()


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `lotting ARGS` in ``cwd`` (tracebacks not asked for)."""
    env = {k: v for k, v in os.environ.items() if k != "LOTTING_DEBUG"}
    return subprocess.run(
        [LOTTING, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def in_parallel(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Call every job, a few at a time; their results by name."""
    workers = max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Bytes of every file directly in ``folder``."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int) -> None:
    """Exit ``code``, no traceback anywhere, and the error as one paragraph on stderr."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip(), "no message on stderr"
    assert "\n\n" not in result.stderr.strip(), "more than one paragraph"


# --- bad inputs: exit 2, the file named, no traceback, no output folder ---------------------------


@dataclass(frozen=True)
class Bad:
    """A broken case: how to break the tiny case, the arguments, what stderr must name."""

    change: Callable[[Path], object]  # given the case folder
    file: str  # file name stderr must mention
    words: str  # further words stderr must contain
    contract: str = "case/contract.csv"


def _replace(name: str, text: str | bytes) -> Callable[[Path], object]:
    return lambda case: write_text(case / name, text)


BAD_CASES: dict[str, Bad] = {
    "missing-column": Bad(
        _replace("contract.csv", "unit,service,area\nU1,coaching,North\n"),
        "contract.csv",
        "column 'value'",
    ),
    "duplicate-id": Bad(
        _replace(
            "suppliers.csv",
            "supplier,kind,capacity,services,areas\nbig1,large,9,*,*\nbig1,large,9,*,*\n",
        ),
        "suppliers.csv",
        "line 3",
    ),
    "value-not-a-number": Bad(
        _replace("contract.csv", "unit,service,area,value\nU1,coaching,North,£100\n"),
        "contract.csv",
        "line 2, column 'value'",
    ),
    "neither-capacity-nor-turnover": Bad(
        _replace(
            "suppliers.csv",
            "supplier,kind,capacity,turnover,services,areas\nbig1,large,,,*,*\n",
        ),
        "suppliers.csv",
        "neither capacity nor turnover",
    ),
    "unknown-kind": Bad(
        _replace("suppliers.csv", "supplier,kind,capacity,services,areas\nbig1,giant,9,*,*\n"),
        "suppliers.csv",
        "column 'kind'",
    ),
    "unknown-relation": Bad(
        _replace("partners.csv", "a,b,relation\nbig1,big2,friends\n"),
        "partners.csv",
        "column 'relation'",
    ),
    "unknown-partner": Bad(
        _replace("partners.csv", "a,b,relation\nbig1,nobody,subcontract\n"),
        "partners.csv",
        "column 'b'",
    ),
    "semicolon-separated": Bad(
        _replace("contract.csv", "unit;service;area;value\nU1;coaching;North;100\n"),
        "contract.csv",
        "separated by semicolons, not commas",
    ),
    "misspelt-partner": Bad(
        _replace("partners.csv", "a,b,relation\nbig1,ulo-1,subcontract\n"),
        "partners.csv",
        "Did you mean 'ulo1'?",
    ),
    "misspelt-kind": Bad(
        _replace("suppliers.csv", "supplier,kind,capacity,services,areas\nbig1,user-led,9,*,*\n"),
        "suppliers.csv",
        "Did you mean 'user_led'?",
    ),
    "misspelt-area-in-contract": Bad(
        _replace(
            "contract.csv",
            "unit,service,area,value\nU1,coaching,North,100\nU2,coaching,Sooth,80\n",
        ),
        "contract.csv, line 3, column 'area'",
        "Did you mean 'South'?",
    ),
    "empty-file": Bad(_replace("suppliers.csv", b""), "suppliers.csv", "empty"),
    "header-only": Bad(_replace("partners.csv", "a,b,relation\n"), "partners.csv", "no rows"),
    "not-utf8": Bad(
        _replace("contract.csv", b"unit,service,area,value\nU1,coaching,Nord\xe9st,100\n"),
        "contract.csv",
        "line 2",
    ),
    "area-missing-from-adjacency": Bad(
        _replace("adjacency.csv", "area_a,area_b\nNorth,\n"), "adjacency.csv", "'South'"
    ),
    "no-supplier-market": Bad(
        lambda case: (case / "suppliers.csv").unlink(), "contract.csv", "no supplier market"
    ),
    "path-does-not-exist": Bad(
        lambda case: None, "contract.csv", "does not exist", contract="missing/contract.csv"
    ),
}


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """Each bad case, written and run with `lotting split`: its folder and the result."""
    jobs = {}
    for name, bad in BAD_CASES.items():
        root = tmp_path_factory.mktemp(name)
        bad.change(write_tiny_case(root / "case"))
        args = ["split", bad.contract, "--time-limit", "10"]
        jobs[name] = lambda root=root, args=args: (root, run(args, cwd=root))
    return in_parallel(jobs)


@pytest.mark.parametrize("name", list(BAD_CASES))
def test_bad_input_exits_2_naming_the_file(bad_runs, name):
    bad = BAD_CASES[name]
    root, result = bad_runs[name]
    assert_clean_failure(result, 2)
    assert result.stderr.startswith("Error: ")
    message = " ".join(result.stderr.split())  # the paragraph may wrap anywhere
    assert bad.file in message
    assert bad.words in message
    assert result.stdout == ""
    contract = root / bad.contract
    assert not (contract.parent / f"{contract.stem}-lots").exists()
    case = root / "case"
    assert {p.name for p in case.iterdir()} <= set(INPUTS), "something was written beside the case"
    if name == "path-does-not-exist":
        assert not (root / "missing").exists()


# --- good runs, invalid scenarios, infeasible, help ----------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Any]:
    """Every other run of this module, made in parallel; results by name."""
    roots = {
        name: tmp_path_factory.mktemp(name)
        for name in ("twice", "elsewhere", "scenario", "infeasible", "help")
    }
    for name in ("twice", "elsewhere", "scenario", "infeasible"):
        write_tiny_case(roots[name] / "case")
    elsewhere = roots["elsewhere"]
    (elsewhere / "market").mkdir()
    (elsewhere / "case" / "suppliers.csv").rename(elsewhere / "market" / "firms.csv")
    contract = "case/contract.csv"

    def twice() -> dict[str, Any]:
        root = roots["twice"]
        before = snapshot(root / "case")
        first = run(["split", contract], cwd=root)
        first_files = snapshot(root / "case" / "contract-lots") if first.returncode == 0 else {}
        second = run(["split", contract], cwd=root)
        return {
            "root": root,
            "first": first,
            "first_files": first_files,
            "second": second,
            "inputs_before": before,
        }

    def scenario(option: str, value: str) -> Callable[[], Any]:
        return lambda: run(["split", contract, option, value], cwd=roots["scenario"])

    jobs: dict[str, Callable[[], Any]] = {
        "twice": twice,
        # one run checks both --suppliers FILE elsewhere and --out DIR (each run costs a second)
        "elsewhere": lambda: run(
            ["split", contract, "--suppliers", "market/firms.csv", "--out", "results/mine"],
            cwd=elsewhere,
        ),
        "max-sub-share": scenario("--max-sub-share", "2"),
        "target-kinds": scenario("--target-kinds", "nobody"),
        "infeasible": lambda: run(
            ["split", contract, "--min-bidders", "9"], cwd=roots["infeasible"]
        ),
        "help": lambda: run(["--help"], cwd=roots["help"]),
        "split-help": lambda: run(["split", "--help"], cwd=roots["help"]),
    }
    results = in_parallel(jobs)
    results["roots"] = roots
    return results


def test_split_writes_the_four_files(runs):
    first = runs["twice"]["first"]
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stdout + first.stderr
    out = runs["twice"]["root"] / "case" / "contract-lots"
    assert {p.name for p in out.iterdir()} == OUTPUTS
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["status"] == "optimal"
    assert sorted(u for lot in plan["lots"] for u in lot["units"]) == ["U1", "U2", "U3", "U4"]
    assert plan["metrics"]["total_value"] == 280_000
    assert plan["metrics"]["fewest_bidders"] >= 2
    assignment = (out / "assignment.csv").read_text(encoding="utf-8").splitlines()
    assert assignment[0].startswith("unit,lot")
    assert len(assignment) == 1 + 4
    assert (out / "lots.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Wrote" in first.stdout
    assert "Status: optimal" in first.stdout
    assert "HiGHS" not in first.stdout + first.stderr  # no solver banner or log in the output


def test_split_twice_gives_identical_files(runs):
    first_files = runs["twice"]["first_files"]
    second = runs["twice"]["second"]
    assert second.returncode == 0, second.stderr
    assert set(first_files) == OUTPUTS
    again = snapshot(runs["twice"]["root"] / "case" / "contract-lots")
    for name in sorted(OUTPUTS):
        assert again[name] == first_files[name], f"{name} differs between two runs"


def test_split_leaves_the_input_files_unchanged(runs):
    before = runs["twice"]["inputs_before"]
    assert set(before) == set(INPUTS)
    after = snapshot(runs["twice"]["root"] / "case")
    assert after == before


def test_split_says_which_files_it_used(runs):
    stderr = runs["twice"]["first"].stderr
    for role, name in zip(("contract", "suppliers", "partners", "adjacency"), INPUTS, strict=True):
        assert f"{role} case/{name}" in stderr


def test_suppliers_named_elsewhere(runs):
    result = runs["elsewhere"]
    assert result.returncode == 0, result.stderr
    assert "suppliers market/firms.csv" in result.stderr
    assert "partners case/partners.csv" in result.stderr  # the others still found beside it
    assert not (runs["roots"]["elsewhere"] / "case" / "suppliers.csv").exists()


def test_out_option_is_honoured(runs):
    result = runs["elsewhere"]
    root = runs["roots"]["elsewhere"]
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (root / "results" / "mine").iterdir()} == OUTPUTS
    assert not (root / "case" / "contract-lots").exists()
    assert "results/mine" in result.stdout


@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("max-sub-share", "--max-sub-share"),
        ("target-kinds", "--target-kinds"),
    ],
)
def test_invalid_scenario_option_exits_2(runs, name, parameter):
    """The CLI names the option the user typed, not the API's field."""
    result = runs[name]
    assert_clean_failure(result, 2)
    assert result.stderr.startswith("Error: ")
    assert parameter in result.stderr
    assert parameter.lstrip("-").replace("-", "_") not in result.stderr
    assert not (runs["roots"]["scenario"] / "case" / "contract-lots").exists()


def test_infeasible_scenario_exits_1(runs):
    result = runs["infeasible"]
    assert_clean_failure(result, 1)
    assert "No feasible division" in result.stderr
    assert "--min-bidders can be at most 3" in result.stderr.replace("\n", " ")
    assert not (runs["roots"]["infeasible"] / "case" / "contract-lots").exists()


def test_help(runs):
    top = runs["help"]
    assert top.returncode == 0, top.stderr
    assert "split" in top.stdout
    split = runs["split-help"]
    assert split.returncode == 0, split.stderr
    for option in ("--lot-cost", "--no-consortia", "--time-limit", "--suppliers", "--out"):
        assert option in split.stdout
