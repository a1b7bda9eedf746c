"""Large-neighbourhood search: better divisions near a known one, by sub-MIPs of the model.

Each neighbourhood frees the blocks of the areas within ``settings.search_radius`` steps of one
seed area (:func:`neighbourhood`), with every chosen listed lot that touches them whole; every
other block keeps its lot (:func:`fixed_bounds`): listed lots not inside the freed blocks stay
chosen or not as they are, and each compact lot keeps its blocks outside them. HiGHS solves the
model with those columns fixed and taken out (:func:`restricted`), from the incumbent, within
``settings.search_nodes`` nodes. A better solution becomes the incumbent. Seeds go through the
areas in name order, passing over those freed since the last improvement; the search ends when
every area has been freed since then, or after ``settings.search_tries`` sub-MIPs.

The sub-MIPs are the model with some columns fixed, so every solution found is a feasible
division, worth at least what the model values it at: the optimum and every bound are
unchanged. At 150 units the greedy start is a local optimum of every one-block move, merge,
split and exchange, yet an area re-divided with its neighbours often pays.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt

from lotting.mip.model import LotModel, ModelBuilder, Var
from lotting.mip.solver import run
from lotting.rules.blocks import Block
from lotting.settings import Settings
from lotting.stop import Stop

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Searched:
    """What the search found: ``start`` (x, y and z of the best division, for the solver to
    begin with), its ``objective`` (the model's value of it, never above the exact one; None
    when the search did not start), the sub-MIPs ``tried`` and how many ``improved`` it."""

    start: dict[Var, float]
    objective: float | None
    tried: int
    improved: int


def neighbourhood(
    blocks: Sequence[Block],
    listed: Collection[frozenset[int]],
    seed: str,
    adjacency: nx.Graph | None,
    radius: int = 1,
) -> frozenset[int]:
    """The blocks freed around area ``seed``: every block with an area within ``radius`` steps
    of it in the adjacency graph (without one: the seed and the next ``2 × radius`` areas in
    name order), and then the whole of every listed lot of the division (``listed``, block
    sets) that holds one of those blocks (a listed lot is kept or dropped whole).

    >>> from lotting.rules.blocks import Block
    >>> blocks = [Block((i,), (1.0,), 1.0, frozenset(a), frozenset("s"), "") for i, a in
    ...           enumerate("abcde")]
    >>> sorted(neighbourhood(blocks, [], "a", nx.path_graph("abcde")))
    [0, 1]
    >>> sorted(neighbourhood(blocks, [frozenset({1, 2})], "a", nx.path_graph("abcde")))
    [0, 1, 2]
    >>> sorted(neighbourhood(blocks, [], "c", None))
    [2, 3, 4]
    """
    if adjacency is None:
        names = sorted({a for block in blocks for a in block.areas})
        at = names.index(seed)
        areas = set(names[at : at + 2 * radius + 1])
    else:
        areas = set(nx.single_source_shortest_path_length(adjacency, seed, cutoff=radius))
    freed = {b for b, block in enumerate(blocks) if not areas.isdisjoint(block.areas)}
    whole = [lot for lot in listed if not freed.isdisjoint(lot)]
    return frozenset(freed.union(*whole))


def fixed_bounds(
    model: LotModel, known: Mapping[Var, float], freed: frozenset[int]
) -> tuple[Floats, Floats]:
    """Column bounds that keep the division ``known`` (x, y and z values) outside the blocks
    ``freed``: a listed lot not inside them is fixed as it is, a compact lot's block outside
    them stays in or out of that lot (and a lot holding one stays open); the rest keep the
    model's own bounds."""
    lower = np.frombuffer(model.mip.col_lower, dtype=np.float64).copy()
    upper = np.frombuffer(model.mip.col_upper, dtype=np.float64).copy()

    def fix(var: Var, value: float) -> None:  # within the model's own bounds (a closed column)
        lower[var] = upper[var] = min(max(float(round(value)), lower[var]), upper[var])

    for c, var in model.z.items():
        if not freed.issuperset(model.candidates[c].blocks):
            fix(var, known.get(var, 0.0))
    for family in model.families:
        for (i, lot), var in family.x.items():
            if family.members[i] not in freed:
                fix(var, known.get(var, 0.0))
                if lower[var] > 0.5:
                    fix(family.y[lot], 1.0)
    return lower, upper


