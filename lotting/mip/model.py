"""The mixed-integer program: the division of blocks into lots that maximises the objective.

Two kinds of lot make up a division. *Candidate* lots (see :mod:`lotting.mip.candidates`) are
listed in full with their exact reach and open value, and chosen by set partitioning. *Compact*
lots hold the rest: a binary per block and lot, and eligibility per option and lot. Plain compact
lots earn no credit. Each target-held option with too many lots to list gets its own family of
compact lots, which it is always eligible for: they hold only blocks it could hold, their whole
value is open, and its targets (and those of other such options eligible there) are reached. Every
lot is valued at most at its true worth, and every lot is valued exactly in some form (a candidate,
a lot of an option's family, or a plain lot), so the optimum is exact.

Compact lots are interchangeable, so they are numbered canonically: a block may only go to a lot
whose number is at most its own position, and opens lot l only if an earlier block sits in lot l-1.
Coverage is written on area and service presence where whole areas or services are out of an
option's reach, and per block elsewhere. Contiguity is a single-commodity flow from a root area.

The model is written by small ``define_*`` functions, each adding one family of rows (its line of
mathematics in its docstring), on one :class:`ModelBuilder`. Notation: blocks b (value v_b),
candidate lots c (z_c), compact families F with canonical lots l (x^F_{i,l} puts the family's i-th
block in lot l, y^F_l opens it, e^F_{o,l} makes option o eligible for it), targets t (r_t).
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import networkx as nx

from lotting.mip.candidates import Candidate
from lotting.mip.colgen import RuledOut
from lotting.rules.blocks import Block, own_value
from lotting.rules.options import Option, holdable
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.stop import Stop

#: A variable: its column in the :class:`ModelBuilder`.
Var: TypeAlias = int
#: A solution: a value per column.
Values: TypeAlias = Sequence[float]


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

    def lots(self, values: Values | Mapping[Var, float]) -> list[list[int]]:
        """Blocks (global positions) of each lot opened in the solution ``values``."""
        groups: dict[int, list[int]] = {}
        for (i, lot), var in self.x.items():
            if values[var] > 0.5:
                groups.setdefault(lot, []).append(self.members[i])
        return [sorted(groups[lot]) for lot in sorted(groups)]


@dataclass
class LotModel:
    """A built model and the variables needed to read a division back from a solution."""

    mip: ModelBuilder
    blocks: list[Block]
    families: list[Family]
    z: dict[int, Var]
    candidates: list[Candidate]
    stats: dict[str, int] = field(default_factory=dict)
    #: The lot-count row (its bounds give the frontier's k).
    lot_row: int = -1

    @property
    def n_lots(self) -> int:
        """Most plain lots the model can open."""
        return len(self.families[0].y)

    def chosen(self, values: Values | Mapping[Var, float]) -> list[int]:
        """The listed lots (candidate numbers) the solution chooses."""
        return [c for c, var in self.z.items() if values[var] > 0.5]

    def listed_lots(self, values: Values | Mapping[Var, float]) -> list[frozenset[int]]:
        """Blocks of each listed lot the solution chooses."""
        return [frozenset(self.candidates[c].blocks) for c in self.chosen(values)]

    def compact_lots(self, values: Values | Mapping[Var, float]) -> list[frozenset[int]]:
        """Blocks of each compact lot the solution opens (family by family)."""
        return [frozenset(group) for family in self.families for group in family.lots(values)]

    def division(self, values: Values | Mapping[Var, float]) -> list[list[int]] | None:
        """Unit positions per lot of the solution, or None unless a full partition."""
        groups = [list(self.candidates[c].blocks) for c in self.chosen(values)]
        groups += [group for family in self.families for group in family.lots(values)]
        if sorted(b for group in groups for b in group) != list(range(len(self.blocks))):
            return None
        return [[u for b in group for u in self.blocks[b].units] for group in groups]

    def reserved(self, values: Values | Mapping[Var, float]) -> list[frozenset[int]]:
        """Unit positions of each reserved lot the solution chose."""
        return [
            frozenset(u for b in self.candidates[c].blocks for u in self.blocks[b].units)
            for c in self.chosen(values)
            if self.candidates[c].reserved
        ]

    def start(self, chosen: list[int], plain: list[list[int]]) -> dict[Var, float]:
        """Values of x, y and z for a known division (chosen candidates, plain lots as block
        lists), for the solver to start from; the other variables it completes itself."""
        values: dict[Var, float] = {var: 0.0 for var in self.z.values()}
        for family in self.families:
            values.update({var: 0.0 for var in (*family.x.values(), *family.y.values())})
        for c in chosen:
            values[self.z[c]] = 1.0
        family = self.families[0]  # the plain family's blocks, in contract order
        local = {b: i for i, b in enumerate(family.members)}
        for lot, group in enumerate(sorted(plain, key=min)):
            values[family.y[lot]] = 1.0
            for b in group:
                values[family.x[local[b], lot]] = 1.0
        return values

    def lot_columns(self, k: int) -> tuple[list[Var], list[float]]:
        """The x and y columns of every family with their upper bounds for exactly (or at most)
        k lots: 0 for lots numbered k or more, 1 below. Exact: a family opens its lots in
        order (canonical numbering), so k lots in all never reach a family's lot k."""
        columns: list[Var] = []
        upper: list[float] = []
        for family in self.families:
            for (_, lot), var in family.x.items():
                columns.append(var)
                upper.append(float(lot < k))
            for lot, var in family.y.items():
                columns.append(var)
                upper.append(float(lot < k))
        return columns, upper

    def ruled_columns(self, k: int, ruled: RuledOut) -> tuple[list[Var], list[float]]:
        """:meth:`lot_columns` for k lots and the listed lots' columns, with every column of a
        lot or compact-lot block in ``ruled`` closed (the frontier's k, one model for all)."""
        columns, upper = self.lot_columns(k)
        closed: set[Var] = set()
        for family in self.families:
            out = ruled.plain if family.opener is None else ruled.opened.get(family.opener, ())
            closed.update(var for (i, _), var in family.x.items() if family.members[i] in out)
        if closed:
            upper = [0.0 if v in closed else up for v, up in zip(columns, upper, strict=True)]
        columns += list(self.z.values())
        upper += [float(c not in ruled.candidates) for c in self.z]
        return columns, upper

    def known(self, values: Values) -> dict[Var, float]:
        """The x, y and z part of a solution: a start for a neighbouring model (the frontier's
        next k), which the solver completes or repairs."""
        columns = list(self.z.values())
        for family in self.families:
            columns += [*family.x.values(), *family.y.values()]
        return {var: float(round(values[var])) for var in columns}


