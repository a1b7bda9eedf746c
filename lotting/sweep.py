"""Many scenarios of one case at once: the scenario table, a grid of them, and the sweep table."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypedDict, Unpack

import pandas as pd

from lotting.errors import InfeasibleError, InputError, LottingError, NoSolutionError, ScenarioError
from lotting.inputs.case import Case
from lotting.optimise import TIME_LIMIT, solve
from lotting.parallel import Failure, Target, TaskProgress, Where, run_tasks
from lotting.plan import METRICS, Plan
from lotting.scenario import Scenario, option_name

FIELDS = tuple(f.name for f in dataclasses.fields(Scenario))
_TYPES = {f.name: str(f.type) for f in dataclasses.fields(Scenario)}
#: Columns of the sweep table, in order.
COLUMNS = ["name", *FIELDS, "status", "objective", "gap", *METRICS, "seconds", "reason"]
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=+-]*")
TRUE, FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off")


def _spellings() -> dict[str, tuple[str, bool]]:
    """Every accepted column header → (field, whether a true cell turns the field off)."""
    known: dict[str, tuple[str, bool]] = {}
    for name in FIELDS:
        known[name] = (name, False)
        known[name.replace("_", "-")] = (name, False)
        flag = option_name(name)
        known[flag] = (name, flag.startswith("--no-"))
        known[flag.removeprefix("--")] = (name, flag.startswith("--no-"))
    return known


SPELLINGS = _spellings()


def read_scenarios(path: str | Path, base: Scenario | None = None) -> pd.DataFrame:
    """The scenario table of a scenarios.csv, every cell checked before anything is solved.

    Columns: an optional ``name`` and any scenario field, spelt in snake_case (``lot_cost``) or as
    its option (``--lot-cost``, ``--no-consortia``); an empty cell takes ``base``'s value (the
    command line's, or the default). Returns one row per scenario in file order with ``name``
    and every field; raises InputError naming the line and column of an unknown column or a bad
    value.

    >>> read_scenarios("data/example/scenarios.csv")["lot_cost"].tolist()
    [20000.0, 10000.0, 40000.0, 20000.0, 20000.0, 20000.0]
    """
    file = str(path)
    if not Path(path).is_file():
        raise InputError("file does not exist.", file=file)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(f"is not a readable CSV table ({err}).", file=file) from None
    return scenario_table(raw, base, file)


def scenario_table(
    table: pd.DataFrame | Sequence[Scenario], base: Scenario | None = None, file: str | None = None
) -> pd.DataFrame:
    """A scenario table (name and every field, checked) from a partial table or a list.

    ``table``'s cells may be text as in a CSV or values; empty or missing cells take ``base``'s
    value. Rows are numbered as lines of a CSV file (the header is line 1) in errors.

    >>> scenario_table(pd.DataFrame({"--max-lots": [4, 8]}))[["name", "max_lots"]].values.tolist()
    [['s1', 4], ['s2', 8]]
    """
    base = base or Scenario()
    if not isinstance(table, pd.DataFrame):
        rows = [{"name": f"s{i}", **s.to_dict()} for i, s in enumerate(table, 1)]
        table = pd.DataFrame(rows, columns=["name", *FIELDS])
    where = file or "the scenario table"
    columns: dict[str, tuple[str, bool]] = {}
    for column in table.columns:
        header = str(column).strip()
        if header == "name":
            continue
        if header not in SPELLINGS:
            raise InputError(
                f"unknown column; expected name or a scenario field ({', '.join(FIELDS)}).",
                file=where,
                row=1,
                column=header,
            )
        field_name = SPELLINGS[header][0]
        if field_name in [f for f, _ in columns.values()]:
            raise InputError(f"a second column for {field_name}.", file=where, row=1, column=header)
        columns[str(column)] = SPELLINGS[header]
    width = len(str(len(table)))
    names: list[str] = []
    scenarios: list[Scenario] = []
    for i, (_, row) in enumerate(table.iterrows()):
        line = i + 2
        name = _cell(row.get("name", "")) or f"s{i + 1:0{width}d}"
        if not NAME.fullmatch(name):
            raise InputError(
                "a name must be letters, digits and . _ = + - (it names a folder).",
                file=where,
                row=line,
                column="name",
            )
        if name in names:
            raise InputError(
                f"the name {name!r} is used twice.", file=where, row=line, column="name"
            )
        changes = {}
        for column, (field_name, negated) in columns.items():
            text = _cell(row[column])
            if text != "":
                changes[field_name] = _parse(field_name, text, negated, where, line, column)
        try:
            scenarios.append(base.replace(**changes))
        except ScenarioError as err:
            column = next((c for c, (f, _) in columns.items() if f in str(err)), None)
            raise InputError(str(err), file=where, row=line, column=column) from None
        names.append(name)
    rows = [{"name": n, **s.to_dict()} for n, s in zip(names, scenarios, strict=True)]
    out = pd.DataFrame(rows, columns=["name", *FIELDS])
    out["target_kinds"] = [",".join(s.target_kinds) for s in scenarios]
    return out


def _cell(value: Any) -> str:
    """A cell as stripped text; missing values are empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value).strip()


