"""A quick feasible division to start the solver from: greedy candidates, a packing MIP, then
exchange moves over the whole candidate pool.

It only helps the solver find a first plan sooner on large contracts; the optimum does not depend
on it. Everything here is checked with the exact lot rules (:class:`lotting.rules.lots.LotJudge`).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from lotting.mip.candidates import Candidate
from lotting.mip.model import LE, ModelBuilder, Var
from lotting.mip.solver import run
from lotting.rules.blocks import Block
from lotting.rules.lots import LotJudge, count_pieces
from lotting.rules.options import Option
from lotting.rules.scoring import objective
from lotting.rules.values import above, below, fits
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.stop import Stop


@dataclass
class Work:
    """The start's work budget: candidate lots judged so far, against ``settings.start_trials``,
    and the wall-clock cap (``deadline``, from :func:`time.perf_counter`) that only stops a run on
    a machine far slower than expected."""

    budget: int
    deadline: float
    trials: int = 0
    capped: bool = field(default=False)
    stop: Stop | None = None

    def spent(self) -> bool:
        """True once the budget is used up (or, as an outer cap, the deadline passed or the run
        was asked to stop)."""
        if self.trials >= self.budget:
            return True
        if time.perf_counter() >= self.deadline or (self.stop is not None and self.stop.due()):
            self.capped = True
        return self.capped

    def seconds_left(self) -> float:
        """Wall time left under the outer cap (at least a tenth of a second: 0 means none)."""
        left = self.deadline - time.perf_counter()
        if self.stop is not None and self.stop.left() is not None:
            left = min(left, self.stop.left() or 0.0)
        return max(0.1, left)


def greedy_start(
    judge: LotJudge,
    blocks: Sequence[Block],
    candidates: Sequence[Candidate],
    seconds: float = 60.0,
    solver: str | None = None,
    settings: Settings | None = None,
    stop: Stop | None = None,
    weights: Sequence[float] | None = None,
) -> tuple[list[int], list[list[int]]] | None:
    """Chosen candidates and plain lots (block lists) forming a feasible division, or None.

    With ``weights`` (each candidate's share in the master LP of :mod:`lotting.mip.colgen`),
    the growing starts from a dive: the candidates the LP uses, largest share first, each kept
    when it fits and the objective improves.

    Starts from the remaining blocks split into connected pieces. Each step ranks the candidate
    lots that fit in what is left by what they could add (new target holders, open value), judges
    the best few exactly (counting the plain lots the rest then needs) and keeps the best one, as
    long as the objective improves; then each chosen lot is taken out in turn and the rest grown
    again, kept when the objective improves. With a ``solver``, a packing MIP over the candidates
    the linear relaxation favours (:meth:`_Greedy.pack`) then looks for a better choice, and the
    polishing resumes from it. Last, exchange moves over the whole pool (:meth:`_Greedy.exchange`:
    add a candidate, or put one in place of the chosen lots it overlaps) are kept while they
    improve the objective.

    The work is counted in candidate lots judged (``settings.start_trials`` in all, a third of
    them for the first polish, then ``settings.exchange_trials`` exchange moves) and packing-MIP
    nodes, so the start is the same on any machine;
    ``seconds`` and ``stop`` only cap it from outside (it then returns the best division so far,
    at least the plain one).
    """
    settings = settings or Settings()
    work = Work(settings.start_trials, time.perf_counter() + seconds, stop=stop)
    greedy = _Greedy(judge, blocks, candidates, settings, work)
    plain = greedy.plain_lots(greedy.everything)
    if plain is not None and len(plain) > judge.scenario.max_lots:
        greedy.plain_lots.join = True  # the walk's chunks are too many: join them from now on
        plain = greedy.plain_lots(greedy.everything)
    if plain is None or len(plain) > judge.scenario.max_lots:
        return None
    first = _State([], greedy.everything, plain, greedy.value([], plain))
    if weights is not None:
        first = greedy.dive(first, weights)
    best = greedy.grow(first)
    best = greedy.polish(best, work.trials + (work.budget - work.trials) // 3)
    final = None
    if solver is not None and best.chosen:
        packed = greedy.pack(best, solver)
        if packed is not None:  # polished even when worse: lots handed back regrow differently
            packed = greedy.polish(packed, work.budget)
            if packed.value > best.value + 1e-9:
                final = packed
    if final is None:
        final = greedy.polish(best, work.budget)  # resumes where the first polish stopped
    final = greedy.exchange(final, work.trials + settings.exchange_trials)
    return final.chosen, final.plain


@dataclass(frozen=True)
class _State:
    """A division in the making: chosen candidates, blocks left, plain lots for them, objective."""

    chosen: list[int]
    rest: frozenset[int]
    plain: list[list[int]]
    value: float

    @property
    def lots(self) -> int:
        """Number of lots of the division."""
        return len(self.chosen) + len(self.plain)


class _Greedy:
    """Candidate lots worth trying, and the exact value of a division made of them."""

    def __init__(
        self,
        judge: LotJudge,
        blocks: Sequence[Block],
        candidates: Sequence[Candidate],
        settings: Settings,
        work: Work,
    ) -> None:
        self.scenario, self.candidates = judge.scenario, candidates
        self.settings, self.work = settings, work
        self.plain_lots = _PlainLots(judge, blocks)
        self.everything = frozenset(range(len(blocks)))
        self.pool = [c for c in range(len(candidates)) if self.worth(c) > judge.scenario.lot_cost]
        self.held = {c: frozenset(candidates[c].holders) for c in self.pool}

    def worth(self, c: int) -> float:
        """What candidate c adds on its own, before its lot cost: its reach and open value."""
        candidate, scenario = self.candidates[c], self.scenario
        return scenario.reach_value * len(candidate.holders) + scenario.open_rate * candidate.value

    def value(self, chosen: list[int], plain: list[list[int]]) -> float:
        """Objective of the chosen candidates plus plain lots (these counted as holding no one)."""
        holders = {t for c in chosen for t in self.held[c]}
        open_value = sum(self.candidates[c].value for c in chosen)
        return objective(self.scenario, len(holders), open_value, len(chosen) + len(plain))

    def without(self, state: _State, c: int) -> _State | None:
        """The division with chosen candidate c handed back to plain lots, if they can hold it
        (the number of lots is not checked)."""
        chosen = [k for k in state.chosen if k != c]
        rest = state.rest | set(self.candidates[c].blocks)
        plain = self.plain_lots(rest)
        if plain is None:
            return None
        return _State(chosen, rest, plain, self.value(chosen, plain))

    def polish(self, state: _State, until: int) -> _State:
        """Take each chosen lot out in turn and grow again, keeping the first improvement, until
        none improves or ``until`` candidate lots have been judged in all."""
        best, improved = state, True
        while improved and not self.work.spent() and self.work.trials < until:
            improved = False
            for c in list(best.chosen):
                if self.work.spent() or self.work.trials >= until:
                    break
                trial = self.without(best, c)
                if trial is None or trial.lots > self.scenario.max_lots:
                    continue
                trial = self.grow(trial)
                if trial.value > best.value + 1e-9:
                    best, improved = trial, True
                    break
        return best

    def exchange(self, state: _State, until: int) -> _State:
        """Exchange moves over the whole pool: add a candidate, or put one in place of the one or
        two chosen lots it overlaps, most promising first, keeping the first that improves the
        objective; again from there, until none of the moves does or ``until`` candidate lots
        have been judged in all.

        Growing ranks candidates by what they add on their own and judges only the best few
        per step, so a candidate further down that ranking may still fit and pay (at 600 units
        one such addition gains 1.3 %). A move's promise is the reach and open value it gains
        less the lot costs it adds, plus one lot cost (the plain lots left may be fewer); only
        moves that promise a gain are judged, and a move whose rest has too many connected
        pieces to pay is refused before its plain lots are cut.
        """
        scenario, candidates = self.scenario, self.candidates
        best = state
        while not self.work.spent() and self.work.trials < until:
            owner = {b: c for c in best.chosen for b in candidates[c].blocks}
            count: dict[str, int] = {}
            for c in best.chosen:
                for t in self.held[c]:
                    count[t] = count.get(t, 0) + 1
            inside = set(best.chosen)
            moves: list[tuple[float, tuple[int, ...], int]] = []
            for c in self.pool:
                if c in inside:
                    continue
                outs = tuple(sorted({owner[b] for b in candidates[c].blocks if b in owner}))
                if len(outs) > 2:
                    continue
                gone: dict[str, int] = {}
                for o in outs:
                    for t in self.held[o]:
                        gone[t] = gone.get(t, 0) + 1
                gained = sum(1 for t in self.held[c] if t not in count)
                lost = sum(1 for t, n in gone.items() if count[t] == n and t not in self.held[c])
                gain = (
                    scenario.reach_value * (gained - lost)
                    + scenario.open_rate
                    * (candidates[c].value - sum(candidates[o].value for o in outs))
                    - scenario.lot_cost * (1 - len(outs))
                )
                if gain + scenario.lot_cost > 1e-9:
                    moves.append((-gain, outs, c))
            moves.sort()
            found = None
            for _, outs, c in moves:
                if self.work.spent() or self.work.trials >= until:
                    break
                self.work.trials += 1
                chosen = [k for k in best.chosen if k not in outs] + [c]
                rest = self.everything.difference(*(candidates[k].blocks for k in chosen))
                fewest = self.plain_lots.fewest(rest)
                if len(chosen) + fewest > scenario.max_lots:
                    continue
                if self.value(chosen, [[]] * fewest) <= best.value + 1e-9:
                    continue  # even one plain lot per piece does not pay
                plain = self.plain_lots(rest)
                if plain is None or len(chosen) + len(plain) > scenario.max_lots:
                    continue
                value = self.value(chosen, plain)
                if value > best.value + 1e-9:
                    found = _State(chosen, rest, plain, value)
                    break
            if found is None:
                break
            best = found
        return best

    def pack(self, state: _State, solver: str) -> _State | None:
        """A better choice of candidates, if the packing MIP of :func:`_packing` finds one.

        The MIP keeps the plain lots' number and chooses among the candidates that its linear
        relaxation uses or nearly uses (smallest reduced costs), plus those chosen now; chosen
        lots go back to plain lots while the division has too many lots. The MIP stops after
        ``settings.packing_nodes`` nodes.
        """
        settings, work = self.settings, self.work
        if work.spent():
            return None
        most = self.scenario.max_lots - len(state.plain)
        pool = heapq.nlargest(settings.packing_pool, self.pool, key=self.worth)  # largest first
        relaxed, z = _packing(self.scenario, self.candidates, sorted(pool), most, integer=False)
        lp = run(relaxed, solver, work.seconds_left(), stop=work.stop, every_rule=True)
        if lp.status != "optimal" or lp.values is None:
            return None
        level, reduced = lp.values, lp.reduced or [0.0] * relaxed.count
        near = sorted(z, key=lambda c: (-level[z[c]], abs(reduced[z[c]]), c))
        keep = sorted({*state.chosen, *near[: settings.packing_columns]})
        problem, z = _packing(self.scenario, self.candidates, keep, most)
        start = {var: float(c in state.chosen) for c, var in z.items()}
        nodes = settings.packing_nodes
        found = run(
            problem,
            solver,
            work.seconds_left(),
            start,
            node_limit=nodes,
            stop=work.stop,
            every_rule=True,
        )
        if found.status not in ("optimal", "feasible") or found.values is None:
            return None
        values = found.values
        chosen = [c for c, var in z.items() if values[var] > 0.5]
        rest = self.everything.difference(*(self.candidates[c].blocks for c in chosen))
        plain = self.plain_lots(rest)
        if plain is None:
            return None
        packed: _State | None = _State(chosen, rest, plain, self.value(chosen, plain))
        while packed is not None and packed.lots > self.scenario.max_lots:
            trials = [self.without(packed, c) for c in packed.chosen]
            packed = max((t for t in trials if t is not None), key=lambda t: t.value, default=None)
        return packed

    def dive(self, state: _State, weights: Sequence[float]) -> _State:
        """Add the candidates the LP uses, largest share first (ties by number), each kept when
        it fits what is left and the objective improves."""
        used = sorted((c for c in self.held if weights[c] > 1e-6), key=lambda c: (-weights[c], c))
        for c in used:
            if self.work.spent():
                break
            lot = self.candidates[c].blocks
            if not state.rest.issuperset(lot):
                continue
            self.work.trials += 1
            rest = state.rest - set(lot)
            plain = self.plain_lots(rest)
            if plain is None or len(state.chosen) + 1 + len(plain) > self.scenario.max_lots:
                continue
            value = self.value([*state.chosen, c], plain)
            if value > state.value + 1e-9:
                state = _State([*state.chosen, c], rest, plain, value)
        return state

    def grow(self, state: _State) -> _State:
        """Add the best of the top-ranked candidates while the objective improves (and the work
        budget lasts)."""
        scenario, candidates = self.scenario, self.candidates
        chosen, rest, plain, best = list(state.chosen), state.rest, state.plain, state.value
        holders = {t for c in chosen for t in self.held[c]}
        open_value = sum(candidates[c].value for c in chosen)
        pool = [c for c in self.pool if rest.issuperset(candidates[c].blocks)]
        while pool and not self.work.spent():
            ranked = heapq.nsmallest(
                self.settings.batch,
                (
                    (
                        -scenario.reach_value * len(self.held[c] - holders)
                        - scenario.open_rate * candidates[c].value,
                        c,
                    )
                    for c in pool
                ),
            )
            step = None
            self.work.trials += len(ranked)
            for _, c in ranked:
                left = rest - set(candidates[c].blocks)
                pieces = self.plain_lots(left)
                if pieces is None or len(chosen) + 1 + len(pieces) > scenario.max_lots:
                    continue
                reach = len(holders | self.held[c])
                value = objective(
                    scenario, reach, open_value + candidates[c].value, len(chosen) + 1 + len(pieces)
                )
                if value > best:
                    best, step = value, (c, left, pieces)
            if step is None:
                break
            c, rest, plain = step
            chosen.append(c)
            holders |= self.held[c]
            open_value += candidates[c].value
            pool = [k for k in pool if rest.issuperset(candidates[k].blocks)]
        return _State(chosen, rest, plain, best)


def _packing(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    pool: Sequence[int],
    most: int,
    integer: bool = True,
) -> tuple[ModelBuilder, dict[int, Var]]:
    """Disjoint candidate lots, at most ``most`` of them, with the largest reach and open value
    less lot costs: the division's objective when the rest needs as many plain lots as now. A
    set-packing MIP far smaller than the whole model (not ``integer``: its relaxation)."""
    m = ModelBuilder("packing")
    z = {c: m.var("z", integer) for c in pool}
    holding: dict[int, list[tuple[Var, float]]] = {}
    reaching: dict[str, list[tuple[Var, float]]] = {}
    for c in pool:
        for b in candidates[c].blocks:
            holding.setdefault(b, []).append((z[c], 1.0))
        for t in candidates[c].holders:
            reaching.setdefault(t, []).append((z[c], 1.0))
    gains = [(z[c], scenario.open_rate * candidates[c].value - scenario.lot_cost) for c in pool]
    for t in sorted(reaching):
        r = m.var("r", integer=False)
        gains.append((r, scenario.reach_value))
        m.row([(r, 1.0), *((var, -coef) for var, coef in reaching[t])], LE, 0)
    m.objective(gains)
    for b in sorted(holding):
        m.row(holding[b], LE, 1)
    m.row([(var, 1.0) for var in z.values()], LE, most)
    return m, z


class _PlainLots:
    """The remaining blocks as feasible lots: one per connected piece of areas, or, where a
    piece breaks a rule (too big for enough bidders), the piece cut into feasible chunks.
    Pieces recur from step to step, so each is judged once."""

    def __init__(self, judge: LotJudge, blocks: Sequence[Block]) -> None:
        self.judge, self.blocks = judge, blocks
        self.table = _Options(judge, blocks)
        self.known: dict[frozenset[int], list[list[int]] | None] = {}
        #: Chunks judged so far (as walked): pieces that differ by a few blocks walk the same
        #: first chunks, so each is judged once (many per step when pieces must be cut, e.g.
        #: under --robust).
        self.judged: dict[tuple[int, ...], bool] = {}
        #: Cut pieces with their chunks joined (:func:`_joined`), for divisions that would
        #: otherwise have more than max_lots lots (the walk's chunks at 1,140 units: 127).
        self.joined: dict[frozenset[int], list[list[int]]] = {}
        #: Set when the whole contract's cut alone has more than max_lots lots: only then are
        #: chunks joined (elsewhere the walk's cut is kept: joining changes the greedy's path,
        #: and at 600 units made its start worse and three times slower).
        self.join = False

    def fewest(self, rest: frozenset[int]) -> int:
        """The fewest plain lots the rest can need: one per connected piece."""
        return len(_pieces(self.judge, self.blocks, set(rest)))

    def __call__(self, rest: frozenset[int]) -> list[list[int]] | None:
        lots = []
        for piece in _pieces(self.judge, self.blocks, set(rest)):
            key = frozenset(piece)
            if key not in self.known:
                self.known[key] = (
                    [piece]
                    if _feasible(self.judge, self.blocks, piece)
                    else _chunks(self.judge, self.blocks, piece, self.judged, table=self.table)
                )
            found = self.known[key]
            if found is None:
                return None
            lots += found
        if self.join and len(lots) > self.judge.scenario.max_lots:  # join the cut pieces' chunks
            lots = []
            for piece in _pieces(self.judge, self.blocks, set(rest)):
                key = frozenset(piece)
                if key not in self.joined:
                    found = self.known[key] or []
                    self.joined[key] = (
                        _joined(self.judge, self.blocks, found, self.table)
                        if len(found) > 1
                        else found
                    )
                lots += self.joined[key]
        return sorted(lots, key=min)


def _joined(
    judge: LotJudge,
    blocks: Sequence[Block],
    chunks: list[list[int]],
    table: _Options | None = None,
) -> list[list[int]]:
    """Chunks of one piece with neighbours joined while the joined lot keeps every rule: each
    join saves a lot's cost, and a walk's chunk often closes only because the next block in its
    order does not touch it. Smallest chunks first, each into its smallest neighbour that takes
    it, until no join is left; a fixed order, so the same cut on any machine.

    Without ``--robust`` and with the contract's :class:`_Options` (``table``), each join is
    judged from the two chunks' running figures (:meth:`_Chunk.joined`: two touching connected
    lots make a connected one) and only the joined lots are judged exactly, at the end; should
    one fail (rounding), every join is judged exactly instead.
    """
    if table is not None and not judge.scenario.robust:
        quick = _join(judge, blocks, chunks, table)
        if all(_feasible(judge, blocks, lot, among) for lot, among in quick):
            return sorted((lot for lot, _ in quick), key=min)
    return sorted((lot for lot, _ in _join(judge, blocks, chunks)), key=min)


def _join(
    judge: LotJudge,
    blocks: Sequence[Block],
    chunks: list[list[int]],
    table: _Options | None = None,
) -> list[tuple[list[int], list[Option] | None]]:
    """The joins of :func:`_joined`, each judged exactly or (with ``table``) from the running
    figures alone; the lots with their covering options (None when judged exactly)."""
    lots = {i: list(chunk) for i, chunk in enumerate(chunks)}
    value = {i: sum(blocks[b].value for b in lot) for i, lot in lots.items()}
    first = {i: min(lot) for i, lot in lots.items()}
    touch = _touching(judge, blocks, lots)
    grown = (
        None
        if table is None
        else {i: _Chunk.of(judge, blocks, table, lot) for i, lot in lots.items()}
    )
    tried: set[tuple[int, ...]] = set()

    def size(i: int) -> tuple[float, int]:
        return value[i], first[i]

    joined = True
    while joined and len(lots) > 1:
        joined = False
        for i in sorted(lots, key=size):
            for j in sorted(touch[i], key=size):
                union = tuple(sorted(lots[i] + lots[j]))
                if union in tried:
                    continue
                tried.add(union)
                figures = None
                if grown is not None:
                    figures = grown[i].joined(grown[j])
                    if figures is None:
                        continue
                elif not _feasible(judge, blocks, union):
                    continue
                keep, drop = min(i, j), max(i, j)
                if grown is not None and figures is not None:
                    grown[keep] = grown[i]
                    grown[keep].take(figures)
                    grown[keep].members = list(union)
                    del grown[drop]
                lots[keep], value[keep] = list(union), value[i] + value[j]
                first[keep] = min(first[i], first[j])
                touch[keep] = (touch[i] | touch[j]) - {i, j}
                for k in touch[drop]:
                    touch[k].discard(drop)
                    if k != keep:
                        touch[k].add(keep)
                del lots[drop], value[drop], first[drop], touch[drop]
                joined = True
                break
            if joined:
                break
    if grown is None:
        return [(lot, None) for lot in lots.values()]
    return [(lot, [judge.options[o] for o in grown[i].among]) for i, lot in lots.items()]


def _touching(
    judge: LotJudge, blocks: Sequence[Block], lots: dict[int, list[int]]
) -> dict[int, set[int]]:
    """For each lot, the other lots that share or border one of its areas (all of them without
    an adjacency graph)."""
    near = judge.neighbours
    if near is None:
        return {i: set(lots) - {i} for i in lots}
    holding: dict[str, set[int]] = {}
    areas = {i: {a for b in lot for a in blocks[b].areas} for i, lot in lots.items()}
    for i, held in areas.items():
        for a in held:
            holding.setdefault(a, set()).add(i)
    touch: dict[int, set[int]] = {}
    for i, held in areas.items():
        found: set[int] = set()
        for a in held:
            found |= holding[a]
            for n in near[a]:
                found |= holding.get(n, set())
        touch[i] = found - {i}
    return touch


def _feasible(
    judge: LotJudge,
    blocks: Sequence[Block],
    group: Sequence[int],
    among: Sequence[Option] | None = None,
) -> bool:
    """Does a lot of these blocks keep every rule? ``among``: the options covering it, if known."""
    return not judge.judge([u for b in group for u in blocks[b].units], among).breaches


def _chunks(
    judge: LotJudge,
    blocks: Sequence[Block],
    piece: list[int],
    judged: dict[tuple[int, ...], bool] | None = None,
    quick: bool | None = None,
    table: _Options | None = None,
) -> list[list[int]] | None:
    """Cut a piece into feasible lots by walking its areas breadth first and closing a lot just
    before the block that would break a rule; None if some chunk still breaks one.

    ``quick`` (by default: without ``--robust``) judges each step incrementally
    (:class:`_Chunk`: running value, own values and areas of the options still covering it, the
    same rules as :meth:`LotJudge.judge`) and the finished chunks exactly once; should the two
    ever disagree (rounding), or with ``quick=False``, every step is judged exactly, only
    against the options covering the chunk so far (coverage only shrinks as a chunk grows).
    ``judged`` remembers each exact verdict (by the chunk's blocks as walked) across calls;
    ``table`` is the contract's :class:`_Options`, when built already.
    """
    if quick is None:
        quick = not judge.scenario.robust
    judged = {} if judged is None else judged

    def feasible(chunk: tuple[int, ...], among: Sequence[Option] | None = None) -> bool:
        if chunk not in judged:
            judged[chunk] = _feasible(judge, blocks, chunk, among)
        return judged[chunk]

    if quick:
        cut = _quick_chunks(judge, blocks, piece, table)
        if cut is not None and all(feasible(tuple(chunk)) for chunk in cut):
            return cut

    chunks: list[list[int]] = []
    current: list[int] = []
    among: list[Option] = []
    for b in _walk(judge, blocks, piece):
        units = blocks[b].units
        if current:
            narrower = [o for o in among if o.covers.issuperset(units)]
            if feasible((*current, b), narrower):
                current.append(b)
                among = narrower
                continue
            chunks.append(current)
        current = [b]
        among = [o for o in judge.options if o.covers.issuperset(units)]
    chunks.append(current)
    if not all(feasible(tuple(chunk)) for chunk in chunks):
        return None
    return chunks


class _Options:
    """What a growing lot needs of the options, block by block, computed once per contract: the
    options covering each block (by number, largest value limit first, so that a lot's
    eligible bidders are found soonest), each one's value delivered by its lead, and their
    capacity rules (:meth:`lotting.rules.options.Option.is_eligible`)."""

    def __init__(self, judge: LotJudge, blocks: Sequence[Block]) -> None:
        options = judge.options
        self.capacity = [o.capacity for o in options]
        self.own_capacity = [o.own_capacity for o in options]
        self.own_share = [o.own_share for o in options]
        self.covering: list[tuple[int, ...]] = []
        self.covering_set: list[frozenset[int]] = []
        self.own: list[dict[int, float]] = []
        for block in blocks:
            units = block.units
            covering = tuple(
                sorted(
                    (i for i, o in enumerate(options) if o.covers.issuperset(units)),
                    key=lambda i: (-options[i].value_limit, i),
                )
            )
            self.covering.append(covering)
            self.covering_set.append(frozenset(covering))
            self.own.append(
                {
                    i: sum(
                        v
                        for u, v in zip(units, block.unit_values, strict=True)
                        if u in options[i].own
                    )
                    for i in covering
                    if options[i].own_share > 0
                }
            )


class _Chunk:
    """A lot growing block by block, judged as it grows: its value, areas, the options still
    covering it and, for those with an own-delivery share, the value their lead delivers itself
    (the rules of :meth:`lotting.rules.options.Option.is_eligible` and ``LotJudge._breaches``
    without robustness)."""

    def __init__(self, judge: LotJudge, blocks: Sequence[Block], table: _Options, b: int) -> None:
        self.judge, self.blocks, self.table = judge, blocks, table
        self.members = [b]
        self.value = blocks[b].value
        self.among = table.covering[b]
        self.own = dict(table.own[b])
        self.areas = set(blocks[b].areas)

    @classmethod
    def of(
        cls, judge: LotJudge, blocks: Sequence[Block], table: _Options, members: Sequence[int]
    ) -> _Chunk:
        """The running figures of a lot of these blocks (taken as they are, not judged)."""
        chunk = cls(judge, blocks, table, members[0])
        for b in members[1:]:
            chunk.take(chunk.grown(b))
            chunk.members.append(b)
        return chunk

    def grown(self, b: int) -> _Figures:
        """The figures of this lot with block b added."""
        block, table = self.blocks[b], self.table
        covering = table.covering_set[b]
        among = tuple(i for i in self.among if i in covering)
        extra = table.own[b]
        own = {i: self.own[i] + extra[i] for i in among if i in extra}
        return among, self.value + block.value, own, self.areas | block.areas

    def take(self, figures: _Figures) -> None:
        """Make these the lot's figures (its members are the caller's to extend)."""
        self.among, self.value, self.own, self.areas = figures

    def fits(self, figures: _Figures) -> bool:
        """Would a lot of these figures have enough eligible bidders and a value within bounds?
        (Connectivity apart.)"""
        among, value, own, _ = figures
        scenario, table = self.judge.scenario, self.table
        eligible = 0
        for i in among:
            if not fits(value, table.capacity[i]):
                continue
            share = table.own_share[i]
            if share > 0 and (
                not fits(share * value, table.own_capacity[i]) or not fits(share * value, own[i])
            ):
                continue
            eligible += 1
            if eligible >= scenario.min_bidders:
                break
        if eligible < scenario.min_bidders:
            return False
        if scenario.min_lot_value is not None and below(value, scenario.min_lot_value):
            return False
        return scenario.max_lot_value is None or not above(value, scenario.max_lot_value)

    def _connected(self, areas: set[str]) -> bool:
        """Are the grown lot's areas connected? (The lot so far is: a single new area only needs
        to touch it.)"""
        near = self.judge.neighbours
        if near is None:
            return True
        fresh = areas - self.areas
        if not fresh:
            return True
        if len(fresh) == 1:
            (area,) = fresh
            return not near[area].isdisjoint(self.areas)
        return count_pieces(areas, near) == 1

    def extend(self, b: int) -> bool:
        """Add block b if the larger lot keeps the rules; say whether it did."""
        figures = self.grown(b)
        if not self.fits(figures) or not self._connected(figures[3]):
            return False
        self.members.append(b)
        self.take(figures)
        return True

    def joined(self, other: _Chunk) -> _Figures | None:
        """The figures of this lot joined with another it touches, if the joined lot would keep
        the rules (two touching connected lots make a connected one)."""
        covering = set(other.among)
        among = tuple(i for i in self.among if i in covering)
        own = {i: self.own[i] + other.own[i] for i in among if i in self.own}
        figures = among, self.value + other.value, own, self.areas | other.areas
        return figures if self.fits(figures) else None


#: A growing lot's figures: covering options, value, own values, areas.
_Figures = tuple[tuple[int, ...], float, dict[int, float], set[str]]


def _quick_chunks(
    judge: LotJudge, blocks: Sequence[Block], piece: list[int], table: _Options | None = None
) -> list[list[int]] | None:
    """The cut of :func:`_chunks` with ``quick=False``, each step judged incrementally by
    :class:`_Chunk` (``table``: the contract's :class:`_Options`, if built already)."""
    table = _Options(judge, blocks) if table is None else table
    chunks: list[list[int]] = []
    current: _Chunk | None = None
    for b in _walk(judge, blocks, piece):
        if current is not None and current.extend(b):
            continue
        if current is not None:
            chunks.append(current.members)
        current = _Chunk(judge, blocks, table, b)
    if current is not None:
        chunks.append(current.members)
    return chunks


def _walk(judge: LotJudge, blocks: Sequence[Block], piece: list[int]) -> list[int]:
    """The piece's blocks in breadth-first order of their areas (contract order without a graph)."""
    graph = judge.case.adjacency
    if graph is None:
        return sorted(piece)
    by_area: dict[str, list[int]] = {}
    for b in sorted(piece):
        by_area.setdefault(min(blocks[b].areas), []).append(b)
    first = min(by_area)
    areas, seen, adjacent = [first], {first}, graph.adj
    for area in areas:  # breadth first, neighbours in the graph's order (as networkx's bfs_edges)
        for near in adjacent[area]:
            if near in by_area and near not in seen:
                seen.add(near)
                areas.append(near)
    return [b for a in areas for b in by_area[a]]


def _pieces(judge: LotJudge, blocks: Sequence[Block], rest: set[int]) -> list[list[int]]:
    """Group blocks whose areas are joined through the adjacency graph (all one group without)."""
    graph = judge.case.adjacency
    if graph is None:
        return [sorted(rest)]
    areas = {a for b in rest for a in blocks[b].areas}
    neighbours = judge.neighbours or {}
    piece_of: dict[str, int] = {}
    for number, first in enumerate(a for a in sorted(areas) if a not in piece_of):
        if first in piece_of:
            continue
        piece_of[first], stack = number, [first]
        while stack:  # the connected component of ``first`` among ``areas``
            for a in neighbours.get(stack.pop(), set()) & areas:
                if a not in piece_of:
                    piece_of[a] = number
                    stack.append(a)
    groups: dict[int, list[int]] = {}
    for b in sorted(rest):
        groups.setdefault(piece_of[next(iter(blocks[b].areas))], []).append(b)
    return sorted(groups.values(), key=min)