#: Row senses for :meth:`ModelBuilder.row`.
LE, GE, EQ = "<=", ">=", "=="


class ModelBuilder:
    """A MIP (maximised) held in plain arrays while it is built: columns (bounds, integrality,
    objective) and rows in compressed sparse row form, so that HiGHS takes it in one
    ``passModel`` and PuLP (for CBC) is built only when asked. A variable is its column index;
    columns are named by family and a counter. Shared with ``bench/baseline.py``.

    >>> m = ModelBuilder("demo")
    >>> a, b = m.var("x"), m.var("x")
    >>> m.row([(a, 1.0), (b, 1.0)], LE, 1)
    0
    >>> m.row([(a, 1.0), (b, -1.0), (a, 2.0)], EQ, 0.0)  # a repeated: its coefficients add up
    1
    >>> m.objective([(a, 1.0), (b, 2.0)])
    >>> (m.names(), m.count, m.rows, list(m.index), list(m.value))
    (['x_1', 'x_2'], 2, 2, [0, 1, 0, 1], [1.0, 1.0, 3.0, -1.0])
    """

    def __init__(self, name: str = "lotting") -> None:
        self.name = name
        self.kinds: list[str] = []
        self.col_lower = array("d")
        self.col_upper = array("d")
        self.integer = array("b")
        self.cost = array("d")
        self.starts = array("q", [0])
        self.index = array("i")
        self.value = array("d")
        self.row_lower = array("d")
        self.row_upper = array("d")

    @property
    def count(self) -> int:
        """Number of variables (columns)."""
        return len(self.cost)

    @property
    def rows(self) -> int:
        """Number of rows."""
        return len(self.row_lower)

    def var(self, family: str, integer: bool = True, up: float | None = 1.0) -> Var:
        """A new variable >= 0 of the family, binary unless told otherwise (``up`` None: no
        upper bound)."""
        self.kinds.append(family)
        self.col_lower.append(0.0)
        self.col_upper.append(math.inf if up is None else float(up))
        self.integer.append(integer)
        self.cost.append(0.0)
        return len(self.cost) - 1

    def row(self, terms: Iterable[tuple[Var, float]], sense: str, rhs: float) -> int:
        """Add ``Σ coef × var (sense) rhs`` (sense LE, GE or EQ) and return its row number;
        a variable named twice gets the sum of its coefficients, and zero coefficients are
        left out."""
        pairs = list(terms)
        columns = [col for col, _ in pairs]
        if len(set(columns)) < len(columns):
            merged: dict[Var, float] = {}
            for col, coef in pairs:
                merged[col] = merged.get(col, 0.0) + coef
            pairs = list(merged.items())
        if any(coef == 0 for _, coef in pairs):
            pairs = [(col, coef) for col, coef in pairs if coef != 0]
        self.index.extend(col for col, _ in pairs)
        self.value.extend(float(coef) for _, coef in pairs)
        self.starts.append(len(self.index))
        rhs = float(rhs)
        self.row_lower.append(-math.inf if sense == LE else rhs)
        self.row_upper.append(math.inf if sense == GE else rhs)
        return len(self.row_lower) - 1

    def bounds(self, row: int, lower: float, upper: float) -> None:
        """Change a row's bounds (the frontier's lot count for each k)."""
        self.row_lower[row], self.row_upper[row] = float(lower), float(upper)

    def objective(self, gains: Iterable[tuple[Var, float]]) -> None:
        """Set the objective (to maximise): each variable's gain; the others gain nothing."""
        for col in range(len(self.cost)):
            self.cost[col] = 0.0
        for col, gain in gains:
            self.cost[col] = float(gain)

    def names(self) -> list[str]:
        """Column names: family and 1-based counter (real identifiers stay out of them)."""
        return [f"{kind}_{col + 1}" for col, kind in enumerate(self.kinds)]

    def digest(self) -> str:
        """A hash of every array: equal exactly when two builds gave the same model."""
        hashed = hashlib.sha256()
        for part in (
            self.col_lower,
            self.col_upper,
            self.integer,
            self.cost,
            self.starts,
            self.index,
            self.value,
            self.row_lower,
            self.row_upper,
        ):
            hashed.update(part.tobytes())
        hashed.update("\n".join(self.kinds).encode())
        return hashed.hexdigest()

    def to_highs(self) -> Any:
        """A ``highspy.Highs`` holding the model (passed in one go, quiet)."""
        import highspy
        import numpy as np

        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.count, self.rows
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.frombuffer(self.cost, dtype=np.float64)
        lp.col_lower_ = np.frombuffer(self.col_lower, dtype=np.float64)
        lp.col_upper_ = np.frombuffer(self.col_upper, dtype=np.float64)
        lp.row_lower_ = np.frombuffer(self.row_lower, dtype=np.float64)
        lp.row_upper_ = np.frombuffer(self.row_upper, dtype=np.float64)
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_, matrix.num_row_ = self.count, self.rows
        matrix.start_ = np.frombuffer(self.starts, dtype=np.int64).astype(np.int32)
        matrix.index_ = np.frombuffer(self.index, dtype=np.int32)
        matrix.value_ = np.frombuffer(self.value, dtype=np.float64)
        lp.a_matrix_ = matrix
        kinds = highspy.HighsVarType
        lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in self.integer]
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.passModel(lp)
        return highs

    def to_pulp(self) -> tuple[Any, list[Any]]:
        """The same model as a ``pulp.LpProblem`` and its variables by column (for CBC, and
        for writing LP or MPS files)."""
        import pulp

        problem = pulp.LpProblem(self.name, pulp.LpMaximize)
        variables = []
        for col, name in enumerate(self.names()):
            up = self.col_upper[col]
            integer = bool(self.integer[col])
            cat = pulp.LpContinuous
            if integer:
                cat = pulp.LpBinary if up == 1 and self.col_lower[col] == 0 else pulp.LpInteger
            bound = None if math.isinf(up) else up
            variables.append(problem.add_variable(name, self.col_lower[col], bound, cat))
        problem.setObjective(
            pulp.LpAffineExpression([(variables[c], g) for c, g in enumerate(self.cost) if g])
        )
        for r in range(self.rows):
            begin, end = self.starts[r], self.starts[r + 1]
            terms = [(variables[self.index[k]], self.value[k]) for k in range(begin, end)]
            lo, hi = self.row_lower[r], self.row_upper[r]
            wanted = [(pulp.LpConstraintEQ, lo)] if lo == hi else []
            if lo != hi and not math.isinf(lo):
                wanted.append((pulp.LpConstraintGE, lo))
            if lo != hi and not math.isinf(hi):
                wanted.append((pulp.LpConstraintLE, hi))
            for k, (sense, rhs) in enumerate(wanted):
                expr = pulp.LpAffineExpression(terms)
                name = f"c_{r + 1}" if k == 0 else f"c_{r + 1}_{k}"
                problem.addConstraint(pulp.LpConstraint(expr, sense, name, rhs))
        return problem, variables