def _parse(name: str, text: str, negated: bool, file: str, line: int, column: str) -> Any:
    """One cell as the field's value, or InputError naming where and what was expected."""
    kind = _TYPES[name]
    try:
        if kind == "bool":
            low = text.lower()
            if low not in TRUE + FALSE:
                raise ValueError("expected true or false")
            return (low in TRUE) != negated
        if kind.startswith("tuple"):
            return tuple(k.strip() for k in re.split(r"[,;+]", text) if k.strip())
        if kind.endswith("| None") and text.lower() == "none":
            return None
        if not kind.startswith(("int", "float")):
            return text  # text fields (currency) are checked by Scenario
        number = float(text.replace("_", ""))
        if kind.startswith("int"):
            if not number.is_integer():
                raise ValueError("expected a whole number")
            return int(number)
        return number
    except ValueError:
        expected = {"bool": "true or false", "int": "a whole number"}.get(kind, "a number")
        if kind.startswith("tuple"):
            expected = "kinds separated by commas"
        raise InputError(
            f"{text!r} is not a value of {name}; expected {expected}.",
            file=file,
            row=line,
            column=column,
        ) from None


def grid(spec: str, base: Scenario | None = None) -> pd.DataFrame:
    """The scenario table of every combination of the listed values, first field slowest.

    ``spec`` is ``field=v1,v2;field=v1,...``; kinds of one target_kinds value are joined with
    ``+``. Each scenario is named after its values.

    >>> grid("lot_cost=10000,40000;min_bidders=1,2")["name"].tolist()
    ['lot_cost=10000_min_bidders=1', 'lot_cost=10000_min_bidders=2', \
'lot_cost=40000_min_bidders=1', 'lot_cost=40000_min_bidders=2']
    """
    axes: list[tuple[str, list[str]]] = []
    for part in (p.strip() for p in spec.split(";")):
        if not part:
            continue
        key, sep, values = part.partition("=")
        listed = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not listed:
            raise InputError(
                f"{part!r} is not field=value,value,...", file="--grid", column=key.strip()
            )
        axes.append((key.strip(), listed))
    if not axes:
        raise InputError("names no field; expected field=value,value,...", file="--grid")
    keys = [key for key, _ in axes]
    rows = []
    for combination in itertools.product(*(listed for _, listed in axes)):
        pairs = list(zip(keys, combination, strict=True))
        name = "_".join(f"{SPELLINGS.get(k, (k,))[0]}={v}" for k, v in pairs)
        rows.append({"name": name, **dict(pairs)})
    return scenario_table(pd.DataFrame(rows, columns=["name", *keys]), base, "--grid")


@dataclass(frozen=True)
class Outcome:
    """What one scenario's solve gave: its status, plan (when there is one) and why not."""

    status: str
    plan: Plan | None
    reason: str
    seconds: float


@dataclass(frozen=True)
class Job:
    """One solve as a task: the scenario and how to solve it."""

    scenario: Scenario
    time_limit: float | None
    solver: str
    work_limit: int | None
    exact_lots: int | None = None


def solve_job(case: Case, job: Job) -> Outcome:
    """Solve one job; infeasible, no solution and errors become the outcome's status and reason.

    The plan comes back without the case's boundaries (the caller has them), so the answer
    sent back from a worker stays small.
    """
    began = time.perf_counter()
    try:
        plan = solve(
            case,
            job.scenario,
            time_limit=job.time_limit,
            solver=job.solver,
            work_limit=job.work_limit,
            exact_lots=job.exact_lots,
        )
    except InfeasibleError as err:
        return Outcome("infeasible", None, " ".join(err.reasons), time.perf_counter() - began)
    except NoSolutionError as err:
        return Outcome("no_solution", None, str(err), time.perf_counter() - began)
    except LottingError as err:
        return Outcome("failed", None, str(err), time.perf_counter() - began)
    return Outcome(plan.status, replace(plan, boundaries=None), "", time.perf_counter() - began)


