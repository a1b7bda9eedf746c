"""Same inputs, same outputs: two runs of `lotting split` give byte-identical folders."""

from __future__ import annotations

from pathlib import Path

from test_cli import run

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example" / "contract.csv"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_two_runs_on_the_example_write_identical_folders(tmp_path):
    """At the default time limit the example is proven optimal, and the start is clock-free,
    so even among tied optima the same division is written."""
    for name in ("first", "second"):
        done = run(["split", str(EXAMPLE), "--out", str(tmp_path / name)], tmp_path)
        assert done.returncode == 0, done.stderr
    first, second = folder_bytes(tmp_path / "first"), folder_bytes(tmp_path / "second")
    assert {"assignment.csv", "lots.csv", "plan.json", "lots.png", "map.png"} <= set(first)
    assert first == second


def test_work_limit_gives_a_reproducible_plan(tmp_path):
    """With a node budget instead of a proof, two runs still agree byte for byte."""
    args = ["split", str(EXAMPLE), "--work-limit", "1", "--time-limit", "0"]
    for name in ("first", "second"):
        done = run([*args, "--out", str(tmp_path / name)], tmp_path)
        assert done.returncode == 0, done.stderr
    assert folder_bytes(tmp_path / "first") == folder_bytes(tmp_path / "second")