@dataclass(frozen=True)
class Context:
    """What every family of compact lots is built from."""

    scenario: Scenario
    options: Sequence[Option]
    blocks: list[Block]
    can: list[list[int]]
    viable: list[int]
    scale: float
    aggregate: bool
    adjacency: nx.Graph | None
    #: Virtual options (index → (option, withdrawn supplier)): a lead bid once a member of its
    #: supply chain withdraws, modelled for --robust only, never counted as a bidder.
    virtual: dict[int, tuple[int, str]] = field(default_factory=dict)
    #: (lead option, withdrawn supplier) pairs whose bid stays eligible for exactly the same
    #: compact lots (see :func:`robust_unchanged`): the lead's own e stands for it.
    unchanged: frozenset[tuple[int, str]] = frozenset()


class Abandoned(Exception):
    """:func:`build_model` stopped: its ``stop`` fell due before the model was complete."""


def build_model(
    scenario: Scenario,
    options: Sequence[Option],
    blocks: list[Block],
    adjacency: nx.Graph | None = None,
    candidates: Sequence[Candidate] = (),
    credited: Sequence[int] | None = None,
    exact_lots: int | None = None,
    aggregate: bool | None = None,
    aggregate_from: int | None = None,
    reduced: Mapping[tuple[int, str], Option] | None = None,
    no_good: Sequence[Sequence[tuple[int, ...]]] = (),
    stop: Stop | None = None,
    ruled: RuledOut | None = None,
) -> LotModel:
    """Build the MIP; options that can never be eligible are left out.

    ``candidates`` are the listed target lots; ``credited`` the target-held options whose lots
    were too many to list (all of them when None, i.e. a purely compact model): each gets a
    family of compact lots it opens, valued exactly. ``exact_lots`` asks for exactly that many
    lots (for the trade-off curve). ``aggregate`` writes an option's coverage in one row per lot
    instead of one per excluded area, service or block: a weaker bound on compact lots, but far
    fewer rows (None: when the contract has more than ``aggregate_from`` blocks, by default
    ``Settings.aggregate_from``).

    The award rules: ``scenario.max_awards`` adds :func:`define_awards`, ``max_reserved``
    :func:`define_reserved` (over the reserved candidates), ``robust`` :func:`define_robust`
    on compact lots (``reduced``: each lead option without one member of its supply chain, from
    :func:`lotting.rules.robust.reduced_options`; listed lots are judged robust already), and
    ``no_good`` (divisions as lists of block tuples) :func:`define_no_good`.

    ``stop`` is asked between families of rows: once it is due, :class:`Abandoned` is raised
    (building the 150-unit model takes seconds, which a deadline must not run past). ``ruled``
    (:func:`lotting.mip.colgen.ruled_out`) leaves blocks out of the plain and the credited
    options' compact lots where no division better than a known one has them (the listed lots
    it rules out are the caller's to drop from ``candidates``).
    """

    def check() -> None:
        if stop is not None and stop.due():
            raise Abandoned

    m = ModelBuilder()
    n = len(blocks)
    values = [block.value for block in blocks]
    real = len(options)
    can = holdable(options, blocks)
    credit = range(len(options)) if credited is None else credited
    openers = sorted({o for o in credit if options[o].has_target and can[o]})
    # Enumerated target-held options never need a compact lot: every lot they can hold is listed.
    viable = [o for o in range(real) if can[o] and (o in openers or not options[o].has_target)]
    virtual: dict[int, tuple[int, str]] = {}
    unchanged: frozenset[tuple[int, str]] = frozenset()
    if scenario.robust:
        if reduced is None:
            raise ValueError("a robust model needs the reduced options")
        unchanged = robust_unchanged(scenario, options, blocks, can, viable, reduced)
        involved: dict[str, int] = {}
        for o in viable:
            for supplier in {*options[o].holders, *options[o].chain}:
                involved[supplier] = involved.get(supplier, 0) + 1
        # a supplier in one compact-lot option alone needs no virtual option (see define_robust),
        # nor a lead whose bid a compact lot cannot tell from its bid without that supplier
        extra = [
            key
            for key in sorted(reduced)
            if key[0] in viable and involved[key[1]] >= 2 and key not in unchanged
        ]
        virtual = {real + k: key for k, key in enumerate(extra)}
        added = [reduced[key] for key in extra]
        options = [*options, *added]
        can = [*can, *holdable(added, blocks)]
        viable += [v for v in virtual if can[v]]
    threshold = Settings().aggregate_from if aggregate_from is None else aggregate_from
    context = Context(
        scenario,
        options,
        blocks,
        can,
        viable,
        scale=max(values) / 100.0,  # value rows in units of 1 % of the largest block
        aggregate=n > threshold if aggregate is None else aggregate,
        adjacency=adjacency,
        virtual=virtual,
        unchanged=unchanged,
    )
    z = {c: m.var("z") for c in range(len(candidates))}
    ruled = ruled or RuledOut()
    plain = [b for b in range(n) if b not in ruled.plain]
    families = [define_family(m, context, plain, None)]
    for o in openers:
        check()
        members = [b for b in can[o] if b not in ruled.opened.get(o, ())]
        if members:
            families.append(define_family(m, context, members, o))
    check()
    define_partition(m, n, candidates, z, families)
    lot_row = define_lot_count(m, scenario, families, z, exact_lots)
    if exact_lots is not None:
        model = LotModel(m, blocks, families, z, list(candidates))
        for var, up in zip(*model.lot_columns(exact_lots), strict=True):
            m.col_upper[var] = up  # lots from k on never open
    reach = define_reach(m, options, openers, families, candidates, z)
    define_objective(m, scenario, values, families, candidates, z, reach)
    if scenario.max_awards is not None:
        define_awards(m, scenario.max_awards, context, families, candidates, z)
    define_reserved(m, scenario.max_reserved, candidates, z)
    if scenario.robust:
        for family in families:
            check()
            define_robust(m, context, family)
    check()
    for division in no_good:
        define_no_good(m, division, families, candidates, z)
    stats = {
        "variables": m.count,
        "constraints": m.rows,
        "options": len(options),
        "viable_options": len(viable),
        "blocks": n,
        "lots": len(families[0].y),
        "candidates": len(candidates),
        "families": len(families),
        "reserved_candidates": sum(c.reserved for c in candidates),
    }
    return LotModel(m, blocks, families, z, list(candidates), stats, lot_row)


