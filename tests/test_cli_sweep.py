"""`lotting sweep` and `lotting frontier --workers` through the installed command, on a real
dask scheduler and worker started here as processes, against the local cluster and `lotting split`.
"""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import LOTTING, assert_clean_failure, in_parallel, run

from conftest import write_text, write_tiny_case

DASK = str(Path(sys.executable).parent / "dask")

# The tiny case's scenarios: two solvable ones and one nobody can bid for (9 bidders); empty
# cells take the command line's values (--max-lots 3).
SCENARIOS = """\
name,lot_cost,--max-lots,min_bidders,--no-consortia
few,5000,2,,
many,,4,,true
none,,,9,
"""
SPLITS = {
    "few": ["--lot-cost", "5000", "--max-lots", "2"],
    "many": ["--max-lots", "4", "--no-consortia"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    write_tiny_case(folder / "case")
    write_text(folder / "scenarios.csv", SCENARIOS)
    return folder


@pytest.fixture(scope="module")
def cluster(case):
    """A dask scheduler and one single-threaded worker on 127.0.0.1, stopped by their PIDs."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": case}
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
    )
    worker = subprocess.Popen(
        [DASK, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"], **quiet
    )
    yield address
    for process in (worker, scheduler):
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    assert scheduler.returncode is not None and worker.returncode is not None


@pytest.fixture(scope="module")
def runs(case, cluster):
    """The sweep on the running cluster, on the default local cluster and here, and each
    scenario's split, run at the same time."""
    sweep = ["sweep", "case/contract.csv", "scenarios.csv", "--max-lots", "3"]
    jobs = {
        "scheduler": lambda: run([*sweep, "--scheduler", cluster, "--out", "remote"], case),
        "local": lambda: run([*sweep, "--out", "local"], case),
        "here": lambda: run([*sweep, "--workers", "1", "--out", "here"], case),
    }
    for name, options in SPLITS.items():
        jobs[name] = lambda o=options, n=name: run(
            ["split", "case/contract.csv", "--max-lots", "3", *o, "--out", f"split-{n}"], case
        )
    return in_parallel(jobs)


def test_the_table_is_the_same_on_a_scheduler_locally_and_here(case, runs):
    for name in ("scheduler", "local", "here"):
        assert runs[name].returncode == 0, runs[name].stderr
    table = (case / "remote" / "sweep.csv").read_bytes()
    assert table == (case / "local" / "sweep.csv").read_bytes()
    assert table == (case / "here" / "sweep.csv").read_bytes()
    rows = list(csv.DictReader((case / "remote" / "sweep.csv").open()))
    assert [r["name"] for r in rows] == ["few", "many", "none"]
    assert [r["max_lots"] for r in rows] == ["2", "4", "3"]
    assert [r["consortia"] for r in rows] == ["True", "False", "True"]
    assert "3/3" in runs["scheduler"].stderr  # the progress bar got to the end
    assert "Wrote remote/: sweep.csv, sweep.png, scenarios/ (2 plans)" in runs["scheduler"].stdout


def test_each_row_and_plan_is_splits(case, runs):
    rows = {r["name"]: r for r in csv.DictReader((case / "remote" / "sweep.csv").open())}
    for name in ("few", "many"):
        assert runs[name].returncode == 0, runs[name].stderr
        split = case / f"split-{name}"
        for file in ("plan.json", "assignment.csv", "lots.csv"):
            ours = (case / "remote" / "scenarios" / name / file).read_bytes()
            assert ours == (split / file).read_bytes(), (name, file)
        assert f"Objective {float(rows[name]['objective']):,.0f}" in runs[name].stdout
    assert sorted(p.name for p in (case / "remote" / "scenarios").iterdir()) == ["few", "many"]


def test_an_infeasible_scenario_is_a_row_with_its_reason(case, runs):
    rows = {r["name"]: r for r in csv.DictReader((case / "remote" / "sweep.csv").open())}
    assert rows["none"]["status"] == "infeasible"
    assert rows["none"]["objective"] == "" and rows["none"]["seconds"] == ""
    assert "bidders" in rows["none"]["reason"]


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ("name,lot_cost\na,1\nb,lots\n", "line 3, column 'lot_cost'"),
        ("name,colour\na,red\n", "line 1, column 'colour'"),
    ],
)
def test_a_bad_table_exits_2_naming_line_and_column_before_solving(case, table, where):
    write_text(case / "bad.csv", table)
    result = run(["sweep", "case/contract.csv", "bad.csv", "--out", "bad-out"], case)
    assert_clean_failure(result, 2)
    assert f"bad.csv, {where}" in result.stderr
    assert "Solving" not in result.stderr
    assert not (case / "bad-out").exists()


def test_grid_or_table_not_both(case):
    both = run(["sweep", "case/contract.csv", "scenarios.csv", "--grid", "max_lots=1,2"], case)
    assert_clean_failure(both, 2)
    grid = run(
        ["sweep", "case/contract.csv", "--grid", "max_lots=2,3", "--workers", "1", "--out", "g"],
        case,
    )
    assert grid.returncode == 0, grid.stderr
    rows = list(csv.DictReader((case / "g" / "sweep.csv").open()))
    assert [r["name"] for r in rows] == ["max_lots=2", "max_lots=3"]


def test_frontier_on_workers_equals_frontier_in_turn(case, cluster):
    args = ["frontier", "case/contract.csv", "--max-lots", "3"]
    results = in_parallel(
        {
            "in turn": lambda: run([*args, "--workers", "1", "--out", "f1"], case),
            "scheduler": lambda: run([*args, "--scheduler", cluster, "--out", "f2"], case),
        }
    )
    for result in results.values():
        assert result.returncode == 0, result.stderr
    table = (case / "f1" / "frontier.csv").read_bytes()
    assert table == (case / "f2" / "frontier.csv").read_bytes()
    assert "3/3 lots solved" in results["scheduler"].stderr


def test_ctrl_c_cancels_and_writes_nothing(tmp_path):
    example = Path(__file__).resolve().parents[1] / "data" / "example" / "contract.csv"
    grid = ["--grid", "max_lots=6,8,10,12,14,16"]
    process = subprocess.Popen(
        [LOTTING, "sweep", str(example), *grid, "--workers", "2", "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:  # type: ignore[union-attr]
        if line.startswith("Solving"):
            break
    time.sleep(3)  # starting the cluster or solving
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "nothing was written" in stderr
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary folder either
