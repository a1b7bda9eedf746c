"""The `lotting` console script: turns the library's results and errors into output and exit codes.

Exit status: 0 success; 1 no feasible division (with the reasons); 2 invalid input.
"""

from __future__ import annotations

import functools
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from lotting import Case, Plan, Scenario, load_case, solve
from lotting.errors import InfeasibleError, InputError, LottingError, NoSolutionError, ScenarioError

EXIT_INFEASIBLE = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


def _fail(message: str, code: int) -> None:
    """Print one readable paragraph to stderr and exit with ``code``."""
    click.echo(
        textwrap.fill(message, width=100, break_long_words=False, break_on_hyphens=False), err=True
    )
    sys.exit(code)


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Map library errors to exit codes: input 2, infeasible 1; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (InputError, ScenarioError) as err:
            _fail(f"Error: {err}", EXIT_INPUT)
        except (InfeasibleError, NoSolutionError) as err:
            _fail(str(err), EXIT_INFEASIBLE)
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


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The files of a case beside contract.csv, each overridable."""
    file = click.Path(dir_okay=False, path_type=Path)
    for name, text in (
        ("adjacency", "areas that share a border (default: adjacency.csv beside the contract)"),
        ("partners", "partner graph (default: partners.csv beside the contract)"),
        ("suppliers", "supplier market (default: suppliers.csv beside the contract)"),
    ):
        command = click.option(f"--{name}", type=file, default=None, help=text)(command)
    return command


def scenario_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Every scenario parameter as an option, defaults from Scenario."""
    d = Scenario()
    specs: list[tuple[str, type, Any, str]] = [
        ("--lot-cost", float, d.lot_cost, "cost of tendering and managing one lot, per year"),
        ("--reach-value", float, d.reach_value, "value of each target supplier that can bid"),
        ("--open-rate", float, d.open_rate, "value per unit of contract value open to targets"),
        ("--min-bidders", int, d.min_bidders, "fewest eligible bid options a lot may have"),
        ("--max-lots", int, d.max_lots, "most lots allowed"),
        ("--max-consortium", int, d.max_consortium, "largest consortium considered"),
        ("--max-sub-share", float, d.max_sub_share, "largest share a prime may subcontract"),
        ("--turnover-ratio", float, d.turnover_ratio, "capacity = turnover × this ratio"),
        ("--min-lot-value", float, None, "smallest lot value allowed"),
        ("--max-lot-value", float, None, "largest lot value allowed"),
    ]
    command = click.option(
        "--target-kinds",
        default=",".join(d.target_kinds),
        show_default=True,
        help="comma-separated kinds counted as targets (user_led, vcse, sme, large)",
    )(command)
    command = click.option(
        "--no-subcontracting", is_flag=True, help="lead options without supply chains"
    )(command)
    command = click.option("--no-consortia", is_flag=True, help="no consortium options")(command)
    for flag, kind, default, text in reversed(specs):
        command = click.option(flag, type=kind, default=default, show_default=True, help=text)(
            command
        )
    return command


def make_scenario(kwargs: dict[str, Any]) -> Scenario:
    """Pop the scenario options from a command's keyword arguments."""
    names = [
        "lot_cost",
        "reach_value",
        "open_rate",
        "min_bidders",
        "max_lots",
        "max_consortium",
        "max_sub_share",
        "turnover_ratio",
        "target_kinds",
        "min_lot_value",
        "max_lot_value",
    ]
    values = {n: kwargs.pop(n) for n in names}
    values["consortia"] = not kwargs.pop("no_consortia")
    values["subcontracting"] = not kwargs.pop("no_subcontracting")
    return Scenario(**values)


def load(
    contract: Path, suppliers: Path | None, partners: Path | None, adjacency: Path | None
) -> Case:
    """Load the case and say on stderr which files were used and what was ignored."""
    case = load_case(contract, suppliers, partners, adjacency)
    used = ", ".join(f"{role} {path}" for role, path in case.files.items())
    click.echo(f"Using {used}.", err=True)
    for warning in case.warnings:
        click.echo(f"Warning: {warning}", err=True)
    return case


def default_out(contract: Path) -> Path:
    """<contract stem>-lots/ beside the contract."""
    return contract.parent / f"{contract.stem}-lots"


def format_lots(plan: Plan) -> str:
    """The printed table of lots."""
    table = plan.lots[["lot", "value", "n_units", "bidders", "target_holders", "areas"]].copy()
    table["value"] = table["value"].map(lambda v: f"{v:,.0f}")
    table["target_holders"] = table["target_holders"].str.replace(";", ", ")
    table["areas"] = table["areas"].map(lambda a: _shorten(a.replace(";", ", "), 48))
    table.columns = ["lot", "value/yr", "units", "bidders", "target holders", "areas"]
    return table.to_string(index=False)


def _shorten(text: str, width: int) -> str:
    """Cut long cells so the table stays readable in a terminal."""
    return text if len(text) <= width else text[: width - 3] + "..."


def format_summary(plan: Plan) -> str:
    """Status, objective and headline figures in two lines."""
    m = plan.metrics
    if plan.status == "optimal":
        status = "optimal"
    elif plan.gap is None:
        status = "feasible (stopped at the time limit; gap unknown)"
    else:
        status = f"feasible (stopped at the time limit; within {100 * plan.gap:.2f}% of optimal)"
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


@main.command()
@click.argument("contract", type=click.Path(dir_okay=False, path_type=Path))
@input_options
@scenario_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="output folder (default: <contract stem>-lots/ beside the contract)",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="seconds the solver may take; 0 for no limit",
)
@click.option("--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True)
@click.option(
    "--timings",
    is_flag=True,
    help="record solver seconds in plan.json (outputs then differ run to run)",
)
@handle_errors
def split(
    contract: Path, out: Path | None, time_limit: float, solver: str, timings: bool, **kwargs: Any
) -> None:
    """Find the best division of CONTRACT into lots; write the plan, tables and chart."""
    scenario = make_scenario(kwargs)
    case = load(contract, kwargs["suppliers"], kwargs["partners"], kwargs["adjacency"])
    plan = solve(case, scenario, time_limit=time_limit or None, solver=solver)
    folder = plan.to_folder(out or default_out(contract), tuple(case.files.values()), timings)
    click.echo(format_lots(plan))
    click.echo()
    click.echo(format_summary(plan))
    click.echo(f"Wrote {folder}/: assignment.csv, lots.csv, plan.json, lots.png")


if __name__ == "__main__":
    main()