def define_partition(
    m: ModelBuilder,
    n_blocks: int,
    candidates: Sequence[Candidate],
    z: dict[int, Var],
    families: Sequence[Family],
) -> None:
    """Every block in exactly one lot, listed or compact:

    Σ_{c ∋ b} z_c + Σ_F Σ_l x^F_{b,l} = 1   ∀ b
    """
    holding_block: dict[int, list[Var]] = {}
    for c, candidate in enumerate(candidates):
        for b in candidate.blocks:
            holding_block.setdefault(b, []).append(z[c])
    for family in families:
        for (i, _), var in family.x.items():
            holding_block.setdefault(family.members[i], []).append(var)
    for b in range(n_blocks):
        m.row(_ones(holding_block[b]), EQ, 1)


def define_lot_count(
    m: ModelBuilder,
    scenario: Scenario,
    families: Sequence[Family],
    z: dict[int, Var],
    exact_lots: int | None,
) -> int:
    """At most max_lots lots (exactly k for the trade-off curve); returns the row, whose bounds
    the frontier changes per k:

    Σ_F Σ_l y^F_l + Σ_c z_c ≤ max_lots   (= k with exact_lots)
    """
    opened = [y for family in families for y in family.y.values()]
    all_lots = _ones([*opened, *z.values()])
    if exact_lots is None:
        return m.row(all_lots, LE, scenario.max_lots)
    return m.row(all_lots, EQ, exact_lots)


