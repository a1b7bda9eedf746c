"""Output folders are written whole or not at all, and never over an input file."""

from __future__ import annotations

from pathlib import Path

import pytest

from lotting import InputError
from lotting.files import write_folder


def text(content: str):
    return lambda path: Path(path).write_text(content)


def broken(path: Path) -> None:
    raise RuntimeError("disk full")


def test_writes_every_file(tmp_path):
    out = write_folder(tmp_path / "out", {"a.csv": text("a"), "b.json": text("b")})
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-")]


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
