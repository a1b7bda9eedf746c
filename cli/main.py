"""The `lotting` console script: turns the library's results and errors into output and exit codes.

Exit status: 0 success; 1 no feasible division (with the reasons); 2 invalid input, including an
output folder that cannot be written (checked before any work); 130 interrupted (Ctrl-C), 143
terminated (SIGTERM), after writing the best plan so far when there is one; 3 only for a bug.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from lotting import (
    Case,
    InfeasibleError,
    InputError,
    LottingError,
    NoSolutionError,
    Plan,
    Scenario,
    ScenarioError,
    StoppedError,
    evaluate,
    frontier,
    load_case,
    solve,
)
from lotting.cli.sweep import execution_options, run_sweep, scenario_rows
from lotting.files import Writer, check_folder, write_csv
from lotting.inputs.division import read_division
from lotting.ocds import RESERVE_CODES, to_json
from lotting.optimise import RunOptions
from lotting.plan import chart_seconds, compare
from lotting.present.market_check import market_report
from lotting.present.writers import (
    alternatives_files,
    alternatives_table,
    write_evaluation,
    write_frontier,
    write_partners,
)
from lotting.progress import Event, Progress
from lotting.scenario import option_name
from lotting.stop import Stop
from lotting.text import money

from .signals import (
    EXIT_INTERRUPTED,
    WRITE_SECONDS,
    charts_left_out,
    command_began,
    exit_code,
    exit_if_stopped,
    for_solving,
    for_writing,
    stoppable,
)

EXIT_INFEASIBLE = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
#: The keyword arguments of the OCDS options (``--currency`` only until the scenario has one).
OCDS_KEYS = tuple(
    key
    for key in ("ocds", "ocid", "published", "reserve_code", "currency")
    if key not in {f.name for f in dataclasses.fields(Scenario)}
)


def _fail(message: str, code: int) -> None:
    """Print one readable paragraph to stderr and exit with ``code``."""
    click.echo(
        textwrap.fill(message, width=100, break_long_words=False, break_on_hyphens=False), err=True
    )
    sys.exit(code)


#: A click command function, as the option decorators take and return it.
Command = Callable[..., Any]


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Map library errors to exit codes: input 2, infeasible 1; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as err:
            _fail(f"Error: {err}", EXIT_INPUT)
        except ScenarioError as err:
            _fail(f"Error: {cli_words(str(err))}", EXIT_INPUT)
        except (InfeasibleError, NoSolutionError) as err:
            _fail(cli_words(str(err)), EXIT_INFEASIBLE)
        except StoppedError as err:
            _fail(f"{err} Nothing was written.", exit_code(err.reason) or EXIT_INTERRUPTED)
        except OSError as err:  # the system refused a file we read or write
            where = f" ({err.filename})" if err.filename else ""
            _fail(f"Error: {err.strerror or err}{where}.", EXIT_INPUT)
        except KeyboardInterrupt:  # a Ctrl-C outside a command's own handlers
            _fail("Interrupted; nothing was written.", EXIT_INTERRUPTED)
        except LottingError as err:
            _fail(f"Error: {err}", EXIT_INTERNAL)
        except Exception as err:  # a bug: one paragraph unless asked for the traceback
            if os.environ.get("LOTTING_DEBUG"):
                raise
            _fail(
                f"Internal error ({type(err).__name__}: {err}). Please report it with the "
                "input files; set LOTTING_DEBUG=1 to see the traceback.",
                EXIT_INTERNAL,
            )

    return wrapper


#: Scenario field names as whole words in a message, longest first (min_lot_value before min_…).
_FIELDS = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted((f.name for f in dataclasses.fields(Scenario)), key=len, reverse=True))
    + r")(?![\w-])"
)


def cli_words(message: str) -> str:
    """A library message with each Scenario field named as the CLI option that sets it
    (``max_sub_share`` → ``--max-sub-share``): the API speaks of fields, the CLI of options."""
    return _FIELDS.sub(lambda m: option_name(m.group(1)), message)


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The files of a case beside contract.csv, each overridable."""
    file = click.Path(dir_okay=False, path_type=Path)
    for name, text in (
        ("boundaries", "area shapes (TopoJSON) for map.png (default: boundaries.topojson beside)"),
        ("adjacency", "areas that share a border (default: adjacency.csv beside the contract)"),
        ("partners", "partner graph (default: partners.csv beside the contract)"),
        ("suppliers", "supplier market (default: suppliers.csv beside the contract)"),
    ):
        command = click.option(f"--{name}", type=file, default=None, help=text)(command)
    return command