def define_reach(
    m: ModelBuilder,
    options: Sequence[Option],
    openers: Sequence[int],
    families: Sequence[Family],
    candidates: Sequence[Candidate],
    z: dict[int, Var],
) -> list[Var]:
    """A target counts once it holds an eligible option for some lot: a listed lot it holds, or
    a lot of a credited option's family where a credited option it holds is eligible:

        r_t ≤ Σ_{c: t ∈ holders(c)} z_c + Σ_{F ≠ plain} Σ_{l, o credited: t ∈ targets(o)} e^F_{o,l}
        ∀ t,   0 ≤ r_t ≤ 1
    """
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
        reach.append(r := m.var("r", integer=False))
        m.row([(r, 1.0), *_ones(holding[t], -1.0)], LE, 0)
    return reach


def define_objective(
    m: ModelBuilder,
    scenario: Scenario,
    values: Sequence[float],
    families: Sequence[Family],
    candidates: Sequence[Candidate],
    z: dict[int, Var],
    reach: Sequence[Var],
) -> None:
    """DESIGN.md's objective; open value from listed lots with target holders and credited
    families' lots, reserved value from reserved listed lots (compact lots are never reserved):

    max  reach_value Σ_t r_t + open_rate (Σ_{c open} v_c z_c + Σ_{F ≠ plain} Σ_{i,l} v_i x^F_{i,l})
         + reserve_rate Σ_{c reserved} v_c z_c − lot_cost (Σ_c z_c + Σ_F Σ_l y^F_l)
    """
    opened = [y for family in families for y in family.y.values()]
    gains: dict[Var, float] = dict.fromkeys([*opened, *z.values()], -scenario.lot_cost)
    for c, candidate in enumerate(candidates):
        if candidate.holders:
            gains[z[c]] += scenario.open_rate * candidate.value
        if candidate.reserved:
            gains[z[c]] += scenario.reserve_rate * candidate.value
    for family in families[1:]:
        for (i, _), var in family.x.items():
            gains[var] = scenario.open_rate * values[family.members[i]]
    gains.update({r: scenario.reach_value for r in reach})
    m.objective(gains.items())


def define_family(
    m: ModelBuilder, context: Context, members: list[int], opener: int | None
) -> Family:
    """Compact lots over ``members`` (global block positions, sorted): canonical numbering,
    eligibility of every viable option, capacity, bidders, value bounds and contiguity. With an
    opener, that option is eligible in every open lot (e^F_{opener,l} = y^F_l)."""
    scenario = context.scenario
    blocks = [context.blocks[b] for b in members]
    n = len(blocks)
    lots = range(min(scenario.max_lots, n))
    x = {(i, lot): m.var("x") for i in range(n) for lot in range(min(i + 1, len(lots)))}
    y = {lot: m.var("y") for lot in lots}
    define_symmetry(m, x, y, n)
    family = Family(members, opener, x, y)
    areas = sorted({a for block in blocks for a in block.areas})
    services = sorted({s for block in blocks for s in block.services})
    area_in = define_presence(m, x, blocks, lots, areas, lambda block: block.areas)
    service_in = define_presence(m, x, blocks, lots, services, lambda block: block.services)
    define_eligibility(m, context, family, area_in, service_in)
    define_capacity(m, context, family)
    define_bidders(m, scenario, family, context.virtual)
    define_value_bounds(m, context, family)
    if context.adjacency is not None:
        define_contiguity(m, context.adjacency, area_in, y)  # the whole graph: its own order
    return family


def define_symmetry(
    m: ModelBuilder, x: dict[tuple[int, int], Var], y: dict[int, Var], n: int
) -> None:
    """Canonical numbering of interchangeable lots (x_{i,l} exists only for l ≤ i): a lot is open
    exactly when it holds a block, and a block opens lot l only after an earlier block opened l-1:

        y_l ≤ Σ_{i ≥ l} x_{i,l},   x_{i,l} ≤ y_l,   x_{i,l} ≤ Σ_{l-1 ≤ v < i} x_{v,l-1}  (l ≥ 1)
    """
    for lot in y:
        m.row([(y[lot], 1.0), *_ones((x[i, lot] for i in range(lot, n)), -1.0)], LE, 0)
        for i in range(lot, n):
            m.row([(x[i, lot], 1.0), (y[lot], -1.0)], LE, 0)
            if lot >= 1:
                earlier = _ones((x[v, lot - 1] for v in range(lot - 1, i)), -1.0)
                m.row([(x[i, lot], 1.0), *earlier], LE, 0)


