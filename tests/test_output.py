"""Output folders are written whole or not at all, and never over an input file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lotting import InputError
from lotting.files import MANIFEST, _locked, check_folder, write_folder


def text(content: str):
    return lambda path: Path(path).write_text(content)


def broken(path: Path) -> None:
    raise RuntimeError("disk full")


def test_writes_every_file(tmp_path):
    out = write_folder(tmp_path / "out", {"a.csv": text("a"), "b.json": text("b")})
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.csv", "b.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder or lock


def test_failure_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        write_folder(tmp_path / "out", {"a.csv": text("a"), "b.png": broken})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_folder(tmp_path):
    out = write_folder(tmp_path / "out", {"a.csv": text("old")})
    with pytest.raises(RuntimeError):
        write_folder(out, {"a.csv": text("new"), "b.png": broken})
    assert (out / "a.csv").read_text() == "old"
    write_folder(out, {"a.csv": text("new")})
    assert (out / "a.csv").read_text() == "new"


def test_refuses_to_overwrite_an_input(tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("input")
    with pytest.raises(InputError, match="refusing to overwrite"):
        write_folder(tmp_path, {"a.csv": text("x")}, inputs=(source,))
    assert source.read_text() == "input"


def test_output_path_that_is_a_file(tmp_path):
    (tmp_path / "out").write_text("")
    with pytest.raises(InputError, match="not a folder"):
        write_folder(tmp_path / "out", {"a.csv": text("x")})


def test_a_rerun_removes_what_it_no_longer_writes_and_keeps_the_rest(tmp_path):
    out = write_folder(
        tmp_path / "out", {"plan.json": text("1"), "map.png": text("m")}, (), "split"
    )
    write_folder(out, {"frontier.csv": text("f")}, (), "frontier")
    (out / "notes.txt").write_text("mine")
    write_folder(out, {"plan.json": text("2")}, (), "split")
    names = sorted(p.name for p in out.iterdir())
    assert names == [MANIFEST, "frontier.csv", "notes.txt", "plan.json"]
    assert (out / "plan.json").read_text() == "2"


def test_sub_folders_are_replaced_whole(tmp_path):
    out = write_folder(tmp_path / "out", {"s/a/p.json": text("1"), "s/b/p.json": text("1")})
    write_folder(out, {"s/a/p.json": text("2")})
    assert (out / "s/a/p.json").read_text() == "2"
    assert not (out / "s/b/p.json").exists()


def test_a_new_folder_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        out = write_folder(tmp_path / "new" / "out", {"a.csv": text("a")})
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o755
    assert (out / "a.csv").stat().st_mode & 0o777 == 0o644


def test_a_folder_that_cannot_be_made_is_an_input_error_naming_it(tmp_path):
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "out"  # under a regular file: refused even to root
    with pytest.raises(InputError, match="cannot be created") as err:
        check_folder(out)
    assert err.value.file == str(out)
    with pytest.raises(InputError) as err:
        write_folder(out, {"a.csv": text("a")})
    assert err.value.file == str(out)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_an_input_error(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(InputError, match="cannot be written"):
            check_folder(out)
    finally:
        out.chmod(0o755)


def test_check_folder_refuses_an_input_as_the_folder(tmp_path):
    source = tmp_path / "contract.csv"
    source.write_text("x")
    with pytest.raises(InputError, match="is one of the input files"):
        check_folder(source, (source,))
    with pytest.raises(InputError, match="refusing to overwrite"):
        check_folder(tmp_path, (source,), ("contract.csv",))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.csv"]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lotting.files import write_folder
    tag, out = sys.argv[1], Path(sys.argv[2])
    names = [f"f{i}.txt" for i in range(int(tag) % 2, 200, 1 + int(tag) % 2)]
    for _ in range(int(sys.argv[3])):
        write_folder(out, {n: (lambda p, n=n: p.write_text(tag)) for n in names})
    """
)


def test_concurrent_runs_leave_one_complete_set(tmp_path):
    out = tmp_path / "out"
    runs = [
        subprocess.Popen([sys.executable, "-c", WRITER, tag, str(out), "10"]) for tag in ("1", "2")
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    files = {p.name: p.read_text() for p in out.iterdir() if p.name != MANIFEST}
    tags = set(files.values())
    assert len(tags) == 1
    tag = int(tags.pop())
    assert sorted(files) == sorted(f"f{i}.txt" for i in range(tag % 2, 200, 1 + tag % 2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_run_waits_for_the_one_holding_the_folder(tmp_path):
    out = tmp_path / "out"
    with _locked(out):
        run = subprocess.Popen([sys.executable, "-c", WRITER, "1", str(out), "1"])
        with pytest.raises(subprocess.TimeoutExpired):
            run.wait(timeout=3)  # it has written its files aside and waits for the lock
        assert not out.exists()
    assert run.wait(timeout=60) == 0
    assert len([p for p in out.iterdir() if p.name != MANIFEST]) == 100
