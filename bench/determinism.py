"""Issue 15's check on the 150-unit bench case: two runs of `lotting split` with the
deterministic budget (``--work-limit``) write byte-identical output folders.

    .venv/bin/python bench/determinism.py [--case L-adj] [--work-limit 1]

Prints the seconds of each run and whether the folders match; appends a line to
bench/determinism.txt. Slow (the solver's root node runs in full: minutes on L), so it is a
bench, not a test; tests/test_determinism.py checks the same on the example.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import write_case  # noqa: E402


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="L-adj")
    parser.add_argument("--work-limit", default="1")
    args = parser.parse_args()
    lotting = str(Path(sys.executable).parent / "lotting")
    with tempfile.TemporaryDirectory() as tmp:
        contract = write_case(args.case, Path(tmp) / "case")
        seconds, folders = [], []
        for run in ("a", "b"):
            out = Path(tmp) / run
            began = time.perf_counter()
            subprocess.run(
                [lotting, "split", str(contract), "--work-limit", args.work_limit,
                 "--time-limit", "0", "--out", str(out)],
                check=True, capture_output=True,
            )  # fmt: skip
            seconds.append(time.perf_counter() - began)
            folders.append(folder_bytes(out))
        same = folders[0] == folders[1]
    line = (
        f"{args.case} --work-limit {args.work_limit}: runs of {seconds[0]:.0f} s and "
        f"{seconds[1]:.0f} s, folders {'identical' if same else 'DIFFERENT'}"
    )
    print(line)
    with (HERE / "determinism.txt").open("a", encoding="utf-8") as log:
        log.write(line + "\n")


if __name__ == "__main__":
    main()