def define_presence(
    m: ModelBuilder,
    x: dict[tuple[int, int], Var],
    blocks: list[Block],
    lots: range,
    keys: list[str],
    keys_of: Callable[[Block], frozenset[str]],
) -> dict[tuple[str, int], Var]:
    """p_{k,l} = 1 exactly when some block of lot l has k among its areas (or services):

    p_{k,l} ≤ Σ_{i ∋ k} x_{i,l},   x_{i,l} ≤ p_{k,l}   ∀ i ∋ k
    """
    present = {}
    for lot in lots:
        for key in keys:
            holding = [b for b in range(lot, len(blocks)) if key in keys_of(blocks[b])]
            if not holding:
                continue
            p = present[key, lot] = m.var("p")
            m.row([(p, 1.0), *_ones((x[b, lot] for b in holding), -1.0)], LE, 0)
            for b in holding:
                m.row([(x[b, lot], 1.0), (p, -1.0)], LE, 0)
    return present


def _holdable_here(context: Context, family: Family, o: int) -> list[int]:
    """Local positions of the family's blocks that option o could hold, sorted."""
    local = {b: i for i, b in enumerate(family.members)}
    return sorted(local[b] for b in context.can[o] if b in local)


def define_eligibility(
    m: ModelBuilder,
    context: Context,
    family: Family,
    area_in: dict[tuple[str, int], Var],
    service_in: dict[tuple[str, int], Var],
) -> None:
    """Option o may be eligible for an open lot only if the lot holds nothing o cannot hold:
    no area or service wholly outside o's blocks, and no other block it cannot hold:

        e_{o,l} ≤ y_l,   e_{o,l} + q ≤ 1   ∀ q ∈ out(o,l)
        out(o,l) = {p_{k,l}: area or service k outside o} ∪ {x_{i,l}: block i ∉ o}
        (aggregated: Σ_{q ∈ out(o,l)} q ≤ |out(o,l)| (1 − e_{o,l}))

    Lots past o's last holdable block have no e_{o,l}; the opener's e is y itself.
    """
    blocks = [context.blocks[b] for b in family.members]
    n = len(blocks)
    areas = sorted({a for block in blocks for a in block.areas})
    services = sorted({s for block in blocks for s in block.services})
    x, y = family.x, family.y
    for o in context.viable:
        ok = set(_holdable_here(context, family, o))
        if not ok:
            continue
        ok_areas = {a for i in ok for a in blocks[i].areas}
        ok_services = {s for i in ok for s in blocks[i].services}
        for lot in range(min(max(ok) + 1, len(y))):
            forced = o == family.opener
            eo = y[lot] if forced else m.var("e")
            family.e[o, lot] = eo
            if not forced:
                m.row([(eo, 1.0), (y[lot], -1.0)], LE, 0)
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
            if context.aggregate and len(outside) > 1:
                m.row([*_ones(outside), (eo, len(outside))], LE, len(outside))
            else:
                for var in outside:
                    m.row([(eo, 1.0), (var, 1.0)], LE, 1)


def define_capacity(m: ModelBuilder, context: Context, family: Family) -> None:
    """An eligible option's capacity rules, on the blocks it could hold (w = value / scale):

    Σ_{i ∈ o} w_i x_{i,l} ≤ limit_o + M (1 − e_{o,l})        (limit_o y_l for the opener)
    Σ_{i ∈ o} (σ_o v_i − own_o(i)) x_{i,l} ≤ M' (1 − e_{o,l})   when o subcontracts (σ_o > 0)
    """
    blocks = [context.blocks[b] for b in family.members]
    scale = context.scale
    weights = [block.value / scale for block in blocks]
    x, y = family.x, family.y
    for (o, lot), eo in family.e.items():
        option = context.options[o]
        forced = o == family.opener
        mine = [i for i in _holdable_here(context, family, o) if i >= lot]
        limit = option.value_limit / scale
        load = [(x[i, lot], weights[i]) for i in mine]
        if forced:  # the opener is eligible whenever the lot is open: no big-M needed
            m.row([*load, (y[lot], -limit)], LE, 0)
        elif (big_m := sum(weights[i] for i in mine) - limit) > 0:
            m.row([*load, (eo, big_m)], LE, limit + big_m)
        if option.own_share > 0:
            coef = {
                i: (option.own_share * blocks[i].value - own_value(blocks[i], option.own)) / scale
                for i in mine
            }
            big_m = 0.0 if forced else sum(c for c in coef.values() if c > 0)
            if forced or big_m > 0:
                own = [(x[i, lot], c) for i, c in coef.items()]
                m.row([*own, (eo, big_m)], LE, big_m)


