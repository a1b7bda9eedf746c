"""Run the notebooks top to bottom and store them with their outputs: ``make notebooks``.

Each notebook runs in a fresh kernel on the Python running this script (so on the project's venv,
whatever Jupyter kernels are installed), with notebooks/ as the working directory, as Jupyter
would. Outputs are kept as the kernel gave them, without timings, so a re-run on the same
versions gives the same text: tests/test_notebooks.py re-executes every notebook in memory and
compares its text outputs with the committed ones (images by presence).

    python notebooks/execute.py [NOTEBOOK ...]     # default: every notebook here
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent
KERNEL = "lotting-venv"
CELL_TIMEOUT = 300  # seconds; each notebook takes well under a minute in all


def execute(path: Path, extra: tuple[str, ...] = ()) -> Any:
    """The notebook at ``path`` executed in memory (with ``extra`` code cells appended); the file
    is not touched. Raises nbclient's CellExecutionError when a cell fails."""
    nb = nbformat.read(path, as_version=4)
    kernelspec = nb.metadata.get("kernelspec")
    for source in extra:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    with tempfile.TemporaryDirectory() as folder:
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "lotting",
            "language": "python",
        }
        (Path(folder) / KERNEL).mkdir()
        (Path(folder) / KERNEL / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        km = AsyncKernelManager(
            kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[folder])
        )
        client = NotebookClient(
            nb,
            km=km,
            timeout=CELL_TIMEOUT,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    if kernelspec is not None:
        nb.metadata["kernelspec"] = kernelspec  # open with the reader's own kernel, not ours
    else:
        nb.metadata.pop("kernelspec", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def text_outputs(nb: Any) -> list[list[str]]:
    """Per code cell, what a reader sees as text (streams, plain text and HTML of results),
    with images reduced to their presence, "<image/png>"; consecutive pieces of one stream are
    joined, as a reader sees them."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        seen: list[str] = []
        stream = None  # the stream of the output just before, if it was one
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == stream:
                seen[-1] += output.text  # one print can arrive in pieces on a busy machine
                continue
            stream = output.name if output.output_type == "stream" else None
            if output.output_type == "stream":
                seen.append(f"{output.name}: {output.text}")
            elif output.output_type in ("execute_result", "display_data"):
                data = output.data
                for kind in ("text/plain", "text/html", "text/markdown"):
                    if kind in data:
                        seen.append(f"{kind}: {data[kind]}")
                if "image/png" in data:
                    seen.append("<image/png>")
            elif output.output_type == "error":
                seen.append(f"error: {output.ename}: {output.evalue}")
        cells.append(seen)
    return cells


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in notebooks:
        nb = execute(path)
        nbformat.validate(nb)
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"executed {path.name}")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
