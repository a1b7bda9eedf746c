"""The mixed-integer program: the division of blocks into lots that maximises the objective.

Two kinds of lot make up a division. *Candidate* lots (see :mod:`lotting.candidates`) are listed in
full with their exact reach and open value, and chosen by set partitioning. *Compact* lots hold the
rest: a binary per block and lot, eligibility per option and lot, and no credit except from
target-held options too large to list. A compact lot is valued at most at its true worth, and every
lot worth more is a candidate, so the optimum is exact.

Compact lots are interchangeable, so they are numbered canonically: a block may only go to a lot
whose number is at most its own position, and opens lot l only if an earlier block sits in lot l-1.
Coverage is written on area and service presence where whole areas or services are out of an
option's reach, and per block elsewhere. Contiguity is a single-commodity flow from a root area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx
import pulp

from lotting.blocks import Block, own_value
from lotting.candidates import Candidate
from lotting.options import TOLERANCE, Option
from lotting.scenario import Scenario

Var = pulp.LpVariable

#: Contracts with more blocks than this get one coverage row per option and compact lot.
AGGREGATE_FROM = 100


@dataclass
class LotModel:
    """A built model and the variables needed to read a division back from it."""

    problem: pulp.LpProblem
    blocks: list[Block]
    n_lots: int
    x: dict[tuple[int, int], Var]
    y: dict[int, Var]
    z: dict[int, Var]
    candidates: list[Candidate]
    stats: dict[str, int] = field(default_factory=dict)

    def division(self) -> list[list[int]] | None:
        """Unit positions per lot from the solver's values, or None unless a full partition."""
        lots: dict[tuple[str, int], list[int]] = {}
        taken: dict[int, list[int]] = {}
        for c, var in self.z.items():
            if (var.value() or 0.0) > 0.5:
                lots[("candidate", c)] = []
                for b in self.candidates[c].blocks:
                    taken.setdefault(b, []).append(c)
        for b, block in enumerate(self.blocks):
            chosen = [("candidate", c) for c in taken.get(b, ())]
            chosen += [
                ("compact", lot)
                for lot in range(min(b + 1, self.n_lots))
                if (self.x[b, lot].value() or 0.0) > 0.5
            ]
            if len(chosen) != 1:
                return None
            lots.setdefault(chosen[0], []).extend(block.units)
        if any(not units for units in lots.values()):
            return None
        return list(lots.values())

    def start(self, chosen: list[int], compact: list[list[int]]) -> dict[Var, float]:
        """Values of x, y and z for a known division (chosen candidates, compact lots as block
        lists), for the solver to start from; the other variables it completes itself."""
        values: dict[Var, float] = {var: 0.0 for var in (*self.x.values(), *self.y.values())}
        values.update({var: 0.0 for var in self.z.values()})
        for c in chosen:
            values[self.z[c]] = 1.0
        for lot, group in enumerate(sorted(compact, key=min)):
            values[self.y[lot]] = 1.0
            for b in group:
                values[self.x[b, lot]] = 1.0
        return values


def coverable(option: Option, block: Block) -> bool:
    """Can the option hold some lot containing this block (coverage and capacity alone)?"""
    limit = option.value_limit
    fits = block.value <= limit + TOLERANCE * max(1.0, limit)
    return fits and option.covers.issuperset(block.units)


class _Builder:
    """Holds the problem while it is built; variables are named by family and a counter."""

    def __init__(self) -> None:
        self.prob = pulp.LpProblem("lotting", pulp.LpMaximize)
        self.count = 0
        self.rows = 0

    def var(self, family: str, cat: str = pulp.LpBinary, up: float | None = 1) -> Var:
        """A new variable ≥ 0 of the family, binary unless told otherwise."""
        self.count += 1
        return self.prob.add_variable(f"{family}_{self.count}", 0, up, cat)

    def add(self, constraint: pulp.LpConstraint) -> None:
        """Add one constraint."""
        self.rows += 1
        self.prob += constraint