def define_bidders(
    m: ModelBuilder, scenario: Scenario, family: Family, virtual: Collection[int] = ()
) -> None:
    """Every open lot has enough eligible options (virtual options are not bidders):

    Σ_o e_{o,l} ≥ min_bidders · y_l   ∀ l
    """
    for lot, y in family.y.items():
        bidders = _ones(eo for (o, at), eo in family.e.items() if at == lot and o not in virtual)
        m.row([*bidders, (y, -scenario.min_bidders)], GE, 0)


def define_awards(
    m: ModelBuilder,
    cap: int,
    context: Context,
    families: Sequence[Family],
    candidates: Sequence[Candidate],
    z: dict[int, Var],
) -> None:
    """Award cap: each lot awards one of its eligible options, and no supplier holds more than
    ``cap`` awarded options (a_{c,o} for listed lots, a^F_{o,l} ≤ e^F_{o,l} for compact ones):

        Σ_{o ∈ options(c)} a_{c,o} = z_c,   Σ_o a^F_{o,l} = y^F_l,
        Σ_{c, o ∋ s} a_{c,o} + Σ_{F,l, o ∋ s} a^F_{o,l} ≤ cap   ∀ supplier s
    """
    won: dict[str, list[Var]] = {}
    for c, candidate in enumerate(candidates):
        choice = []
        for o in candidate.options:
            choice.append(a := m.var("a"))
            for s in context.options[o].holders:
                won.setdefault(s, []).append(a)
        m.row([*_ones(choice), (z[c], -1.0)], EQ, 0)
    for family in families:
        by_lot: dict[int, list[Var]] = {}
        for (o, lot), eo in family.e.items():
            if o in context.virtual:
                continue
            by_lot.setdefault(lot, []).append(a := m.var("a"))
            m.row([(a, 1.0), (eo, -1.0)], LE, 0)
            for s in context.options[o].holders:
                won.setdefault(s, []).append(a)
        for lot, y in family.y.items():
            m.row([*_ones(by_lot.get(lot, [])), (y, -1.0)], EQ, 0)
    for s in sorted(won):
        if len(won[s]) > cap:
            m.row(_ones(won[s]), LE, cap)


def define_reserved(
    m: ModelBuilder, most: int, candidates: Sequence[Candidate], z: dict[int, Var]
) -> None:
    """At most ``max_reserved`` reserved lots; each is a listed reserved variant of a lot, judged
    on the reserve kinds' options alone (its figures computed that way when listed):

        Σ_{c reserved} z_c ≤ max_reserved
    """
    reserved = [z[c] for c, candidate in enumerate(candidates) if candidate.reserved]
    if reserved:
        m.row(_ones(reserved), LE, most)


def define_robust(m: ModelBuilder, context: Context, family: Family) -> None:
    """Robust competition on compact lots: whichever supplier s withdraws, an open lot keeps
    min_bidders options: those not involving s, and leads whose chain held s judged without it
    (the virtual option o∖s, with its own eligibility rows). A withdrawal costs a lot at least
    one option whenever it has one (its holder's), so one row asks for min_bidders + 1 options,
    and a supplier involved in one option alone needs no row of its own:

        Σ_o e_{o,l} ≥ (min_bidders + 1) · y_l   ∀ l
        Σ_{o: s ∉ holders(o) ∪ chain(o)} e_{o,l} + Σ_{o: s ∈ chain(o)} e_{o∖s,l}
            ≥ min_bidders · y_l   ∀ l, s involved in two or more options
    """
    need = context.scenario.min_bidders
    if need <= 0:
        return
    options = context.options
    for lot, y in family.y.items():
        here = {o: eo for (o, at), eo in family.e.items() if at == lot}
        real = [o for o in here if o not in context.virtual]
        m.row([*_ones(here[o] for o in real), (y, -(need + 1))], GE, 0)
        standing = {context.virtual[v]: v for v in here if v in context.virtual}
        involved: dict[str, int] = {}
        for o in real:
            for supplier in {*options[o].holders, *options[o].chain}:
                involved[supplier] = involved.get(supplier, 0) + 1
        for supplier in sorted(s for s, count in involved.items() if count >= 2):
            kept = [here[o] for o in real if supplier not in options[o].holders + options[o].chain]
            kept += [here[standing[o, supplier]] for o in real if (o, supplier) in standing]
            kept += [here[o] for o in real if (o, supplier) in context.unchanged]
            m.row([*_ones(kept), (y, -need)], GE, 0)


def robust_unchanged(
    scenario: Scenario,
    options: Sequence[Option],
    blocks: Sequence[Block],
    can: Sequence[Sequence[int]],
    viable: Sequence[int],
    reduced: Mapping[tuple[int, str], Option],
) -> frozenset[tuple[int, str]]:
    """Leads whose bid without one chain member s is eligible for exactly the compact lots the
    full bid is, under --robust: o∖s still covers every block o could hold, and can hold any
    lot a robust compact lot may be worth.

    A robust compact lot has at least min_bidders + 1 eligible options (:func:`define_robust`),
    so it is worth at most the (min_bidders + 1)-th largest value limit C among the viable
    options. With a chain left, o∖s keeps o's own-delivery rules and covers less with less
    capacity, so it is eligible only where o is; without one, it is eligible only for lots
    inside o's own coverage and capacity, where o is too. Conversely, when o∖s covers all of
    o's blocks and its value limit is at least C, o eligible implies o∖s eligible.
    """
    limits = sorted((options[o].value_limit for o in viable), reverse=True)
    need = scenario.min_bidders
    if need <= 0 or len(limits) <= need:
        return frozenset(reduced)  # no robust compact lot can open: nothing to tell apart
    most = limits[need]
    same = set()
    for (o, s), without in reduced.items():
        if o >= len(can):
            continue
        covered = all(without.covers.issuperset(blocks[b].units) for b in can[o])
        if covered and without.value_limit >= most:
            same.add((o, s))
    return frozenset(same)


