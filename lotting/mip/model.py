"""The mixed-integer program: the division of blocks into lots that maximises the objective.

Two kinds of lot make up a division. *Candidate* lots (see :mod:`lotting.mip.candidates`) are listed
in full with their exact reach and open value, and chosen by set partitioning. *Compact* lots hold
the rest: a binary per block and lot, and eligibility per option and lot. Plain compact lots earn no
credit. Each target-held option with too many lots to list gets its own family of compact lots,
which it is always eligible for: they hold only blocks it could hold, their whole value is open, and
its targets (and those of other such options eligible there) are reached. Every lot is valued at
most at its true worth, and every lot is valued exactly in some form (a candidate, a lot of an
option's family, or a plain lot), so the optimum is exact.

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

from lotting.mip.candidates import Candidate
from lotting.rules.blocks import Block, own_value
from lotting.rules.options import Option, holdable
from lotting.scenario import Scenario

Var = pulp.LpVariable

#: Contracts with more blocks than this get one coverage row per option and compact lot.
AGGREGATE_FROM = 100


@dataclass
class Family:
    """Compact lots that draw on one set of blocks: the plain lots (every block, no credit), or
    the lots opened by one credited option (only blocks it could hold; it is always eligible).

    Lots are numbered canonically within the family: ``x[i, l]`` puts the family's i-th block in
    its lot l (l <= i), ``y[l]`` opens lot l.
    """

    members: list[int]
    opener: int | None
    x: dict[tuple[int, int], Var]
    y: dict[int, Var]
    e: dict[tuple[int, int], Var] = field(default_factory=dict)

    def lots(self) -> list[list[int]]:
        """Blocks (global positions) of each lot the solver opened."""
        groups: dict[int, list[int]] = {}
        for (i, lot), var in self.x.items():
            if (var.value() or 0.0) > 0.5:
                groups.setdefault(lot, []).append(self.members[i])
        return [sorted(groups[lot]) for lot in sorted(groups)]


@dataclass
class LotModel:
    """A built model and the variables needed to read a division back from it."""

    problem: pulp.LpProblem
    blocks: list[Block]
    families: list[Family]
    z: dict[int, Var]
    candidates: list[Candidate]
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def n_lots(self) -> int:
        """Most plain lots the model can open."""
        return len(self.families[0].y)

    def division(self) -> list[list[int]] | None:
        """Unit positions per lot from the solver's values, or None unless a full partition."""
        groups = [
            list(self.candidates[c].blocks)
            for c, var in self.z.items()
            if (var.value() or 0.0) > 0.5
        ]
        groups += [group for family in self.families for group in family.lots()]
        if sorted(b for group in groups for b in group) != list(range(len(self.blocks))):
            return None
        return [[u for b in group for u in self.blocks[b].units] for group in groups]

    def start(self, chosen: list[int], plain: list[list[int]]) -> dict[Var, float]:
        """Values of x, y and z for a known division (chosen candidates, plain lots as block
        lists), for the solver to start from; the other variables it completes itself."""
        values: dict[Var, float] = {var: 0.0 for var in self.z.values()}
        for family in self.families:
            values.update({var: 0.0 for var in (*family.x.values(), *family.y.values())})
        for c in chosen:
            values[self.z[c]] = 1.0
        family = self.families[0]  # the plain family holds every block, in contract order
        for lot, group in enumerate(sorted(plain, key=min)):
            values[family.y[lot]] = 1.0
            for b in group:
                values[family.x[b, lot]] = 1.0
        return values


class _Builder:
    """Holds the problem while it is built; variables are named by family and a counter."""

    def __init__(self) -> None:
        self.prob = pulp.LpProblem("lotting", pulp.LpMaximize)
        self.count = 0
        self.rows = 0

    def var(self, family: str, cat: str = pulp.LpBinary, up: float | None = 1) -> Var:
        """A new variable >= 0 of the family, binary unless told otherwise."""
        self.count += 1
        return self.prob.add_variable(f"{family}_{self.count}", 0, up, cat)

    def add(self, constraint: pulp.LpConstraint) -> None:
        """Add one constraint."""
        self.rows += 1
        self.prob += constraint