def build_model(
    scenario: Scenario,
    options: Sequence[Option],
    blocks: list[Block],
    adjacency: nx.Graph | None = None,
    candidates: Sequence[Candidate] = (),
    credited: Sequence[int] | None = None,
    exact_lots: int | None = None,
    aggregate: bool | None = None,
) -> LotModel:
    """Build the MIP; options that can never be eligible are left out.

    ``candidates`` are the listed target lots; ``credited`` the target-held options whose reach and
    open value the compact lots must count (all of them when None, i.e. a purely compact model);
    ``exact_lots`` asks for exactly that many lots (for the trade-off curve). ``aggregate``
    writes an option's coverage in one row per lot instead of one per excluded area, service or
    block: a weaker bound on compact lots, but far fewer rows (None: when the contract has more
    than AGGREGATE_FROM blocks).
    """
    m = _Builder()
    n = len(blocks)
    n_lots = min(scenario.max_lots, n)
    lots = range(n_lots)
    values = [block.value for block in blocks]
    can = [[b for b, block in enumerate(blocks) if coverable(o, block)] for o in options]
    credit = set(range(len(options)) if credited is None else credited)
    aggregate = n > AGGREGATE_FROM if aggregate is None else aggregate
    # Enumerated target-held options never need a compact lot: every lot they can hold is listed.
    viable = [
        o for o in range(len(options)) if can[o] and (o in credit or not options[o].has_target)
    ]
    scale = max(values) / 100.0  # value rows in units of 1 % of the largest block
    z = {c: m.var("z") for c in range(len(candidates))}
    in_candidates: dict[int, list[Var]] = {}
    for c, candidate in enumerate(candidates):
        for b in candidate.blocks:
            in_candidates.setdefault(b, []).append(z[c])

    # x[b, l]: block b in lot l, only for l <= b; y[l]: lot l is open (and never empty).
    x = {(b, lot): m.var("x") for b in range(n) for lot in range(min(b + 1, n_lots))}
    y = {lot: m.var("y") for lot in lots}
    members = {lot: range(lot, n) for lot in lots}
    for b in range(n):
        compact = [x[b, lot] for lot in range(min(b + 1, n_lots))]
        m.add(_total(compact + in_candidates.get(b, [])) == 1)
    all_lots = _total([*y.values(), *z.values()])
    m.add(all_lots <= scenario.max_lots if exact_lots is None else all_lots == exact_lots)
    for lot in lots:
        m.add(y[lot] <= _total(x[b, lot] for b in members[lot]))
        for b in members[lot]:
            m.add(x[b, lot] <= y[lot])
            if lot >= 1:
                m.add(x[b, lot] <= _total(x[v, lot - 1] for v in range(lot - 1, b)))

    areas = sorted({a for block in blocks for a in block.areas})
    services = sorted({s for block in blocks for s in block.services})
    area_in = _presence(m, x, blocks, lots, areas, lambda block: block.areas)
    service_in = _presence(m, x, blocks, lots, services, lambda block: block.services)

    e: dict[tuple[int, int], Var] = {}
    for o in viable:
        option, ok = options[o], set(can[o])
        ok_areas = {a for b in ok for a in blocks[b].areas}
        ok_services = {s for b in ok for s in blocks[b].services}
        for lot in range(min(max(ok) + 1, n_lots)):
            e[o, lot] = eo = m.var("e")
            m.add(eo <= y[lot])
            outside = [area_in[a, lot] for a in areas if a not in ok_areas and (a, lot) in area_in]
            outside += [
                service_in[s, lot]
                for s in services
                if s not in ok_services and (s, lot) in service_in
            ]
            outside += [
                x[b, lot]
                for b in members[lot]
                if b not in ok and blocks[b].areas <= ok_areas and blocks[b].services <= ok_services
            ]
            if aggregate and len(outside) > 1:
                m.add(_total(outside) <= len(outside) * (1 - eo))
            else:
                for var in outside:
                    m.add(eo + var <= 1)
            mine = [b for b in can[o] if b >= lot]
            limit = option.value_limit / scale
            big_m = sum(values[b] / scale for b in mine) - limit
            if big_m > 0:
                load = _linear((x[b, lot], values[b] / scale) for b in mine)
                m.add(load <= limit + big_m * (1 - eo))
            if option.own_share > 0:
                coef = {
                    b: (option.own_share * values[b] - own_value(blocks[b], option.own)) / scale
                    for b in mine
                }
                big_m = sum(c for c in coef.values() if c > 0)
                if big_m > 0:
                    own = _linear((x[b, lot], c) for b, c in coef.items())
                    m.add(own <= big_m * (1 - eo))

    for lot in lots:
        m.add(_total(e[o, lot] for o in viable if (o, lot) in e) >= scenario.min_bidders * y[lot])
        lot_value = _linear((x[b, lot], values[b] / scale) for b in members[lot])
        if scenario.min_lot_value is not None:
            m.add(lot_value >= scenario.min_lot_value / scale * y[lot])
        if scenario.max_lot_value is not None:
            m.add(lot_value <= scenario.max_lot_value / scale * y[lot])

    # Reach: a target supplier counts once it holds an eligible option for some lot.
    reach = []
    holding: dict[str, list[Var]] = {}
    for (o, _), eo in e.items():
        if o in credit:
            for t in options[o].targets:
                holding.setdefault(t, []).append(eo)
    for c, candidate in enumerate(candidates):
        for t in candidate.holders:
            holding.setdefault(t, []).append(z[c])
    for t in sorted(holding):
        reach.append(r := m.var("r", pulp.LpContinuous))
        m.add(r <= _total(holding[t]))

    # Open value: block b counts in lot l when a target-held option covering b is eligible there.
    opened = [(z[c], candidate.value) for c, candidate in enumerate(candidates)]
    for (b, lot), xb in x.items():
        held = [
            e[o, lot]
            for o in viable
            if o in credit and options[o].has_target and b in can[o] and (o, lot) in e
        ]
        if held:
            opened.append((q := m.var("q", pulp.LpContinuous), values[b]))
            m.add(q <= xb)
            m.add(q <= _total(held))

    if adjacency is not None:
        _contiguity(m, adjacency.subgraph(areas), area_in, y, lots)

    gains: dict[Var, float] = dict.fromkeys([*y.values(), *z.values()], -scenario.lot_cost)
    for var, value in opened:
        gains[var] = gains.get(var, 0.0) + scenario.open_rate * value
    gains.update({r: scenario.reach_value for r in reach})
    m.prob.setObjective(_linear(gains.items()))
    stats = {
        "variables": m.count,
        "constraints": m.rows,
        "options": len(options),
        "viable_options": len(viable),
        "blocks": n,
        "lots": n_lots,
        "candidates": len(candidates),
    }
    return LotModel(m.prob, blocks, n_lots, x, y, z, list(candidates), stats)


