"""The straightforward compact model of issue 5, kept to measure ``lotting`` against.

Lots 1..L (L = max_lots, at most one per unit) are interchangeable: a binary per unit and lot, a
binary per option and lot with one coverage row per unit the option does not cover, big-M
capacity rows over the total contract value, and single-commodity flow for contiguity. No
symmetry breaking, no candidate lots, no presolve of our own. It is solved through
``lotting.solver.run`` so its status is read the same way, and the division it returns is scored
by ``lotting.rules.scoring.evaluate_lots``, so the objectives compared are exact.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx

from lotting import Case, Scenario, build_options, evaluate_lots
from lotting.mip.model import EQ, GE, LE, ModelBuilder, Values, Var
from lotting.mip.solver import run
from lotting.rules.options import Option

Terms = list[tuple[Var, float]]


@dataclass
class BaselineModel:
    """A built baseline model and the unit-lot variables to read its division back."""

    mip: ModelBuilder
    x: dict[tuple[int, int], Var]
    n_units: int
    n_lots: int
    stats: dict[str, int] = field(default_factory=dict)

    def division(self, values: Values) -> list[list[int]] | None:
        """Unit positions per lot of a solution, or None unless a full partition."""
        lots: dict[int, list[int]] = {}
        for u in range(self.n_units):
            chosen = [lot for lot in range(self.n_lots) if values[self.x[u, lot]] > 0.5]
            if len(chosen) != 1:
                return None
            lots.setdefault(chosen[0], []).append(u)
        return list(lots.values())


def build_baseline(
    case: Case, scenario: Scenario, options: Sequence[Option] | None = None
) -> BaselineModel:
    """Build the compact model of the case; options that cover no unit are left out."""
    options = [o for o in (options or build_options(case, scenario)) if o.covers]
    m = ModelBuilder("baseline")
    contract = case.contract
    n = len(contract)
    n_lots = min(scenario.max_lots, n)
    lots = range(n_lots)
    total = float(contract["value"].sum())
    scale = float(contract["value"].max()) / 100.0  # value rows in 1 % of the largest unit
    values = [float(v) / scale for v in contract["value"]]
    big = total / scale

    x = {(u, lot): m.var("x") for u in range(n) for lot in lots}
    y = {lot: m.var("y") for lot in lots}
    for u in range(n):
        m.row([(x[u, lot], 1) for lot in lots], EQ, 1)
    first: dict[str, int] = {}
    for u, bundle in enumerate(contract["bundle"]):
        if bundle and first.setdefault(bundle, u) != u:
            for lot in lots:
                m.row([(x[u, lot], 1), (x[first[bundle], lot], -1)], EQ, 0)
    for lot in lots:
        m.row([(y[lot], 1)] + [(x[u, lot], -1) for u in range(n)], LE, 0)
        for u in range(n):
            m.row([(x[u, lot], 1), (y[lot], -1)], LE, 0)
    m.row([(y[lot], 1) for lot in lots], LE, scenario.max_lots)

    e = {(o, lot): m.var("e") for o in range(len(options)) for lot in lots}
    for o, option in enumerate(options):
        limit = option.value_limit / scale
        for lot in lots:
            eo = e[o, lot]
            m.row([(eo, 1), (y[lot], -1)], LE, 0)
            for u in range(n):
                if u not in option.covers:
                    m.row([(eo, 1), (x[u, lot], 1)], LE, 1)
            if big > limit:
                load = [(x[u, lot], values[u]) for u in range(n)]
                m.row([*load, (eo, big - limit)], LE, big)
            if option.own_share > 0:
                share = [
                    (x[u, lot], values[u] * (option.own_share - (u in option.own)))
                    for u in range(n)
                ]
                m.row([*share, (eo, option.own_share * big)], LE, option.own_share * big)

    for lot in lots:
        bidders = [(e[o, lot], 1) for o in range(len(options))]
        m.row([*bidders, (y[lot], -scenario.min_bidders)], GE, 0)
        load = [(x[u, lot], values[u]) for u in range(n)]
        if scenario.min_lot_value is not None:
            m.row([*load, (y[lot], -scenario.min_lot_value / scale)], GE, 0)
        if scenario.max_lot_value is not None:
            m.row([*load, (y[lot], -scenario.max_lot_value / scale)], LE, 0)

    reach = []
    for t in sorted({t for option in options for t in option.targets}):
        reach.append(r := m.var("r", integer=False))
        held = [
            (e[o, lot], -1) for o, opt in enumerate(options) if t in opt.targets for lot in lots
        ]
        m.row([(r, 1), *held], LE, 0)

    opened = []
    targeted = [o for o, option in enumerate(options) if option.has_target]
    for lot in lots:
        z = m.var("z")
        m.row([(z, 1)] + [(e[o, lot], -1) for o in targeted], LE, 0)
        opened.append(w := m.var("w", integer=False, up=None))
        m.row([(w, 1)] + [(x[u, lot], -values[u]) for u in range(n)], LE, 0)
        m.row([(w, 1), (z, -big)], LE, 0)

    if case.adjacency is not None:
        _contiguity(m, case.adjacency, contract["area"].tolist(), x, y, lots)

    m.objective(
        [(r, scenario.reach_value) for r in reach]
        + [(w, scenario.open_rate * scale) for w in opened]
        + [(v, -scenario.lot_cost) for v in y.values()]
    )
    stats = {"variables": m.count, "constraints": m.rows, "options": len(options), "lots": n_lots}
    return BaselineModel(m, x, n, n_lots, stats)


def _contiguity(
    m: ModelBuilder,
    graph: nx.Graph,
    unit_areas: list[str],
    x: dict[tuple[int, int], Var],
    y: dict[int, Var],
    lots: range,
) -> None:
    """Single-commodity flow per lot: a root area sends one unit to every other area it holds."""
    units_in: dict[str, list[int]] = {}
    for u, area in enumerate(unit_areas):
        units_in.setdefault(area, []).append(u)
    areas = sorted(units_in)
    graph = graph.subgraph(areas)
    big = len(areas) - 1
    for lot in lots:
        present = {a: m.var("a") for a in areas}
        for a in areas:
            m.row([(present[a], 1)] + [(x[u, lot], -1) for u in units_in[a]], LE, 0)
            for u in units_in[a]:
                m.row([(x[u, lot], 1), (present[a], -1)], LE, 0)
        if len(areas) <= 1:
            continue
        root = {a: m.var("root") for a in areas}
        m.row([(v, 1) for v in root.values()] + [(y[lot], -1)], EQ, 0)
        flow: dict[tuple[str, str], Var] = {}
        for a, b in graph.edges:
            for s, t in ((a, b), (b, a)):
                flow[s, t] = f = m.var("f", integer=False, up=None)
                m.row([(f, 1), (present[s], -big)], LE, 0)
                m.row([(f, 1), (present[t], -big)], LE, 0)
        inflow: dict[str, Terms] = {a: [] for a in areas}
        for (s, t), f in flow.items():
            inflow[t].append((f, 1))
            inflow[s].append((f, -1))
        for a in areas:
            m.row([(root[a], 1), (present[a], -1)], LE, 0)
            m.row([*inflow[a], (present[a], -1), (root[a], len(areas))], GE, 0)


@dataclass(frozen=True)
class BaselineResult:
    """One baseline solve: solver verdict, exact objective of its division, sizes and times."""

    status: str
    gap: float | None
    objective: float | None
    model_objective: float | None
    breaches: tuple[str, ...]
    build_seconds: float
    solve_seconds: float
    stats: dict[str, int]


def solve_baseline(
    case: Case, scenario: Scenario, solver: str = "highs", time_limit: float | None = 60
) -> BaselineResult:
    """Build and solve the baseline; score its division exactly; gap as ``lotting.solve`` does."""
    start = time.perf_counter()
    options = build_options(case, scenario)
    model = build_baseline(case, scenario, options)
    built = time.perf_counter() - start
    result = run(model.mip, solver, time_limit)
    status, gap, objective, model_objective, breaches = result.status, None, None, None, ()
    values = result.values
    division = model.division(values) if values is not None else None
    if status in ("optimal", "feasible") and division is None:
        status = "no_partition"
    if division is not None:
        evaluation = evaluate_lots(case, scenario, division, options)
        objective = float(evaluation.metrics["objective"])
        model_objective = sum(g * v for g, v in zip(model.mip.cost, values or [], strict=True))
        breaches = tuple(evaluation.breaches)
        if status == "optimal":
            gap = 0.0
        elif result.bound is not None:
            gap = max(0.0, result.bound - objective) / max(abs(objective), 1.0)
    return BaselineResult(
        status, gap, objective, model_objective, breaches, built, result.seconds, model.stats
    )
