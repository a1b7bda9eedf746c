"""Every notebook in notebooks/ is committed executed, and running it again gives the same outputs.

Each notebook runs in a fresh kernel on this Python (the venv that runs the tests), with the
working directory notebooks/ as in Jupyter (notebooks/execute.py, which ``make notebooks`` uses to
store them). The notebooks are read into memory and executed there: nothing is written back to
the files. Text outputs (streams, plain text, HTML tables) must be the committed ones exactly;
images must be where they were.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from conftest import load_script

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _runner():
    return load_script(NOTEBOOKS / "execute.py", "notebooks_execute")


runner = _runner()


def test_there_are_notebooks():
    assert [p.name for p in PATHS] == [
        "01_quickstart.ipynb",
        "02_scenarios.ipynb",
        "03_existing_lots.ipynb",
        "04_report.ipynb",
        "05_sweep.ipynb",
    ]


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_notebook_gives_its_committed_outputs_again(path: Path):
    before = path.read_bytes()
    committed = nbformat.read(path, as_version=4)
    # One extra cell, in memory only: proves the kernel is the Python running the tests.
    try:
        nb = runner.execute(path, extra=("import sys\nprint(sys.executable)",))
    except CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell failed:\n{err}", pytrace=False)
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert printed.strip() == sys.executable
    nb.cells.pop()
    assert path.read_bytes() == before, "executing the notebook changed the file"
    fresh, stored = runner.text_outputs(nb), runner.text_outputs(committed)
    assert len(fresh) == len(stored)
    for i, (new, old) in enumerate(zip(fresh, stored, strict=True)):
        assert new == old, f"{path.name}, code cell {i + 1}: outputs differ; run `make notebooks`"


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_notebook_is_committed_executed(path: Path):
    """Outputs in the repository, so a reader on a code host sees the tables and figures."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    outputs = [o for cell in code for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure"
    assert all("execution" not in cell.metadata for cell in code), "timings are not kept"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert any(cell.cell_type == "markdown" for cell in nb.cells)