def define_no_good(
    m: ModelBuilder,
    division: Sequence[tuple[int, ...]],
    families: Sequence[Family],
    candidates: Sequence[Candidate],
    z: dict[int, Var],
) -> None:
    """Cut off one division D (its lots as block sets), in any form: w_L ≥ 1 whenever lot L is
    made, as a listed lot (either variant) or as compact lot l of a family, and not all of D:

        w_L ≥ z_c   ∀ c: blocks(c) = L,
        w_L ≥ Σ_{i ∈ L} x^F_{i,l} − Σ_{i ∉ L} x^F_{i,l} − (|L| − 1)   ∀ F, l,
        Σ_{L ∈ D} w_L ≤ |D| − 1,   0 ≤ w_L ≤ 1
    """
    made = []
    for lot in division:
        inside = set(lot)
        made.append(w := m.var("w", integer=False))
        for c, candidate in enumerate(candidates):
            if set(candidate.blocks) == inside:
                m.row([(w, 1.0), (z[c], -1.0)], GE, 0)
        for family in families:
            local = {b: i for i, b in enumerate(family.members)}
            if not inside <= local.keys():
                continue
            for at in family.y:
                if any((local[b], at) not in family.x for b in inside):
                    continue
                terms = [(w, 1.0)]
                terms += [
                    (var, -1.0 if family.members[i] in inside else 1.0)
                    for (i, pos), var in family.x.items()
                    if pos == at
                ]
                m.row(terms, GE, 1.0 - len(inside))
    m.row(_ones(made), LE, len(division) - 1)


def define_value_bounds(m: ModelBuilder, context: Context, family: Family) -> None:
    """The scenario's lot value bounds, on open lots (w = value / scale):

    min_lot_value · y_l ≤ Σ_i w_i x_{i,l} ≤ max_lot_value · y_l   ∀ l
    """
    scenario, scale = context.scenario, context.scale
    lo, hi = scenario.min_lot_value, scenario.max_lot_value
    if lo is None and hi is None:
        return
    weights = [context.blocks[b].value / scale for b in family.members]
    for lot, y in family.y.items():
        lot_value = [(family.x[i, lot], weights[i]) for i in range(lot, len(weights))]
        if lo is not None:
            m.row([*lot_value, (y, -lo / scale)], GE, 0)
        if hi is not None:
            m.row([*lot_value, (y, -hi / scale)], LE, 0)


def define_contiguity(
    m: ModelBuilder,
    graph: nx.Graph,
    area_in: dict[tuple[str, int], Var],
    y: dict[int, Var],
) -> None:
    """Single-commodity flow: each lot's root area sends one unit to every other area it holds
    (A_l = areas that may be in lot l, N = |A_l| − 1):

        Σ_a root_{a,l} = y_l,   root_{a,l} ≤ p_{a,l},   f_{a→b} ≤ N p_{a,l},   f_{a→b} ≤ N p_{b,l},
        Σ_b f_{b→a} − Σ_b f_{a→b} ≥ p_{a,l} − |A_l| root_{a,l}   ∀ a ∈ A_l
    """
    for lot in y:
        here = [a for a in graph.nodes if (a, lot) in area_in]
        if len(here) <= 1:
            continue
        big = len(here) - 1
        root = {a: m.var("root") for a in here}
        m.row([*_ones(root.values()), (y[lot], -1.0)], EQ, 0)
        inflow: dict[str, list[Var]] = {a: [] for a in here}
        outflow: dict[str, list[Var]] = {a: [] for a in here}
        # the graph's own edge order: a subgraph view may iterate a set (hash order varies)
        for a, b in [(a, b) for a, b in graph.edges if a in inflow and b in inflow]:
            for s, t in ((a, b), (b, a)):
                f = m.var("f", integer=False, up=None)
                outflow[s].append(f)
                inflow[t].append(f)
                m.row([(f, 1.0), (area_in[s, lot], -big)], LE, 0)
                m.row([(f, 1.0), (area_in[t, lot], -big)], LE, 0)
        for a in here:
            m.row([(root[a], 1.0), (area_in[a, lot], -1.0)], LE, 0)
            balance = [*_ones(inflow[a]), *_ones(outflow[a], -1.0)]
            m.row([*balance, (area_in[a, lot], -1.0), (root[a], len(here))], GE, 0)


def _ones(variables: Iterable[Var], coef: float = 1.0) -> list[tuple[Var, float]]:
    """Terms of a sum of variables, each with the same coefficient."""
    return [(var, coef) for var in variables]
