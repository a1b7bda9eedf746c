"""A proven upper bound from column generation on the set-partitioning master.

The master chooses lots (sets of blocks) that partition the contract, at most ``max_lots`` of
them, and credits each target supplier once when some chosen lot has it as a holder:

    max  rv · Σ_s y_s + Σ_L c_L x_L     c_L = open_rate · open(L) · value(L) − lot_cost
    s.t. Σ_{L ∋ b} x_L = 1 (each block b),  fewest ≤ Σ_L x_L ≤ most,
         y_s ≤ Σ_{L : s ∈ H(L)} x_L,  0 ≤ y_s ≤ 1,  x ≥ 0,

where ``H(L)`` are the target holders of the options eligible for L, ``open(L)`` is 1 when one
of them exists, and rv is ``reach_value``. Its LP is solved over a restricted set of columns
(highspy), and its duals priced over *every* feasible lot, as follows.

**Proof of validity.** Take any block prices π, any σ ≥ 0 (one per target supplier) and any
feasible division D (a partition of the blocks into feasible lots, fewest ≤ |D| ≤ most). Let
n_s be the number of lots of D that s holds. Then rv · min(1, n_s) ≤ max(0, rv − σ_s) + σ_s n_s
(check n_s = 0 and n_s ≥ 1), so with r_L = c_L + σ(H(L)) − π(L)::

    objective(D) = rv · Σ_s min(1, n_s) + Σ_{L∈D} c_L
                 ≤ Σ_s max(0, rv − σ_s) + Σ_{L∈D} (c_L + σ(H(L)))
                 = Σ_s max(0, rv − σ_s) + Σ_b π_b + Σ_{L∈D} r_L      (D partitions the blocks)
                 ≤ Σ_s max(0, rv − σ_s) + Σ_b π_b + h(t),

for any t ≥ max over all feasible lots of r_L, with h(t) = most · t when t ≥ 0 and fewest · t
otherwise. So the bound holds whatever duals the restricted LP gives; only t must be a true
upper bound. It is priced in three exhaustive parts; every feasible lot L falls in one:

1. L has an eligible target-held option that :func:`~lotting.mip.candidates.enumerate_candidates`
   listed in full: then L is a listed candidate (that listing is every feasible lot of the
   option), and r_L is computed exactly from its figures.
2. Otherwise L's eligible target-held options are all among ``unlisted``: for each such option
   o, L lies in o's holdable blocks and is worth at most o's value limit, and every target of L
   holds an unlisted option whose holdable blocks meet o's. So r_L ≤ −lot_cost + σ(those
   targets) + K_o(open_rate · v − π), where K_o(p) is the fractional-knapsack maximum of Σ p_b
   over o's holdable blocks within its limit (the LP relaxation of the best set, an upper bound).
3. L has no eligible target-held option: c_L = −lot_cost and H(L) = ∅. With min_bidders ≥ 1 L
   has an eligible option o (not target-held), so r_L ≤ −lot_cost + K_o(−π); with min_bidders 0
   any non-empty set of blocks is allowed.

Value bounds, contiguity, bidder counts and the award rules only remove lots or divisions, so
the bound stays valid with them (it is simply less tight). Reserved lots add a term this
master does not have: with ``max_reserved`` > 0 no bound is given. At an LP optimum where no
column prices positive, t equals the count row's dual and the bound equals the LP value: the
LP relaxation of the master over all (relaxed) lots.

The work is counted in pricing rounds (``settings.colgen_rounds``), not seconds, so the bound is
the same on any machine; ``stop`` only cuts it short (the best bound so far still holds).

**What the prices rule out** (reduced-cost fixing, :func:`ruled_out`). With the prices of the
round that gave the bound B, and t the best reduced profit of that round, a division D holding
a lot L has at most |D| − 1 other lots, each of reduced profit at most t, so (as above)
objective(D) ≤ B − t + r_L, for either sign of t. Given a known feasible division worth z, a
lot with B − t + r_L < z is in no better division: the listed lots with that margin, and the
blocks that no lot of a compact family (plain, or opened by a credited option) holding them can
lift to z, by the part 2 and 3 bounds with that block forced in, can be left out of the model.
Every better division keeps the one form in which the model values it exactly (its listed lot;
else its compact lots of an eligible credited option's family; else plain lots), so the
reduced model's optimum, with the known division in it, is the full model's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
import numpy.typing as npt

from lotting.mip.candidates import Candidate
from lotting.rules.blocks import Block
from lotting.rules.options import Option, holdable
from lotting.rules.values import TOLERANCE
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.stop import Stop

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MasterBound:
    """What column generation proved: ``bound`` (an upper bound on every feasible division's
    objective), the last restricted LP's ``value``, the pricing ``rounds`` run, the ``columns``
    added, ``converged`` (no column priced positive: the bound is the master's LP value), and
    ``weights``: each listed candidate's share in the last LP solution (0 for most)."""

    bound: float
    value: float
    rounds: int
    columns: int
    converged: bool
    weights: tuple[float, ...]
    #: The prices of the round that gave ``bound``, for :func:`ruled_out`.
    prices: _Prices | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class _Prices:
    """Block prices π, target prices σ and the best reduced profit t of one pricing round, with
    the listed lots and relaxed families they were taken over."""

    pi: Floats
    sigma: Floats
    top: float
    pool: _Pool
    families: tuple[_Family, ...]


@dataclass(frozen=True)
class RuledOut:
    """What no division better than a known one uses (:func:`ruled_out`): listed candidates (by
    number), blocks of the plain lots, and blocks of each credited option's compact lots."""

    candidates: frozenset[int] = frozenset()
    plain: frozenset[int] = frozenset()
    opened: Mapping[int, frozenset[int]] = field(default_factory=dict)

    def summary(self) -> str:
        """How much was ruled out, in words (empty when nothing was).

        >>> RuledOut(frozenset({3, 4}), frozenset({1})).summary()
        '2 listed lots and 1 block of plain lots ruled out by the bound'
        """
        opened = sum(len(b) for b in self.opened.values())
        parts = [
            f"{n:,} {what if n == 1 else plural}"
            for n, what, plural in (
                (len(self.candidates), "listed lot", "listed lots"),
                (len(self.plain), "block of plain lots", "blocks of plain lots"),
                (opened, "block of compact lots", "blocks of compact lots"),
            )
            if n
        ]
        if not parts:
            return ""
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{listed} ruled out by the bound"


@dataclass(frozen=True)
class _Family:
    """Relaxed lots of one option (parts 2 and 3 of the proof): its holdable blocks, their
    values, its value limit, whether its lots are open (target-held), and the targets they
    may credit."""

    blocks: Ints
    values: Floats
    limit: float
    open: bool
    targets: Ints
    #: The credited option whose lots these are (None: plain lots).
    option: int | None = None


def knapsack(profit: Floats, values: Floats, limit: float) -> tuple[float, Floats]:
    """Fractional-knapsack maximum of Σ profit over non-empty sets within ``limit``, an upper
    bound on the best set, and the (fractional) shares that attain it.

    >>> knapsack(np.array([3.0, 2.0, -1.0]), np.array([2.0, 2.0, 1.0]), 3.0)
    (4.0, array([1. , 0.5, 0. ]))
    >>> knapsack(np.array([-3.0, -1.0]), np.array([1.0, 1.0]), 3.0)
    (-1.0, array([0., 1.]))
    """
    shares = np.zeros(len(profit))
    good = np.flatnonzero(profit > 0)
    if len(good) == 0:
        best = int(np.argmax(profit))  # a lot is never empty: the least bad block alone
        shares[best] = 1.0
        return float(profit[best]), shares
    order = good[np.argsort(-profit[good] / np.maximum(values[good], 1e-300), kind="stable")]
    filled = np.cumsum(values[order])
    whole = int(np.searchsorted(filled, limit, side="right"))
    shares[order[:whole]] = 1.0
    total = float(profit[order[:whole]].sum())
    if whole < len(order):
        room = limit - (filled[whole - 1] if whole else 0.0)
        part = max(0.0, min(1.0, room / values[order[whole]]))
        shares[order[whole]] = part
        total += part * float(profit[order[whole]])
    return float(total), shares


class _Pool:
    """The listed candidates as flat arrays, so every round prices all of them at once."""

    def __init__(
        self, scenario: Scenario, candidates: Sequence[Candidate], target: dict[str, int]
    ) -> None:
        self.index = [k for k, c in enumerate(candidates) if not c.reserved]
        chosen = [candidates[k] for k in self.index]
        self.blocks = np.array([b for c in chosen for b in c.blocks], dtype=np.int64)
        self.block_start = np.cumsum([0] + [len(c.blocks) for c in chosen[:-1]], dtype=np.int64)
        self.holders = np.array([target[t] for c in chosen for t in c.holders], dtype=np.int64)
        self.holder_count = np.array([len(c.holders) for c in chosen], dtype=np.int64)
        self.holder_start = np.cumsum([0, *self.holder_count[:-1].tolist()], dtype=np.int64)
        open_rate = scenario.open_rate
        self.cost = np.array(
            [(open_rate * c.value if c.holders else 0.0) - scenario.lot_cost for c in chosen]
        )
        self.size = len(chosen)

    def prices(self, pi: Floats, sigma: Floats) -> Floats:
        """r_L of every candidate: its cost, plus its holders' σ, minus its blocks' π."""
        if not self.size:
            return np.zeros(0)
        out = self.cost - np.add.reduceat(pi[self.blocks], self.block_start)
        credit = sigma[self.holders] if len(self.holders) else np.zeros(0)
        if len(credit):
            held = np.add.reduceat(np.append(credit, 0.0), self.holder_start)
            out = out + np.where(self.holder_count > 0, held, 0.0)
        return out

    def column(self, k: int) -> tuple[list[int], list[int]]:
        """Blocks and holders (target numbers) of candidate k."""
        b0, h0 = int(self.block_start[k]), int(self.holder_start[k])
        b1 = int(self.block_start[k + 1]) if k + 1 < self.size else len(self.blocks)
        return self.blocks[b0:b1].tolist(), self.holders[h0 : h0 + self.holder_count[k]].tolist()


def _families(
    scenario: Scenario,
    options: Sequence[Option],
    blocks: Sequence[Block],
    unlisted: Sequence[int],
    target: dict[str, int],
) -> list[_Family]:
    """Relaxed lots (parts 2 and 3 of the proof); plain families dominated by another (fewer
    blocks and no larger limit) are dropped, as they can never price higher."""
    held = holdable(options, blocks)
    values = np.array([b.value for b in blocks])
    ceiling = scenario.max_lot_value if scenario.max_lot_value is not None else np.inf

    def limit(o: int) -> float:
        value = min(options[o].value_limit, ceiling)
        return value + TOLERANCE * max(1.0, abs(value)) if np.isfinite(value) else np.inf

    out: list[_Family] = []
    loose = [o for o in unlisted if held[o]]
    for o in loose:
        mine = set(held[o])
        credited = sorted(
            {target[t] for p in loose if not mine.isdisjoint(held[p]) for t in options[p].targets}
        )
        at = np.array(held[o], dtype=np.int64)
        credit = np.array(credited, dtype=np.int64)
        out.append(_Family(at, values[at], limit(o), True, credit, o))
    if scenario.min_bidders <= 0:
        at = np.arange(len(blocks), dtype=np.int64)
        out.append(_Family(at, values[at], np.inf, False, np.zeros(0, dtype=np.int64)))
        return out
    plain = sorted(
        {(frozenset(held[o]), limit(o)) for o, opt in enumerate(options) if not opt.has_target}
        - {(frozenset(), limit(o)) for o in range(len(options))},
        key=lambda f: (-len(f[0]), -f[1], sorted(f[0])),
    )
    kept: list[tuple[frozenset[int], float]] = []
    for where, most in plain:
        if any(where <= k and most <= m for k, m in kept):
            continue
        kept.append((where, most))
        at = np.array(sorted(where), dtype=np.int64)
        out.append(_Family(at, values[at], most, False, np.zeros(0, dtype=np.int64)))
    return out


def master_bound(
    scenario: Scenario,
    options: Sequence[Option],
    blocks: Sequence[Block],
    candidates: Sequence[Candidate],
    unlisted: Sequence[int],
    lots: int | None = None,
    settings: Settings | None = None,
    stop: Stop | None = None,
    seed: Sequence[Sequence[int]] = (),
) -> MasterBound | None:
    """The column-generation bound of the module docstring, or None when it does not apply
    (reserved lots, a negative reach value, no blocks).

    ``candidates`` are the listed lots and ``unlisted`` the target-held options not listed in
    full (both from :func:`~lotting.mip.candidates.enumerate_candidates`); ``lots`` asks for
    divisions of exactly that many lots (the frontier's k). ``seed`` are lots (block lists) of
    a known division to start the master from; they only speed it up.
    """
    settings = settings or Settings()
    if scenario.max_reserved > 0 or scenario.reach_value < 0 or not blocks:
        return None
    most = min(scenario.max_lots if lots is None else lots, len(blocks))
    fewest = most if lots is not None else 1
    names = sorted({t for o in options for t in o.targets})
    target = {t: i for i, t in enumerate(names)}
    pool = _Pool(scenario, candidates, target)
    families = _families(scenario, options, blocks, unlisted, target)
    rv, n_blocks, n_targets = scenario.reach_value, len(blocks), len(names)
    total = sum(b.value for b in blocks)
    scale = 1.0 + abs(scenario.lot_cost) + rv * n_targets + abs(scenario.open_rate) * total
    master = _Master(n_blocks, n_targets, fewest, most, rv, 10.0 * scale)
    for family in families:
        master.family(family, scenario)
    present = np.zeros(pool.size, dtype=bool)
    by_blocks = {tuple(pool.column(k)[0]): k for k in range(pool.size)}
    for lot in seed:
        k = by_blocks.get(tuple(sorted(lot)), -1)
        if k >= 0:
            present[k] = True
            where, who = pool.column(k)
            master.add(float(pool.cost[k]), {b: 1.0 for b in where}, who, k)
        else:  # a plain lot of the division: no holders, never worth more than as plain
            master.add(-scenario.lot_cost, {b: 1.0 for b in lot}, [])
    best, value, rounds, converged = np.inf, np.nan, 0, False
    prices: _Prices | None = None
    slack = 1e-7 * scale
    while rounds < settings.colgen_rounds and not (stop is not None and stop.due()):
        rounds += 1
        value, pi, mu, sigma = master.solve()
        sigma = np.maximum(sigma, 0.0)
        reduced = pool.prices(pi, sigma)
        top = float(reduced.max()) if len(reduced) else -np.inf
        for family in families:
            gain = scenario.open_rate * family.values if family.open else 0.0
            best_set, _ = knapsack(gain - pi[family.blocks], family.values, family.limit)
            credit = float(sigma[family.targets].sum()) if len(family.targets) else 0.0
            top = max(top, -scenario.lot_cost + best_set + credit)
        reach = float(np.maximum(rv - sigma, 0.0).sum())
        shape = most * top if top >= 0 else fewest * top
        here = reach + float(pi.sum()) + shape
        if here < best:
            best, prices = here, _Prices(pi, sigma, top, pool, tuple(families))
        wanted = np.flatnonzero((reduced - mu > slack) & ~present)
        order = np.argsort(-reduced[wanted], kind="stable")[: settings.colgen_columns]
        fresh = [int(k) for k in wanted[order]]
        if not fresh:
            converged = True
            break
        for k in fresh:
            present[k] = True
            where, who = pool.column(k)
            master.add(float(pool.cost[k]), {b: 1.0 for b in where}, who, k)
    if not np.isfinite(best):
        return None
    weights = [0.0] * len(candidates)
    for k, x in master.shares().items():
        weights[pool.index[k]] = x
    return MasterBound(
        best, float(value), rounds, master.columns, converged, tuple(weights), prices
    )


def forced_knapsack(profit: Floats, values: Floats, limit: float) -> Floats:
    """For each item, an upper bound on Σ profit over sets within ``limit`` that hold it (−inf
    when it alone exceeds the limit): the fractional knapsack with its room taken, exact when
    the item is whole in the unforced optimum.

    >>> forced_knapsack(np.array([3.0, 2.0, -1.0]), np.array([2.0, 2.0, 1.0]), 3.0)
    array([4. , 3.5, 2. ])
    """
    best, shares = knapsack(profit, values, limit)
    good = np.flatnonzero(profit > 0)
    order = good[np.argsort(-profit[good] / np.maximum(values[good], 1e-300), kind="stable")]
    filled = np.concatenate([[0.0], np.cumsum(values[order])])
    gained = np.concatenate([[0.0], np.cumsum(profit[order])])
    room = limit - values
    whole = np.searchsorted(filled, np.maximum(room, 0.0), side="right") - 1
    rest = gained[whole]
    partial = whole < len(order)
    nxt = order[np.minimum(whole, len(order) - 1)] if len(order) else np.zeros(0, dtype=np.int64)
    if len(order):
        left = np.where(partial, np.maximum(room, 0.0) - filled[whole], 0.0)
        rest = rest + np.where(partial, left / values[nxt] * profit[nxt], 0.0)
    out = profit + np.where(np.isfinite(room), rest, gained[-1])
    out = np.where(shares >= 1.0, np.minimum(out, best), out)
    return np.where(room < -TOLERANCE * max(1.0, abs(limit)), -np.inf, out)


def ruled_out(
    bound: MasterBound,
    scenario: Scenario,
    known: float,
    keep: Sequence[int] = (),
    keep_plain: Sequence[int] = (),
) -> RuledOut:
    """The listed candidates and compact-lot blocks no division worth more than ``known`` (the
    objective of a feasible division) uses, by the margins of the module docstring; ``keep``
    (candidates) and ``keep_plain`` (blocks) are the known division's own, never ruled out.
    Nothing is ruled out without prices (reserved lots, or no round run)."""
    prices = bound.prices
    if prices is None:
        return RuledOut()
    floor = known - 1e-7 * max(1.0, abs(known), abs(bound.bound))  # rounding of the LP's duals
    lift = bound.bound - prices.top
    margins = lift + prices.pool.prices(prices.pi, prices.sigma)
    candidates = {prices.pool.index[k] for k in np.flatnonzero(margins < floor).tolist()}
    plain = np.full(len(prices.pi), -np.inf)
    opened: dict[int, frozenset[int]] = {}
    for family in prices.families:
        gain = scenario.open_rate * family.values if family.open else np.zeros(len(family.values))
        credit = float(prices.sigma[family.targets].sum()) if len(family.targets) else 0.0
        best = forced_knapsack(gain - prices.pi[family.blocks], family.values, family.limit)
        margin = lift - scenario.lot_cost + credit + best
        if family.option is None:
            plain[family.blocks] = np.maximum(plain[family.blocks], margin)
        else:
            opened[family.option] = frozenset(family.blocks[margin < floor].tolist())
    return RuledOut(
        frozenset(candidates) - set(keep),
        frozenset(np.flatnonzero(plain < floor).tolist()) - set(keep_plain),
        {o: out for o, out in opened.items() if out},
    )


class _Master:
    """The restricted master LP in highspy, minimising the negated objective (rows: blocks,
    then the lot count, then one per target)."""

    def __init__(
        self, n_blocks: int, n_targets: int, fewest: int, most: int, rv: float, big: float
    ) -> None:
        inf = highspy.kHighsInf
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("random_seed", 0)
        self.n_blocks, self.n_targets = n_blocks, n_targets
        lower = [1.0] * n_blocks + [float(fewest)] + [-inf] * n_targets
        upper = [1.0] * n_blocks + [float(most)] + [0.0] * n_targets
        rows = n_blocks + 1 + n_targets
        empty = np.zeros(0, dtype=np.int32)
        self.highs.addRows(rows, np.array(lower), np.array(upper), 0, empty, empty, np.zeros(0))
        # reach y_s (row n_blocks+1+s, +1), then an artificial per block so the LP is feasible
        for s in range(n_targets):
            self._col(-rv, 1.0, [n_blocks + 1 + s], [1.0])
        for b in range(n_blocks):
            self._col(big, np.inf, [b], [1.0])
        self.first = n_targets + n_blocks
        self.kinds: list[int] = []  # pool index per added column (-1: a relaxed lot)
        self.columns = 0

    def _col(self, cost: float, up: float, rows: list[int], values: list[float]) -> None:
        upper = highspy.kHighsInf if not np.isfinite(up) else up
        self.highs.addCol(
            cost, 0.0, upper, len(rows), np.array(rows, dtype=np.int32), np.array(values)
        )

    def add(
        self, cost: float, blocks: dict[int, float], holders: list[int], pool: int = -1
    ) -> None:
        """A lot column: profit ``cost``, its (possibly fractional) blocks, its holders."""
        rows = [*sorted(blocks), self.n_blocks, *(self.n_blocks + 1 + s for s in holders)]
        values = [blocks[b] for b in sorted(blocks)] + [1.0] + [-1.0] * len(holders)
        self._col(-cost, np.inf, rows, values)
        self.kinds.append(pool)
        self.columns += 1

    def family(self, family: _Family, scenario: Scenario) -> None:
        """A family's relaxed lots in compact form: z lots (count row, −lot_cost each, credit
        to its targets) sharing w_b of each block, with Σ v_b w_b ≤ limit · z, w_b ≤ z and
        Σ w_b ≥ z (a lot is never empty): the cone over the knapsack polytope that
        :func:`knapsack` prices, so the LP holds every relaxed lot at once."""
        inf = highspy.kHighsInf
        z = self.highs.getNumCol()
        rows = [self.n_blocks, *(self.n_blocks + 1 + int(s) for s in family.targets)]
        self._col(scenario.lot_cost, np.inf, rows, [1.0] + [-1.0] * len(family.targets))
        first = self.highs.getNumRow()
        n = len(family.blocks)
        capped = np.isfinite(family.limit)
        # rows: w_b - z <= 0 (n of them), Σ w_b - z >= 0, then Σ v w - limit z <= 0
        extra = n + 1 + int(capped)
        lower = [-inf] * n + [0.0] + ([-inf] if capped else [])
        upper = [0.0] * n + [inf] + ([0.0] if capped else [])
        empty = np.zeros(0, dtype=np.int32)
        self.highs.addRows(extra, np.array(lower), np.array(upper), 0, empty, empty, np.zeros(0))
        for i, b in enumerate(family.blocks.tolist()):
            cost = scenario.open_rate * float(family.values[i]) if family.open else 0.0
            at = [int(b), first + i, first + n] + ([first + n + 1] if capped else [])
            vals = [1.0, 1.0, 1.0] + ([float(family.values[i])] if capped else [])
            self._col(-cost, np.inf, at, vals)
        link = [first + i for i in range(n)] + [first + n] + ([first + n + 1] if capped else [])
        coef = [-1.0] * n + [-1.0] + ([-family.limit] if capped else [])
        for row, value in zip(link, coef, strict=True):
            self.highs.changeCoeff(row, z, value)
        self.first = self.highs.getNumCol()

    def solve(self) -> tuple[float, Floats, float, Floats]:
        """LP value (as a maximum), block prices π, the count row's dual μ, targets' σ."""
        self.highs.run()
        dual = -np.array(self.highs.getSolution().row_dual)
        value = -float(self.highs.getInfo().objective_function_value)
        b = self.n_blocks
        return value, dual[:b], float(dual[b]), dual[b + 1 : b + 1 + self.n_targets]

    def shares(self) -> dict[int, float]:
        """Share of each pool candidate column in the last LP solution (positive ones)."""
        x = self.highs.getSolution().col_value
        out: dict[int, float] = {}
        for j, k in enumerate(self.kinds):
            if k >= 0 and x[self.first + j] > 1e-9:
                out[k] = out.get(k, 0.0) + float(x[self.first + j])
        return out