#: Click types of the scenario fields, by their annotation.
_TYPES: dict[str, Any] = {
    "float": float,
    "float | None": float,
    "int": int,
    "int | None": int,
    "str": str,
}


def scenario_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Every scenario field as an option (``lot_cost`` → ``--lot-cost``), its default and help
    from :class:`Scenario`, so a new field cannot be forgotten."""
    for f in reversed(dataclasses.fields(Scenario)):
        flag, help_text = option_name(f.name), f.metadata["help"]
        if f.type == "bool":
            switch = f.metadata["off"] if f.default is True else help_text
            option = click.option(flag, f.name, is_flag=True, help=switch)
        elif f.type.startswith("tuple"):
            default = ",".join(f.default)
            option = click.option(flag, default=default, show_default=True, help=help_text)
        else:
            option = click.option(
                flag, type=_TYPES[f.type], default=f.default, show_default=True, help=help_text
            )
        command = option(command)
    return command


def make_scenario(kwargs: dict[str, Any]) -> Scenario:
    """Pop the scenario options from a command's keyword arguments (a ``--no-…`` switch given
    turns its field off)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Scenario):
        value = kwargs.pop(f.name)
        values[f.name] = not value if f.type == "bool" and f.default is True else value
    scenario = Scenario(**values)
    for warning in scenario.warnings():
        click.echo(f"Warning: {cli_words(warning)}", err=True)
    return scenario


def load(contract: Path, *files: Path | None, quiet: bool = False) -> Case:
    """Load the case and say on stderr which files were used (unless quiet) and what was
    ignored (always)."""
    case = load_case(contract, *files)
    used = ", ".join(f"{role} {path}" for role, path in case.files.items())
    if not quiet:
        click.echo(f"Using {used}.", err=True)
    for warning in case.warnings:
        click.echo(f"Warning: {warning}", err=True)
    return case


def default_out(contract: Path) -> Path:
    """<contract stem>-lots/ beside the contract."""
    return contract.parent / f"{contract.stem}-lots"


def format_lots(plan: Plan, breaches: bool = False) -> str:
    """The printed table of lots, :meth:`Plan.summary` (with each lot's breaches when asked)."""
    table = plan.summary(breaches=breaches)
    if breaches:
        table["breaches"] = table["breaches"].map(cli_words)
    return text_table(table)


def text_table(table: pd.DataFrame) -> str:
    """A DataFrame for a terminal: words left-aligned, numbers and money right-aligned."""
    formatters = {}
    for column in table.columns:
        cells = table[column].astype(str)
        if column not in ("value/yr",) and not pd.api.types.is_numeric_dtype(table[column]):
            width = max([len(str(column)), *cells.map(len)])
            formatters[column] = lambda v, w=width: str(v).ljust(w)
    return table.to_string(index=False, formatters=formatters, justify="left")


#: How the summary says why a run stopped before proving its plan optimal.
STOPPED = {
    "interrupted": "interrupted",
    "terminated": "terminated",
    "time_limit": "stopped at the time limit",
    "work_limit": "stopped at the work limit",
}


def format_gap(plan: Plan) -> str:
    """The proven distance from optimal in words: a percentage only when it says something
    (at most 100 %), else "no useful bound yet"."""
    if plan.gap is None or plan.gap > 1.0 or plan.bound is None:
        return "no useful bound yet"
    return f"within {100 * plan.gap:.2f}% of optimal (bound {plan.bound:,.0f})"


