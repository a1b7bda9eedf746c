"""Shared pytest fixtures. Add new fixtures under their own heading."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

# --- Input files: a tiny valid case, and writing arbitrary CSV text -------------------------------

# 4 units over 2 services × 2 areas, total value 280,000; the extra column "note" is ignored.
TINY_CONTRACT = """\
unit,service,area,value,bundle,note
U1,coaching,North,100000,,first
U2,coaching,South,80000,,
U3,peer,North,60000,,
U4,peer,South,40000,,
"""

# big1 and big2 (large, '*') cover every unit with room to spare, so min_bidders 2 is met by any
# division. sme1 gives turnover only (capacity 150,000 at the default ratio 0.5); ulo1 is the only
# user_led supplier (the default target kind).
TINY_SUPPLIERS = """\
supplier,name,kind,capacity,turnover,services,areas
big1,Big One plc,large,1000000,,*,*
big2,Big Two Ltd,large,900000,,*,*
sme1,,sme,,300000,coaching,North;South
ulo1,User Led One,user_led,70000,,peer;coaching,North
vcse1,Vol One,vcse,90000,,peer,*
"""

TINY_PARTNERS = """\
a,b,relation
ulo1,vcse1,consortium
big1,ulo1,subcontract
"""

TINY_ADJACENCY = """\
area_a,area_b
North,South
"""


def load_script(path: Path, name: str) -> ModuleType:
    """A script that is not a package module (docs/build.py, notebooks/execute.py), imported."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def printed_under_hash_seeds(code: str, cwd: Path | None = None) -> set[str]:
    """What a Python snippet prints, run under two hash seeds: one element when the output does
    not depend on the iteration order of sets and dicts of strings."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=cwd,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }


def write_text(path: Path, text: str | bytes) -> Path:
    """Write ``text`` (str as UTF-8, or raw bytes) to ``path`` exactly, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


def write_tiny_case(folder: Path) -> Path:
    """Write the tiny valid case (contract, suppliers, partners, adjacency) into ``folder``."""
    write_text(folder / "contract.csv", TINY_CONTRACT)
    write_text(folder / "suppliers.csv", TINY_SUPPLIERS)
    write_text(folder / "partners.csv", TINY_PARTNERS)
    write_text(folder / "adjacency.csv", TINY_ADJACENCY)
    return folder


@pytest.fixture
def write() -> Callable[[Path, str | bytes], Path]:
    """``write(path, text)``: write a file exactly as given (str as UTF-8, or bytes)."""
    return write_text


@pytest.fixture
def tiny_case_dir(tmp_path: Path) -> Path:
    """A folder holding a small valid, feasible case: contract, suppliers, partners, adjacency."""
    return write_tiny_case(tmp_path / "case")
