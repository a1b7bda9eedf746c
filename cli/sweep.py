"""The sweep command's work and the execution options it shares with frontier."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pandas as pd

from lotting import Case, Scenario
from lotting.errors import InputError
from lotting.parallel import cores
from lotting.present.writers import write_sweep
from lotting.sweep import grid as grid_table
from lotting.sweep import read_scenarios, sweep_plans, varying

from .signals import EXIT_INTERRUPTED, cancellable, exit_code


def execution_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--workers and --scheduler: where the independent solves run."""
    command = click.option(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="a running dask scheduler to use, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )(command)
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="processes of the local cluster, one solver thread each (default: this machine's "
        "cores; 1 solves here, one after another)",
    )(command)


@contextlib.contextmanager
def progress_bar(
    total: int, unit: str, quiet: bool = False
) -> Iterator[Callable[[int, int, int], None]]:
    """A tqdm bar on stderr of tasks done, with how many are running (hidden when ``quiet``)."""
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True, disable=quiet) as bar:

        def update(done: int, running: int, total: int) -> None:
            bar.update(done - bar.n)
            bar.set_postfix(running=running, refresh=True)

        yield update


def scenario_rows(scenarios: Path | None, grid: str | None, base: Scenario) -> pd.DataFrame:
    """The scenario table from scenarios.csv or --grid (exactly one of them), checked."""
    if (scenarios is None) == (grid is None):
        raise InputError("give a scenarios.csv or --grid (one of them).", file="lotting sweep")
    if scenarios is not None:
        return read_scenarios(scenarios, base)
    return grid_table(str(grid), base)


def run_sweep(
    case: Case,
    table: pd.DataFrame,
    out: Path,
    inputs: tuple[Path, ...],
    time_limit: float,
    work_limit: int | None,
    solver: str,
    workers: int | None,
    scheduler: str | None,
    timings: bool,
    quiet: bool = False,
) -> None:
    """Solve every scenario with a progress bar (none when ``quiet``), write the folder whole,
    print the table; Ctrl-C cancels the solves and writes nothing (exit 130)."""
    count = workers or cores()
    where = scheduler or (
        f"a local cluster of {count} workers" if count > 1 else "this process, one at a time"
    )
    limit = f"time limit {time_limit:g} s each" if time_limit else "no time limit"
    if not quiet:
        click.echo(f"Solving {len(table)} scenarios on {where} ({limit})", err=True)
    try:
        with cancellable() as got, progress_bar(len(table), "scenario", quiet) as progress:
            result, plans = sweep_plans(
                case,
                table,
                client=scheduler,
                workers=workers,
                time_limit=time_limit or None,
                solver=solver,
                work_limit=work_limit,
                progress=progress,
            )
    except KeyboardInterrupt:
        reason = got[0] if got else "interrupted"
        click.echo(
            f"{reason.capitalize()}: the solves were cancelled and nothing was written.", err=True
        )
        sys.exit(exit_code(reason) or EXIT_INTERRUPTED)
    folder = write_sweep(result, plans, out, inputs, timings)
    click.echo(format_sweep(result))
    solved = len(plans)
    click.echo(f"Wrote {folder}/: sweep.csv, sweep.png, scenarios/ ({solved} plans)")


def format_sweep(table: pd.DataFrame) -> str:
    """The sweep table for a terminal: name, what varies, status and the headline figures."""
    columns = ["name", *varying(table), "status", "objective", "n_lots", "reach", "open_value"]
    shown = table[columns].copy()
    for column in ("objective", "open_value"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    for column in ("n_lots", "reach"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    return shown.to_string(index=False)