@dataclass(frozen=True)
class _Setting:
    """What every family of compact lots is built from."""

    scenario: Scenario
    options: Sequence[Option]
    blocks: list[Block]
    can: list[list[int]]
    viable: list[int]
    scale: float
    aggregate: bool
    adjacency: nx.Graph | None


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

    ``candidates`` are the listed target lots; ``credited`` the target-held options whose lots
    were too many to list (all of them when None, i.e. a purely compact model): each gets a
    family of compact lots it opens, valued exactly. ``exact_lots`` asks for exactly that many
    lots (for the trade-off curve). ``aggregate`` writes an option's coverage in one row per lot
    instead of one per excluded area, service or block: a weaker bound on compact lots, but far
    fewer rows (None: when the contract has more than AGGREGATE_FROM blocks).
    """
    m = _Builder()
    n = len(blocks)
    values = [block.value for block in blocks]
    can = holdable(options, blocks)
    credit = range(len(options)) if credited is None else credited
    openers = sorted({o for o in credit if options[o].has_target and can[o]})
    # Enumerated target-held options never need a compact lot: every lot they can hold is listed.
    viable = [
        o for o in range(len(options)) if can[o] and (o in openers or not options[o].has_target)
    ]
    setting = _Setting(
        scenario,
        options,
        blocks,
        can,
        viable,
        scale=max(values) / 100.0,  # value rows in units of 1 % of the largest block
        aggregate=n > AGGREGATE_FROM if aggregate is None else aggregate,
        adjacency=adjacency,
    )
    z = {c: m.var("z") for c in range(len(candidates))}
    families = [_family(m, setting, list(range(n)), None)]
    families += [_family(m, setting, can[o], o) for o in openers]

    holding_block: dict[int, list[Var]] = {}
    for c, candidate in enumerate(candidates):
        for b in candidate.blocks:
            holding_block.setdefault(b, []).append(z[c])
    for family in families:
        for (i, _), var in family.x.items():
            holding_block.setdefault(family.members[i], []).append(var)
    for b in range(n):
        m.add(_total(holding_block[b]) == 1)
    opened = [y for family in families for y in family.y.values()]
    all_lots = _total([*opened, *z.values()])
    m.add(all_lots <= scenario.max_lots if exact_lots is None else all_lots == exact_lots)

    # Reach: a target supplier counts once it holds an eligible option for some lot; in a family
    # of lots opened by a credited option, that option and every other credited one eligible.
    holding: dict[str, list[Var]] = {}
    for family in families[1:]:
        for (o, _), eo in family.e.items():
            if o in openers:
                for t in options[o].targets:
                    holding.setdefault(t, []).append(eo)
    for c, candidate in enumerate(candidates):
        for t in candidate.holders:
            holding.setdefault(t, []).append(z[c])
    reach = []
    for t in sorted(holding):
        reach.append(r := m.var("r", pulp.LpContinuous))
        m.add(r <= _total(holding[t]))

    # Open value: a listed lot's value, and the whole value of every lot a credited option opens.
    gains: dict[Var, float] = dict.fromkeys([*opened, *z.values()], -scenario.lot_cost)
    for c, candidate in enumerate(candidates):
        gains[z[c]] += scenario.open_rate * candidate.value
    for family in families[1:]:
        for (i, _), var in family.x.items():
            gains[var] = scenario.open_rate * values[family.members[i]]
    gains.update({r: scenario.reach_value for r in reach})
    m.prob.setObjective(_linear(gains.items()))
    stats = {
        "variables": m.count,
        "constraints": m.rows,
        "options": len(options),
        "viable_options": len(viable),
        "blocks": n,
        "lots": len(families[0].y),
        "candidates": len(candidates),
        "families": len(families),
    }
    return LotModel(m.prob, blocks, families, z, list(candidates), stats)


def _family(m: _Builder, setting: _Setting, members: list[int], opener: int | None) -> Family:
    """Compact lots over ``members`` (global block positions, sorted): canonical numbering,
    eligibility of every viable option, bidders, value bounds and contiguity. With an opener,
    that option is eligible in every open lot."""
    scenario, options = setting.scenario, setting.options
    blocks = [setting.blocks[b] for b in members]
    local = {b: i for i, b in enumerate(members)}
    weights = [block.value / setting.scale for block in blocks]
    n = len(blocks)
    lots = range(min(scenario.max_lots, n))
    x = {(i, lot): m.var("x") for i in range(n) for lot in range(min(i + 1, len(lots)))}
    y = {lot: m.var("y") for lot in lots}
    for lot in lots:
        m.add(y[lot] <= _total(x[i, lot] for i in range(lot, n)))
        for i in range(lot, n):
            m.add(x[i, lot] <= y[lot])
            if lot >= 1:
                m.add(x[i, lot] <= _total(x[v, lot - 1] for v in range(lot - 1, i)))

    areas = sorted({a for block in blocks for a in block.areas})
    services = sorted({s for block in blocks for s in block.services})
    area_in = _presence(m, x, blocks, lots, areas, lambda block: block.areas)
    service_in = _presence(m, x, blocks, lots, services, lambda block: block.services)

    family = Family(members, opener, x, y)
    for o in setting.viable:
        option = options[o]
        ok = {local[b] for b in setting.can[o] if b in local}
        if not ok:
            continue
        ok_areas = {a for i in ok for a in blocks[i].areas}
        ok_services = {s for i in ok for s in blocks[i].services}
        for lot in range(min(max(ok) + 1, len(lots))):
            forced = o == opener
            eo = y[lot] if forced else m.var("e")
            family.e[o, lot] = eo
            if not forced:
                m.add(eo <= y[lot])
            outside = [area_in[a, lot] for a in areas if a not in ok_areas and (a, lot) in area_in]
            outside += [
                service_in[s, lot]
                for s in services
                if s not in ok_services and (s, lot) in service_in
            ]
            outside += [
                x[i, lot]
                for i in range(lot, n)
                if i not in ok and blocks[i].areas <= ok_areas and blocks[i].services <= ok_services
            ]
            if setting.aggregate and len(outside) > 1:
                m.add(_total(outside) <= len(outside) * (1 - eo))
            else:
                for var in outside:
                    m.add(eo + var <= 1)
            mine = sorted(i for i in ok if i >= lot)
            limit = option.value_limit / setting.scale
            load = _linear((x[i, lot], weights[i]) for i in mine)
            if forced:  # the opener is eligible whenever the lot is open: no big-M needed
                m.add(load <= limit * y[lot])
            elif (big_m := sum(weights[i] for i in mine) - limit) > 0:
                m.add(load <= limit + big_m * (1 - eo))
            if option.own_share > 0:
                coef = {
                    i: (option.own_share * blocks[i].value - own_value(blocks[i], option.own))
                    / setting.scale
                    for i in mine
                }
                big_m = 0.0 if forced else sum(c for c in coef.values() if c > 0)
                if forced or big_m > 0:
                    own = _linear((x[i, lot], c) for i, c in coef.items())
                    m.add(own <= big_m * (1 - eo))

    for lot in lots:
        bidders = _total(eo for (_, at), eo in family.e.items() if at == lot)
        m.add(bidders >= scenario.min_bidders * y[lot])
        lot_value = _linear((x[i, lot], weights[i]) for i in range(lot, n))
        if scenario.min_lot_value is not None:
            m.add(lot_value >= scenario.min_lot_value / setting.scale * y[lot])
        if scenario.max_lot_value is not None:
            m.add(lot_value <= scenario.max_lot_value / setting.scale * y[lot])
    if setting.adjacency is not None:
        _contiguity(m, setting.adjacency.subgraph(areas), area_in, y, lots)
    return family


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