def run_jobs(case: Case, jobs: Sequence[Job], **where: Unpack[Where]) -> list[Outcome]:
    """Every job's outcome in order, on the execution :func:`lotting.parallel.run_tasks` picks
    (``where``: its client, workers and progress); a task that failed outside the solve (a
    worker died twice) is a "failed" outcome."""
    results = run_tasks(solve_job, case, list(jobs), **where)
    outcomes = []
    for result in results:
        if isinstance(result, Failure):
            outcomes.append(Outcome("failed", None, result.reason, math.nan))
        else:
            plan = result.plan and replace(result.plan, boundaries=case.boundaries)
            outcomes.append(replace(result, plan=plan))
    return outcomes


class SweepOptions(TypedDict, total=False):
    """Where and how :func:`sweep` solves (the keyword arguments of :func:`sweep_plans`)."""

    client: Target
    workers: int | None
    time_limit: float | None
    solver: str
    work_limit: int | None
    base: Scenario | None
    progress: TaskProgress | None


def sweep(
    case: Case, scenarios: pd.DataFrame | Sequence[Scenario], **options: Unpack[SweepOptions]
) -> pd.DataFrame:
    """Solve every scenario and return the sweep table (one row each, in input order).

    ``scenarios`` is a scenario table (see :func:`scenario_table`; empty cells take ``base``'s
    values) or a list of Scenario. ``options`` (:class:`SweepOptions`): runs on ``client`` (a
    dask Client or scheduler address), else on a local cluster of ``workers`` processes
    (default: the cores; 1 runs here, in turn).
    Columns: name, every parameter, status, objective, gap, every metric, seconds, reason; an
    infeasible or failed scenario is a row with its status and reason and empty figures.

    >>> sweep(case, [Scenario(max_lots=4), Scenario(max_lots=8)], workers=1)["objective"].tolist()
    [197850.0, 390550.0]
    """
    return sweep_plans(case, scenarios, **options)[0]


def sweep_plans(
    case: Case,
    scenarios: pd.DataFrame | Sequence[Scenario],
    *,
    client: Target = None,
    workers: int | None = None,
    time_limit: float | None = TIME_LIMIT,
    solver: str = "highs",
    work_limit: int | None = None,
    base: Scenario | None = None,
    progress: TaskProgress | None = None,
) -> tuple[pd.DataFrame, dict[str, Plan]]:
    """:func:`sweep`'s table and each solved scenario's plan by name (for its folder)."""
    table = scenario_table(scenarios, base)
    resolved = scenario_table(table.drop(columns="name"), base)  # the same checks, as Scenario
    chosen = [_scenario(row) for row in resolved.to_dict("records")]
    jobs = [Job(s, time_limit, solver, work_limit) for s in chosen]
    outcomes = run_jobs(case, jobs, client=client, workers=workers, progress=progress)
    rows = []
    plans: dict[str, Plan] = {}
    for params, outcome in zip(table.to_dict("records"), outcomes, strict=True):
        rows.append(_row(params, outcome))
        if outcome.plan is not None:
            plans[params["name"]] = outcome.plan
    return pd.DataFrame(rows, columns=COLUMNS), plans


def _scenario(row: dict[str, Any]) -> Scenario:
    """A checked table row (every field present) as a Scenario."""
    return Scenario(**{name: row[name] for name in FIELDS})


def _row(params: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
    """One sweep row: the scenario's parameters, then what its solve gave."""
    row = dict(params)
    row.update(status=outcome.status, seconds=outcome.seconds, reason=outcome.reason)
    plan = outcome.plan
    if plan is None:
        row.update(objective=math.nan, gap=math.nan, **dict.fromkeys(METRICS, math.nan))
    else:
        gap = plan.gap if plan.gap is not None else math.nan
        row.update(objective=plan.objective, gap=gap, **plan.metrics)
    return row


def varying(table: pd.DataFrame) -> list[str]:
    """The scenario fields that take more than one value in a sweep or scenario table, the one
    with most values first (the x axis of sweep.png), ties in the order of Scenario's fields."""
    counts = {f: table[f].astype(str).nunique() for f in FIELDS if f in table}
    return sorted((f for f, n in counts.items() if n > 1), key=lambda f: -counts[f])