def improve(
    model: LotModel,
    start: Mapping[Var, float],
    adjacency: nx.Graph | None,
    settings: Settings | None = None,
    stop: Stop | None = None,
    seconds: float | None = None,
) -> Searched:
    """Search the neighbourhoods of the division ``start`` (x, y and z values) for better ones:
    a division is kept when the model values it above the best so far, the start first (its
    value found by one sub-MIP with nothing freed; no search when the start is no solution of
    the model). The model values a compact lot as holding no one, so a division is worth at
    least that.

    Each sub-MIP is the model without its fixed columns (:func:`restricted`: at 150 units a
    third of the columns or less, most of them the compact lots' flows). The work is counted in
    sub-MIPs (``settings.search_tries``) and their nodes (``settings.search_nodes``), so the
    search is the same on any machine; neighbourhoods of more than ``settings.search_blocks``
    blocks are passed over. ``seconds`` and ``stop`` only cap it from outside.
    """
    settings = settings or Settings()
    deadline = None if seconds is None else time.perf_counter() + seconds
    known = dict(start)

    def solved(freed: frozenset[int]) -> tuple[bool, tuple[float, list[float]] | None]:
        """Whether a sub-MIP ran for these freed blocks, and its value and solution if any."""
        part = restricted(model.mip, *fixed_bounds(model, known, freed))
        if part is None:
            return False, None
        left = None if deadline is None else max(0.1, deadline - time.perf_counter())
        start = _start_of(part, known)
        found = run(part.mip, "highs", left, start, node_limit=settings.search_nodes, stop=stop)
        if found.values is None:
            return True, None
        full = part.fixed.copy()
        full[part.free] = found.values
        return True, (part.offset + float(np.dot(part.cost, found.values)), list(full))

    def due() -> bool:
        late = deadline is not None and time.perf_counter() >= deadline
        return late or (stop is not None and stop.due())

    if due():
        return Searched(known, None, 0, 0)
    _, first = solved(frozenset())
    if first is None:
        return Searched(known, None, 0, 0)
    best = first[0]
    areas = sorted({a for block in model.blocks for a in block.areas})
    tried = improved = at = 0
    covered: set[str] = set()  # areas freed since the last improvement
    while tried < settings.search_tries and len(covered) < len(areas) and not due():
        seed = next(
            areas[(at + i) % len(areas)]
            for i in range(len(areas))
            if areas[(at + i) % len(areas)] not in covered
        )
        at = areas.index(seed) + 1
        freed = neighbourhood(
            model.blocks, model.listed_lots(known), seed, adjacency, settings.search_radius
        )
        if len(freed) > settings.search_blocks:
            covered.add(seed)
            continue
        covered |= {a for b in freed for a in model.blocks[b].areas}
        ran, found = solved(freed)
        tried += ran
        if found is not None and found[0] > best + 1e-7 * max(1.0, abs(best)):
            best, known, covered = found[0], model.known(found[1]), set()
            improved += 1
    return Searched(known, best, tried, improved)


def _start_of(part: Restricted, known: Mapping[Var, float]) -> dict[Var, float]:
    """The incumbent's known values, numbered as the restricted model's columns."""
    return {i: known[int(v)] for i, v in enumerate(part.free) if int(v) in known}


@dataclass(frozen=True)
class Restricted:
    """A model with its fixed columns taken out: the smaller ``mip`` over the ``free`` columns
    (their numbers in the full model), the objective's ``offset`` from the fixed ones, the free
    columns' ``cost``, and every column's ``fixed`` value (0 for the free ones)."""

    mip: ModelBuilder
    free: Ints
    offset: float
    cost: Floats
    fixed: Floats


def restricted(mip: ModelBuilder, lower: Floats, upper: Floats) -> Restricted | None:
    """The model with the columns whose bounds meet (``lower`` = ``upper``) fixed there and
    taken out: each row keeps its free columns, its bounds less the fixed columns' part; a row
    left with no free column is dropped once checked. None when such a row is broken.

    >>> from lotting.mip.model import LE
    >>> m = ModelBuilder()
    >>> a, b = m.var("x"), m.var("x")
    >>> m.row([(a, 1.0), (b, 1.0)], LE, 1)
    0
    >>> m.objective([(a, 2.0), (b, 3.0)])
    >>> part = restricted(m, np.array([1.0, 0.0]), np.array([1.0, 1.0]))
    >>> (part.free.tolist(), part.offset, list(part.mip.row_upper))
    ([1], 2.0, [0.0])
    """
    fixed = lower == upper
    starts = np.frombuffer(mip.starts, dtype=np.int64)
    index = np.frombuffer(mip.index, dtype=np.int32)
    value = np.frombuffer(mip.value, dtype=np.float64)
    row_of = np.repeat(np.arange(mip.rows), np.diff(starts))
    held = fixed[index]
    part = np.zeros(mip.rows)
    np.add.at(part, row_of[held], value[held] * lower[index[held]])
    row_lower = np.frombuffer(mip.row_lower, dtype=np.float64) - part
    row_upper = np.frombuffer(mip.row_upper, dtype=np.float64) - part
    loose = np.zeros(mip.rows, dtype=bool)
    loose[row_of[~held]] = True
    tolerance = 1e-6
    if np.any(row_lower[~loose] > tolerance) or np.any(row_upper[~loose] < -tolerance):
        return None
    free = np.flatnonzero(~fixed)
    number = np.full(mip.count, -1, dtype=np.int64)
    number[free] = np.arange(len(free))
    kept = ~held & loose[row_of]
    small = ModelBuilder(mip.name)
    cost = np.frombuffer(mip.cost, dtype=np.float64)
    small.kinds = [mip.kinds[c] for c in free]
    small.col_lower = array("d", lower[free].tobytes())
    small.col_upper = array("d", upper[free].tobytes())
    small.integer = array("b", np.frombuffer(mip.integer, dtype=np.int8)[free].tobytes())
    small.cost = array("d", cost[free].tobytes())
    counts = np.bincount(row_of[kept], minlength=mip.rows)[loose]
    small.starts = array("q", np.concatenate(([0], np.cumsum(counts))).astype(np.int64).tobytes())
    small.index = array("i", number[index[kept]].astype(np.int32).tobytes())
    small.value = array("d", value[kept].tobytes())
    small.row_lower = array("d", row_lower[loose].tobytes())
    small.row_upper = array("d", row_upper[loose].tobytes())
    offset = float(np.dot(cost[fixed], lower[fixed]))
    return Restricted(small, free, offset, cost[free], np.where(fixed, lower, 0.0))