def _linear(terms: Iterable[tuple[Var, float]]) -> pulp.LpAffineExpression:
    """A linear expression from (variable, coefficient) pairs, each variable once, built in one
    go (summing products term by term is the slowest part of building a large model)."""
    return pulp.LpAffineExpression(list(terms))


def _total(variables: Iterable[Var]) -> pulp.LpAffineExpression:
    """The sum of distinct variables."""
    return _linear((var, 1.0) for var in variables)


def _presence(
    m: _Builder,
    x: dict[tuple[int, int], Var],
    blocks: list[Block],
    lots: range,
    keys: list[str],
    keys_of: Callable[[Block], frozenset[str]],
) -> dict[tuple[str, int], Var]:
    """p[k, l] = 1 exactly when some block of lot l has k among its areas (or services)."""
    present = {}
    for lot in lots:
        for key in keys:
            holding = [b for b in range(lot, len(blocks)) if key in keys_of(blocks[b])]
            if not holding:
                continue
            p = present[key, lot] = m.var("p")
            m.add(p <= _total(x[b, lot] for b in holding))
            for b in holding:
                m.add(x[b, lot] <= p)
    return present


def _contiguity(
    m: _Builder,
    graph: nx.Graph,
    area_in: dict[tuple[str, int], Var],
    y: dict[int, Var],
    lots: range,
) -> None:
    """Single-commodity flow: each lot's root area sends one unit to every other area it holds."""
    for lot in lots:
        here = [a for a in graph.nodes if (a, lot) in area_in]
        if len(here) <= 1:
            continue
        big = len(here) - 1
        root = {a: m.var("root") for a in here}
        m.add(_total(root.values()) == y[lot])
        flow: dict[tuple[str, str], Var] = {}
        for a, b in graph.subgraph(here).edges:
            for s, t in ((a, b), (b, a)):
                flow[s, t] = f = m.var("f", pulp.LpContinuous, None)
                m.add(f <= big * area_in[s, lot])
                m.add(f <= big * area_in[t, lot])
        for a in here:
            m.add(root[a] <= area_in[a, lot])
            inflow = _total(f for (_, t), f in flow.items() if t == a)
            outflow = _total(f for (s, _), f in flow.items() if s == a)
            m.add(inflow - outflow >= area_in[a, lot] - len(here) * root[a])
