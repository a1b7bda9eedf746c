"""How far past its time limit a run ends, and how fast Ctrl-C stops it (issue 17).

Runs the installed ``lotting split`` on a generated 60-unit contract (the one of
tests/test_cli_edges.py), on the shipped example (64 units with Scotland's boundaries, so it
also draws map.png) and on the 150-unit bench case L-adj, and writes bench/overshoot.txt:

* ``split --time-limit T``: wall seconds of the whole process, of ``solve`` alone (plan.json's
  solver seconds, with --timings), the overshoot against the promise T + 10 % + 2 s, and the
  charts left out for want of time (plan.json's ``not_drawn``);
* Ctrl-C: seconds from SIGINT (sent 3 s after loading) to exit, and from SIGINT to the end of
  the solve, i.e. before the charts are written.

Usage: ``nice -n 10 .venv/bin/python bench/overshoot.py [--quick]`` (about 3 minutes; --quick
skips L-adj). Figures depend on the machine's load: the file says how loaded it was.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cases import write_case
from lotting.generate import realistic_frames, write_frames

ROOT = Path(__file__).resolve().parent.parent
LOTTING = str(Path(sys.executable).with_name("lotting"))


def split(contract: Path, out: Path, limit: float) -> tuple[float, float, list[str]]:
    """Wall seconds of ``lotting split --time-limit limit``, of its solve, and the charts it
    left out."""
    began = time.perf_counter()
    args = [LOTTING, "split", str(contract), "--time-limit", str(limit), "--out", str(out)]
    subprocess.run([*args, "--timings"], capture_output=True, check=True)
    wall = time.perf_counter() - began
    plan = json.loads((out / "plan.json").read_text())
    return wall, plan["solver"]["seconds"], plan.get("not_drawn", [])


def interrupt(contract: Path, out: Path, after: float = 3.0) -> tuple[float, int]:
    """Seconds from SIGINT (``after`` seconds past loading) to exit, and the exit status."""
    args = [LOTTING, "split", str(contract), "--time-limit", "0", "--out", str(out)]
    process = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("Using "):
            break
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    sent = time.perf_counter()
    process.communicate(timeout=300)
    return time.perf_counter() - sent, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 60-unit contract")
    quick = parser.parse_args().quick
    lines = [f"# bench/overshoot.py, load average at start {os.getloadavg()[0]:.1f} (2 cores)"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        began = time.perf_counter()
        subprocess.run([LOTTING, "--version"], capture_output=True, check=True)
        lines.append(f"startup (lotting --version): {time.perf_counter() - began:.1f} s")
        medium = write_frames(
            realistic_frames(3, n_areas=30, n_services=2, n_suppliers=60), root / "medium"
        )
        contracts = {
            "60 units": medium,
            "example 64 units + map": ROOT / "data/example/contract.csv",
        }
        if not quick:
            contracts["L-adj 150 units"] = write_case("L-adj", root / "L")
        lines.append("case | limit s | wall s | solve s | promise s | over promise s | not drawn")
        for name, contract in contracts.items():
            for limit in (2.0, 5.0, 10.0):
                wall, solve, not_drawn = split(contract, root / "out", limit)
                promise = 1.1 * limit + 2
                lines.append(
                    f"{name} | {limit:g} | {wall:.1f} | {solve:.1f} | {promise:.1f} | "
                    f"{max(0.0, wall - promise):.1f} | {', '.join(not_drawn) or '-'}"
                )
        lines.append("case | Ctrl-C to exit s | exit status")
        for name, contract in contracts.items():
            if "example" in name:
                continue  # solved within seconds: nothing to interrupt
            seconds, code = interrupt(contract, root / "int")
            lines.append(f"{name} | {seconds:.1f} | {code}")
    lines.append(f"load average at end {os.getloadavg()[0]:.1f}")
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "overshoot.txt").write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
