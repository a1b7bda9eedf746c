"""Every notebook in notebooks/ runs top to bottom without an error, and is committed clean.

Each notebook runs in a fresh kernel on this Python (the venv that runs the tests), with the
working directory notebooks/ as in Jupyter. The notebooks are read into memory and executed
there: nothing is written back to the files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNEL = "lotting-test"
CELL_TIMEOUT = 300  # seconds; each notebook takes well under a minute in all


def test_there_are_notebooks():
    assert [p.name for p in PATHS] == [
        "01_quickstart.ipynb",
        "02_scenarios.ipynb",
        "03_existing_lots.ipynb",
        "04_report.ipynb",
    ]


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding one kernelspec that starts this very Python, whatever else is installed."""
    folder = tmp_path_factory.mktemp("kernels")
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "lotting tests",
        "language": "python",
    }
    (folder / KERNEL).mkdir()
    (folder / KERNEL / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_notebook_runs(path: Path, kernels: Path):
    before = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    # One extra cell, in memory only: proves the kernel is the Python running the tests.
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    km = AsyncKernelManager(
        kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
    )
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{path.name}: a cell failed:\n{err}", pytrace=False)
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert printed.strip() == sys.executable
    assert path.read_bytes() == before, "executing the notebook changed the file"


@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_notebook_is_committed_clean(path: Path):
    """No outputs or execution counts in the repository: small diffs, no stale results."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    assert [i for i, cell in enumerate(code) if cell.outputs or cell.execution_count] == []
    assert any(cell.cell_type == "markdown" for cell in nb.cells)