def format_alternatives(plans: list[Plan]) -> str:
    """The ranked divisions in a few columns."""
    table = alternatives_table(plans)[["rank", "objective", "status", "n_lots", "reach", "moved"]]
    table["objective"] = table["objective"].map(lambda v: f"{v:,.0f}")
    return "\nAlternatives:\n" + text_table(table)


def format_summary(plan: Plan) -> str:
    """Status, objective and headline figures in two lines."""
    m = plan.metrics
    if plan.status == "optimal":
        status = "optimal"
    else:
        why = STOPPED.get(plan.stopped or "", "stopped early")
        status = f"{plan.status} ({why}; {format_gap(plan)})"
    return (
        f"Status: {status}. Objective {plan.objective:,.0f} per year "
        f"({plan.solver}, {plan.seconds:.1f} s).\n"
        f"{m['n_lots']} lots; reach {m['reach']} target suppliers (+{m['sub_reach']} as "
        f"subcontractors); open value {m['open_value']:,.0f} of {m['total_value']:,.0f}; "
        f"fewest bidders {m['fewest_bidders']}."
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lotting")
def main() -> None:
    """Divide a public contract into lots that the real supplier market can bid for."""


def entry() -> None:
    """The ``lotting`` console script: :func:`main`, then, while a solve abandoned at its
    deadline is still busy in its thread, an immediate exit with the same status (HiGHS's threads
    would abort the interpreter's shutdown, exit -6)."""
    from lotting.mip.solver import solver_running

    try:
        main()
    except SystemExit as done:
        if not solver_running():
            raise
        code = done.code
        if isinstance(code, str):
            click.echo(code, err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """CONTRACT, the input files, the scenario, --out, --time-limit and --solver."""
    command = click.option(
        "--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True
    )(command)
    command = click.option(
        "--time-limit",
        type=click.FloatRange(min=0),
        default=60.0,
        show_default=True,
        help="seconds each solve may take; 0 for no limit",
    )(command)
    command = click.option(
        "--work-limit",
        type=click.IntRange(min=1),
        default=None,
        help="branch-and-bound nodes each solve may explore: the same plan on any machine",
    )(command)
    command = click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="output folder (default: <contract stem>-lots/ beside the contract)",
    )(command)
    command = click.option(
        "-q", "--quiet", is_flag=True, help="no progress on stderr (errors and warnings only)"
    )(command)
    command = click.option(
        "-v", "--verbose", is_flag=True, help="also show the solver's own log on stderr"
    )(command)
    command = scenario_options(command)
    command = input_options(command)
    return click.argument("contract", type=click.Path(dir_okay=False, path_type=Path))(command)


def _published(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--published must be an RFC 3339 date-time (a date alone means midnight UTC)."""
    if value is None:
        return None
    text = value.strip()
    if len(text) == 10:
        text += "T00:00:00Z"
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2026-04-01.") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} needs a time zone, e.g. 2026-04-01T09:00:00Z.")
    return text


def ocds_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--ocds and what the published release needs: ocid, date, currency, reserved-lot code."""
    fields = {f.name for f in dataclasses.fields(Scenario)}
    if "currency" not in fields:  # until the scenario carries the currency itself
        command = click.option(
            "--currency", default="GBP", show_default=True, help="currency of the lot values"
        )(command)
    command = click.option(
        "--reserve-code",
        type=click.Choice(RESERVE_CODES),
        default=RESERVE_CODES[0],
        show_default=True,
        help="OCDS reservedParticipation of reserved lots (shelteredWorkshop: supported "
        "employment; publicServiceMissionOrganization: mutuals)",
    )(command)
    command = click.option(
        "--published",
        callback=_published,
        default=None,
        help=f"release date for ocds.json (default {PUBLISHED_SHOWN}: set it when publishing)",
    )(command)
    command = click.option(
        "--ocid",
        default=None,
        help="the contracting process's OCID (default: ocds-lotting-<hash of the contract>)",
    )(command)
    return click.option(
        "--ocds", "ocds", is_flag=True, help="also write ocds.json, an OCDS 1.1 release package"
    )(command)


PUBLISHED_SHOWN = "1970-01-01"


def ocds_file(plan: Plan, kwargs: dict[str, Any]) -> dict[str, Writer]:
    """ocds.json as an extra output file when --ocds is given (validated before any writing);
    pops the OCDS options from ``kwargs``."""
    wanted = kwargs.pop("ocds")
    ocid, published = kwargs.pop("ocid"), kwargs.pop("published")
    reserve_code = kwargs.pop("reserve_code")
    currency = kwargs.pop("currency", None)
    if not wanted:
        return {}
    text = to_json(plan.to_ocds(ocid, published, currency, reserve_code))
    return {"ocds.json": lambda p: p.write_text(text, encoding="utf-8")}


class Feedback:
    """Shows a solve's progress events on stderr: one line per step, the solver's incumbent and
    gap every few seconds, its log with ``verbose``, nothing with ``quiet``."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.last: tuple[float | None, float | None] = (None, None)

    def say(self, text: str) -> None:
        """A line on stderr unless quiet."""
        if not self.quiet:
            click.echo(text, err=True)

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        if event.kind == "log":
            if self.verbose:
                click.echo(f"    {event.text}", err=True)
            return
        if event.kind in ("incumbent", "bound"):
            shown = (event.objective, event.bound)
            if shown == self.last or (event.kind == "incumbent" and shown[0] == self.last[0]):
                return  # nothing new to say
            self.last = shown
            word = "better division" if event.kind == "incumbent" else "searching"
            click.echo(f"  {word}: {event.describe()}", err=True)
            return
        if event.kind == "lots":
            return  # the frontier shows these itself
        self.last = (None, None)
        click.echo(f"  {event.describe()}", err=True)


def checked_out(
    contract: Path, out: Path | None, kwargs: dict[str, Any], names: tuple[str, ...] = ()
) -> Path:
    """The output folder (``--out`` or the default), checked before any work: it can be made and
    written, and is not (and would not overwrite) an input file. Exit 2 naming it otherwise."""
    folder = out or default_out(contract)
    beside = contract.parent
    inputs = [contract, *(beside / n for n in ("suppliers.csv", "partners.csv", "adjacency.csv"))]
    inputs += [beside / "boundaries.topojson"]
    named = (kwargs.get(n) for n in ("suppliers", "partners", "adjacency", "boundaries", "lots"))
    inputs += [Path(p) for p in named if p is not None]
    check_folder(folder, tuple(p for p in inputs if p.exists()), names)
    return folder


def stop_for(time_limit: float | None = None) -> Stop:
    """The command's :class:`Stop`: SIGINT/SIGTERM handlers (:func:`stoppable`) for as long as
    the click command runs, with the deadline ``time_limit`` seconds from the process's start
    (:func:`command_began`; None/0: none)."""
    began = command_began()
    return click.get_current_context().with_resource(stoppable(time_limit or None, began))


def seconds_left(stop: Stop) -> float | None:
    """The time limit to hand the library: what is left of the command's (None: no limit)."""
    left = stop.left()
    return None if left is None else max(left, 0.01)


def solve_options(
    time_limit: float | None,
    solver: str,
    work_limit: int | None,
    stop: Stop,
    progress: Progress | None = None,
    log: bool = False,
) -> RunOptions:
    """What every command's solves share, from its common options (a time limit of 0 is none)."""
    return RunOptions(
        time_limit=time_limit or None,
        solver=solver,
        work_limit=work_limit,
        progress=progress,
        log=log,
        stop=stop,
    )


def prepare(contract: Path, kwargs: dict[str, Any], quiet: bool = False) -> tuple[Case, Scenario]:
    """Scenario from the options (checked first: cheap), then the case from the files (its
    warnings on stderr unless ``quiet``)."""
    scenario = make_scenario(kwargs)
    names = ("suppliers", "partners", "adjacency", "boundaries")
    files = tuple(kwargs.pop(name) for name in names)
    return load(contract, *files, quiet=quiet or bool(kwargs.get("quiet"))), scenario


@main.command()
@common_options
@ocds_options
@click.option(
    "--timings",
    is_flag=True,
    help="record solver seconds in plan.json (outputs then differ run to run)",
)
@click.option(
    "--alternatives",
    type=int,
    default=1,
    show_default=True,
    help="the K best divisions, distinct as partitions (alternatives.csv, alternatives/<rank>/)",
)
@handle_errors
def split(
    contract: Path,
    out: Path | None,
    time_limit: float,
    work_limit: int | None,
    solver: str,
    timings: bool,
    alternatives: int,
    quiet: bool,
    verbose: bool,
    **kwargs: Any,
) -> None:
    """Find the best division of CONTRACT into lots; write the plan, tables and chart."""
    if alternatives < 1:
        raise ScenarioError(
            f"--alternatives must be a whole number ≥ 1 (the divisions to return); "
            f"got {alternatives}."
        )
    stop = stop_for(time_limit)
    out = checked_out(contract, out, kwargs, ("assignment.csv", "lots.csv", "plan.json"))
    ocds_kwargs = {k: kwargs.pop(k) for k in OCDS_KEYS if k in kwargs}
    case, scenario = prepare(contract, kwargs, quiet)
    feedback = Feedback(quiet, verbose)
    limit = f"time limit {time_limit:g} s" if time_limit else "no time limit"
    feedback.say(f"Solving ({limit}; -q for quiet, -v for the solver's log)")
    # the solve leaves time for the outputs; charts that would end past the promise are left out
    writing = WRITE_SECONDS + (1.0 if ocds_kwargs.get("ocds") else 0.0)
    charts = chart_seconds(case.contract, case.boundaries)
    solving = for_solving(stop, time_limit, writing, charts)
    left = seconds_left(solving)
    options = solve_options(left, solver, work_limit, solving, feedback, verbose)
    plans = solve(case, scenario, alternatives=alternatives, **options)
    plan = plans[0]
    inputs = tuple(case.files.values())
    extra = ocds_file(plan, ocds_kwargs)
    if alternatives > 1:
        extra.update(alternatives_files(plans, timings))
    not_drawn = charts_left_out(plan.chart_seconds(), for_writing(stop, time_limit), writing)
    folder = plan.to_folder(out, inputs, timings, extra, not_drawn=not_drawn)
    click.echo(format_lots(plan))
    click.echo()
    click.echo(format_summary(plan))
    explanation = plan.explain()
    if explanation:
        click.echo()
        click.echo("Who the target suppliers bid with:")
        for line in explanation:
            click.echo(textwrap.fill(line, 100, initial_indent="  ", subsequent_indent="    "))
    drawn = [name for name in plan.charts() if name not in not_drawn]
    written = ", ".join(["assignment.csv", "lots.csv", "plan.json", *drawn])
    written += "".join(f", {name}" for name in extra if not name.startswith("alternatives"))
    if alternatives > 1:
        click.echo(format_alternatives(plans))
        if plans.shortfall():
            click.echo(plans.shortfall())
        written += f", alternatives.csv and alternatives/2..{len(plans)}/"
    if not_drawn:
        click.echo(
            f"Not drawn: {' and '.join(not_drawn)}; no time was left for them "
            + (
                f"after {'SIGTERM' if stop.reason == 'terminated' else 'Ctrl-C'} (a run left "
                "to finish draws them"
                if stop.requested
                else f"within --time-limit {time_limit:g} (a longer limit draws them"
            )
            + "; plan.json lists them under not_drawn)."
        )
    click.echo(f"Wrote {folder}/: {written}")
    exit_if_stopped(stop)


@main.command("frontier")
@common_options
@execution_options
@handle_errors
def frontier_command(
    contract: Path,
    out: Path | None,
    time_limit: float,
    work_limit: int | None,
    solver: str,
    quiet: bool,
    verbose: bool,
    workers: int | None,
    scheduler: str | None,
    **kwargs: Any,
) -> None:
    """The trade-off curve: the best reach and open value for each number of lots."""
    # The time limit is per solve. On workers, Ctrl-C cancels the tasks (KeyboardInterrupt).
    stop = stop_for() if workers == 1 and scheduler is None else Stop()
    names = ("frontier.csv", "frontier.json", "frontier.png")
    out = checked_out(contract, out, kwargs, names)
    case, scenario = prepare(contract, kwargs, quiet)
    feedback = Feedback(quiet, verbose)
    limit = f"time limit {time_limit:g} s each" if time_limit else "no time limit"
    feedback.say(f"Solving for 1 to {scenario.max_lots} lots ({limit})")
    shown = sys.stderr.isatty() and not quiet and not verbose
    with click.progressbar(
        length=scenario.max_lots, label="  lots solved", file=sys.stderr, hidden=not shown
    ) as bar:

        def progress(event: Event) -> None:
            if event.kind == "lots":
                bar.update(1)
                if not shown:
                    feedback.say(f"  {event.text}")
            elif verbose:
                feedback(event)

        options = solve_options(time_limit, solver, work_limit, stop, progress, verbose)
        table = frontier(case, scenario, client=scheduler, workers=workers, **options)
    folder = write_frontier(table, out, tuple(case.files.values()), scenario, case)
    click.echo(format_frontier(table, scenario.currency))
    click.echo(f"Wrote {folder}/: frontier.csv, frontier.json, frontier.png")
    exit_if_stopped(stop)


@main.command("sweep")
@common_options
@click.argument("scenarios", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--grid",
    default=None,
    metavar="SPEC",
    help='scenarios as a product instead of SCENARIOS, e.g. "lot_cost=10000,40000;min_bidders=1,2"',
)
@execution_options
@click.option(
    "--timings", is_flag=True, help="record seconds in sweep.csv (it then differs run to run)"
)
@handle_errors
def sweep_command(
    contract: Path,
    scenarios: Path | None,
    out: Path | None,
    time_limit: float,
    work_limit: int | None,
    solver: str,
    grid: str | None,
    workers: int | None,
    scheduler: str | None,
    timings: bool,
    quiet: bool,
    verbose: bool,
    **kwargs: Any,
) -> None:
    """Solve many scenarios of CONTRACT at once, in parallel: one per row of SCENARIOS (a CSV
    whose columns are scenario options; an empty cell takes the command line's value) or of
    --grid. Writes sweep.csv, sweep.png and scenarios/<name>/."""
    out = checked_out(contract, out, kwargs, ("sweep.csv", "sweep.png", "scenarios"))
    case, base = prepare(contract, kwargs, quiet)
    table = scenario_rows(scenarios, grid, base)
    inputs = (*case.files.values(), *([scenarios] if scenarios else []))
    run_sweep(
        case,
        table,
        out,
        inputs,
        time_limit,
        work_limit,
        solver,
        workers,
        scheduler,
        timings,
        quiet,
    )


def lots_option(help: str, required: bool = False) -> Callable[[Command], Command]:
    """``--lots FILE``: a division to score (evaluate's, and report's current lots)."""
    path = click.Path(dir_okay=False, path_type=Path)
    return click.option("--lots", "lots_file", type=path, required=required, help=help)


@main.command("evaluate")
@common_options
@lots_option(
    "the division to score: a CSV with columns unit, lot (e.g. split's assignment.csv), "
    "or an OCDS release package (e.g. split's ocds.json)",
    required=True,
)
@click.option("--no-optimise", is_flag=True, help="score the division only; skip the optimum")
@handle_errors
def evaluate_command(
    contract: Path,
    out: Path | None,
    time_limit: float,
    work_limit: int | None,
    solver: str,
    lots_file: Path,
    no_optimise: bool,
    quiet: bool,
    verbose: bool,
    **kwargs: Any,
) -> None:
    """Score an existing division of CONTRACT (--lots) and compare it with the optimum."""
    stop = stop_for(time_limit)
    names = ("evaluation.csv", "evaluation.json")
    out = checked_out(contract, out, {**kwargs, "lots": lots_file}, names)
    case, scenario = prepare(contract, kwargs, quiet)
    feedback = Feedback(quiet, verbose)
    given = score_division(case, scenario, lots_file)
    optimum = None
    if not no_optimise:
        try:
            feedback.say("Solving for the optimum to compare with")
            solving = for_solving(stop, time_limit, WRITE_SECONDS, {})
            left = seconds_left(solving)
            options = solve_options(left, solver, work_limit, solving, feedback, verbose)
            optimum = solve(case, scenario, **options)
        except (InfeasibleError, NoSolutionError, StoppedError) as err:
            click.echo(f"No optimum to compare with: {err}", err=True)
    inputs = (*case.files.values(), lots_file)
    folder = write_evaluation(given, optimum, out, inputs)
    click.echo(format_lots(given, breaches=True))
    click.echo()
    plans = {"given": given} if optimum is None else {"given": given, "optimum": optimum}
    click.echo(format_comparison(compare(plans), scenario.currency))
    if given.evaluation.breaches:
        click.echo()
        click.echo("Breaches of the scenario:")
        for breach in given.evaluation.breaches:
            click.echo(f"  - {cli_words(breach)}")
    click.echo(f"Wrote {folder}/: evaluation.csv, evaluation.json")
    exit_if_stopped(stop)


@main.command("check")
@click.argument("contract", type=click.Path(dir_okay=False, path_type=Path))
@input_options
@scenario_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="output folder for partners.png (default: <contract stem>-lots/ beside the contract)",
)
@handle_errors
def check_command(contract: Path, out: Path | None, **kwargs: Any) -> None:
    """Validate the inputs of CONTRACT and report the market: who can bid for what."""
    folder = checked_out(contract, out, kwargs, ("partners.png",))
    case, scenario = prepare(contract, kwargs)
    report = market_report(case, scenario)
    click.echo(report.to_text(), nl=False)
    if not case.partners.empty:
        folder = write_partners(case, folder, tuple(case.files.values()))
        click.echo(f"Wrote {folder}/: partners.png")


def score_division(case: Case, scenario: Scenario, lots_file: Path) -> Plan:
    """Evaluate the division in --lots (a unit, lot CSV with an optional reserved column, or an
    OCDS ocds.json whose lots may carry reservedParticipation), with its reserved lots."""
    division = read_division(lots_file, case)
    return evaluate(case, scenario, division.assignment, division.reserved)


@main.command("report")
@common_options
@ocds_options
@lots_option(
    "the current division to score beside the recommendation (CSV unit, lot, or ocds.json)"
)
@click.option("--pdf", is_flag=True, help="also print report.pdf with a headless Chromium")
@click.option(
    "--browser",
    default=None,
    help="the Chromium to print with (default: chromium on PATH)",
)
@click.option(
    "--full-frontier",
    is_flag=True,
    help="solve every number of lots for the trade-off section (default: only the points the "
    "statement uses, so the report costs about two more solves than split)",
)
@handle_errors
def report_command(
    contract: Path,
    out: Path | None,
    time_limit: float,
    work_limit: int | None,
    solver: str,
    lots_file: Path | None,
    pdf: bool,
    browser: str | None,
    full_frontier: bool,
    quiet: bool,
    verbose: bool,
    **kwargs: Any,
) -> None:
    """The commissioner's report on CONTRACT: report.html (and report.pdf with --pdf)."""
    # jinja2 and the charts load only for this command (a short --time-limit counts loading)
    from lotting.present.report import build_report, find_browser, print_pdf, report_frontier

    stop = stop_for()  # the time limit is per solve, as in frontier
    names = ("report.html", "frontier.csv", "assignment.csv", "lots.csv", "plan.json")
    out = checked_out(contract, out, kwargs, names)
    ocds_kwargs = {k: kwargs.pop(k) for k in OCDS_KEYS if k in kwargs}
    case, scenario = prepare(contract, kwargs, quiet)
    printer: str | None = None
    no_browser: InputError | None = None
    if pdf:  # found before any work; without one the HTML is still written, then exit 2
        try:
            printer = find_browser(browser)
        except InputError as err:
            no_browser = err
    feedback = Feedback(quiet, verbose)
    current = score_division(case, scenario, lots_file) if lots_file is not None else None
    feedback.say("Solving, then the frontier points the statement needs")
    options = solve_options(time_limit, solver, work_limit, stop, feedback, verbose)
    plan = solve(case, scenario, **options)
    click.echo(format_summary(plan))
    table = report_frontier(case, plan, full=full_frontier, **options)
    currency = ocds_kwargs.get("currency") or scenario.currency
    report = build_report(plan, case, table, current, currency)
    html = report.html()
    files: dict[str, Writer] = {"report.html": lambda p: p.write_text(html, encoding="utf-8")}
    files["frontier.csv"] = functools.partial(write_csv, table)
    files.update(ocds_file(plan, ocds_kwargs))
    if printer is not None:  # printed from the HTML beside it, in the same whole write
        files["report.pdf"] = lambda p: print_pdf(p.parent / "report.html", p, printer)
    charts = {f"{name}.png": png for name, png in report.charts.items() if name != "frontier"}
    drawn: dict[str, Writer] = {
        name: functools.partial(Path.write_bytes, data=png) for name, png in charts.items()
    }
    inputs = (*case.files.values(), *([lots_file] if lots_file is not None else []))
    folder = plan.to_folder(out, inputs, extra={**drawn, **files}, command="report")
    click.echo(f"Wrote {folder}/: {', '.join(files)} (and the plan's files)")
    if no_browser is not None:
        raise no_browser
    exit_if_stopped(stop)


def format_frontier(table: pd.DataFrame, currency: str = "GBP") -> str:
    """The frontier table for a terminal: money with its currency, blanks for no figure."""
    shown = table.copy()
    for column in ("overhead", "open_value", "objective"):
        shown[column] = shown[column].map(lambda v: money(v, currency))
    for column in ("reach", "sub_reach"):
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    shown["pareto"] = shown["pareto"].map({True: "yes", False: ""})
    shown["chosen"] = shown["chosen"].map({True: "<- split", False: ""})
    return shown.drop(columns=["gap"]).to_string(index=False)


def format_comparison(table: pd.DataFrame, currency: str = "GBP") -> str:
    """Given against optimum, figure by figure, with the difference: money as money with the
    currency, counts as counts, the gap as a percentage, and blanks where there is no figure."""
    money_rows = ("objective", "open_value", "total_value")
    shown = table.T.copy()
    if "optimum" in shown.columns:
        numeric = shown.drop(index=["status"]).apply(pd.to_numeric, errors="coerce")
        shown["difference"] = numeric["given"] - numeric["optimum"]
        shown.loc["status", "difference"] = None
        shown.loc["gap", "difference"] = None

    def cell(row: str, value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return ""
        if row == "status":
            return str(value)
        if row in money_rows:
            return money(value, currency)
        if row == "gap":
            return f"{100 * float(value):.2f}%"
        return f"{float(value):,.0f}"

    formatted = pd.DataFrame(
        {c: [cell(str(r), shown.loc[r, c]) for r in shown.index] for c in shown.columns},
        index=[str(r).replace("_", " ") for r in shown.index],
    )
    return formatted.to_string()


if __name__ == "__main__":
    main()
