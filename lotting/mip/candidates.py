"""Candidate target lots: every lot that a target-held option could bid for, enumerated outright.

Only lots with an eligible target-held option add reach and open value; every other lot is worth
exactly ``-lot_cost``. Target-held options are usually small and local, so the lots they can hold
are few and can be listed in full; the model then picks among them exactly (set partitioning) and
covers the rest of the contract with as few plain lots as it can. An option whose lots are too many
to list is left to the compact part of the model instead.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lotting.inputs.case import Case
from lotting.rules.blocks import Block
from lotting.rules.lots import LotJudge
from lotting.rules.options import Option, holdable
from lotting.rules.values import above, fits
from lotting.scenario import Scenario
from lotting.settings import Settings
from lotting.stop import Stop


@dataclass(frozen=True)
class Candidate:
    """A feasible lot (a set of blocks) with an eligible target-held option, or (``reserved``)
    a feasible reserved lot; ``options`` are the indexes of its eligible options."""

    blocks: tuple[int, ...]
    value: float
    holders: tuple[str, ...]
    options: tuple[int, ...] = ()
    reserved: bool = False


def block_sets(
    blocks: Sequence[Block],
    allowed: Sequence[int],
    limit: float,
    cap: int,
    neighbours: Mapping[int, set[int]] | None = None,
) -> list[tuple[int, ...]] | None:
    """Every non-empty set of the allowed blocks worth at most ``limit``; None if more than cap.

    With ``neighbours`` (block adjacency), only sets connected through it: a lot whose blocks
    are not connected cannot have connected areas, so nothing feasible is lost.

    >>> from lotting.rules.blocks import Block
    >>> b = [Block((i,), (1.0,), 1.0, frozenset({str(i)}), frozenset({"s"}), "") for i in range(3)]
    >>> sorted(block_sets(b, [0, 1, 2], 2.0, 100))
    [(0,), (0, 1), (0, 2), (1,), (1, 2), (2,)]
    >>> sorted(block_sets(b, [0, 1, 2], 2.0, 100, {0: {1}, 1: {0, 2}, 2: {1}}))
    [(0,), (0, 1), (1,), (1, 2), (2,)]
    """
    if neighbours is not None:
        return _connected_sets(blocks, allowed, limit, cap, neighbours)
    allowed = sorted(allowed, key=lambda b: blocks[b].value)
    found: list[tuple[int, ...]] = []
    stack: list[tuple[int, tuple[int, ...], float]] = [(0, (), 0.0)]
    while stack:
        start, chosen, total = stack.pop()
        for i in range(start, len(allowed)):
            b = allowed[i]
            value = total + blocks[b].value
            if above(value, limit):
                break  # sorted by value: every later block is at least as heavy
            subset = (*chosen, b)
            found.append(tuple(sorted(subset)))
            if len(found) > cap:
                return None
            stack.append((i + 1, subset, value))
    return found


def _connected_sets(
    blocks: Sequence[Block],
    allowed: Sequence[int],
    limit: float,
    cap: int,
    neighbours: Mapping[int, set[int]],
) -> list[tuple[int, ...]] | None:
    """Connected sets of the allowed blocks worth at most ``limit``, each found once.

    Wernicke's ESU enumeration: each set is grown from its smallest block, only through blocks
    beyond it that are not next to a block already passed over.
    """
    inside = set(allowed)
    near = {b: neighbours.get(b, set()) & inside for b in inside}
    found: list[tuple[int, ...]] = []
    for root in sorted(inside):
        if above(blocks[root].value, limit):
            continue
        beyond = sorted(u for u in near[root] if u > root)
        stack: list[tuple[tuple[int, ...], set[int], list[int], float]] = [
            ((root,), {root} | near[root], beyond, blocks[root].value)
        ]
        found.append((root,))
        while stack:
            chosen, seen, extension, total = stack.pop()
            extension = list(extension)
            while extension:
                w = extension.pop()
                value = total + blocks[w].value
                if above(value, limit):
                    continue
                fresh = sorted(u for u in near[w] if u > root and u not in seen)
                subset = (*chosen, w)
                found.append(tuple(sorted(subset)))
                if len(found) > cap:
                    return None
                stack.append((subset, seen | set(fresh), extension + fresh, value))
    return found


def block_neighbours(blocks: Sequence[Block], areas: Mapping[str, set[str]]) -> dict[int, set[int]]:
    """Blocks that share an area or hold neighbouring areas."""
    holding: dict[str, set[int]] = {}
    for b, block in enumerate(blocks):
        for area in block.areas:
            holding.setdefault(area, set()).add(b)
    out: dict[int, set[int]] = {}
    for b, block in enumerate(blocks):
        near = {a for area in block.areas for a in (area, *areas.get(area, ()))}
        out[b] = {c for a in near for c in holding.get(a, ())} - {b}
    return out


def grown_sets(
    blocks: Sequence[Block],
    allowed: Sequence[int],
    limit: float,
    growths: int,
    seed: int,
    neighbours: Mapping[int, set[int]] | None = None,
) -> list[tuple[int, ...]]:
    """A sample of the largest sets :func:`block_sets` would list: each growth starts from an
    allowed block (in turn) and adds a random neighbour (any allowed block without
    ``neighbours``) that keeps the set worth at most ``limit``, until none fits, and keeps the
    set it ends with. The same seed gives the same sample. (Keeping every set along the way
    too was measured: five times the lots, and no better start.)

    >>> from lotting.rules.blocks import Block
    >>> b = [Block((i,), (1.0,), 1.0, frozenset({str(i)}), frozenset({"s"}), "") for i in range(3)]
    >>> sorted(grown_sets(b, [0, 1, 2], 2.0, 6, seed=0, neighbours={0: {1}, 1: {0, 2}, 2: {1}}))
    [(0, 1), (1, 2)]
    """
    inside = sorted(allowed)
    if not inside:
        return []
    within = set(inside)
    rng = random.Random(seed)
    found: set[tuple[int, ...]] = set()
    for k in range(growths):
        root = inside[k % len(inside)]
        if above(blocks[root].value, limit):
            continue
        chosen, total = {root}, blocks[root].value
        near = within if neighbours is None else within & neighbours.get(root, set())
        while room := sorted(u for u in near - chosen if fits(total + blocks[u].value, limit)):
            pick = rng.choice(room)
            chosen.add(pick)
            total += blocks[pick].value
            if neighbours is not None:
                near = near | (within & neighbours.get(pick, set()))
        found.add(tuple(sorted(chosen)))
    return sorted(found)


def enumerate_candidates(
    judge: LotJudge,
    blocks: Sequence[Block],
    coverable: Sequence[Sequence[int]],
    settings: Settings | None = None,
    stop: Stop | None = None,
) -> tuple[list[Candidate], list[int]]:
    """All feasible lots with an eligible target-held option, and the target-held options whose
    lots were too many to list (their indexes in ``judge.options``).

    For those options a sample of their lots (:func:`grown_sets`) is listed too: the model stays
    exact through their compact families, and the start and the solver get large, valuable lots
    of theirs ready made. ``coverable[o]`` lists the blocks option o could hold alone (coverage
    and capacity). ``settings`` give the most lots listed per option, the growths sampled and
    ``max_listed``, the most lots examined in all: once it is spent (or ``stop`` is due), the
    remaining options go to the compact model too, unsampled, so memory and time stay bounded and
    the model stays exact (a capped list never makes a claimed optimum false).

    With ``max_reserved`` > 0, every feasible reserved lot is listed too (a reserved lot has an
    eligible option of the reserve kinds, so it lies among that option's sets); a reserve-kind
    option with too many sets is sampled and returned among the second list.
    """
    settings = settings or Settings()
    budget = settings.max_listed
    able: list[set[int]] = [set() for _ in blocks]
    for o, held in enumerate(coverable):
        for b in held:
            able[b].add(o)
    near = None if judge.neighbours is None else block_neighbours(blocks, judge.neighbours)
    seen: set[tuple[tuple[int, ...], bool]] = set()
    candidates: list[Candidate] = []
    too_many: list[int] = []
    reserving = judge.scenario.max_reserved > 0
    for o, option in enumerate(judge.options):
        listed = option.has_target or (reserving and o in judge.reservable)
        if not listed or not coverable[o]:
            continue
        cap = min(settings.max_sets_per_option, budget)
        if cap <= 0 or (stop is not None and stop.due()):
            too_many.append(o)  # out of budget or time: the compact model keeps it exact
            continue
        sets = block_sets(blocks, coverable[o], option.value_limit, cap, near)
        if sets is None:
            too_many.append(o)
            growths = settings.growths_per_option
            sets = grown_sets(blocks, coverable[o], option.value_limit, growths, o, near)
        budget -= len(sets)
        variants = [False, True] if reserving and o in judge.reservable else [False]
        for k, subset in enumerate(sets):
            if k % 256 == 0 and stop is not None and stop.due():
                if o not in too_many:
                    too_many.append(o)  # its lots are only partly listed
                break
            for reserved in variants:
                if (subset, reserved) in seen:
                    continue
                seen.add((subset, reserved))
                units = [u for b in subset for u in blocks[b].units]
                among = sorted(set.intersection(*(able[b] for b in subset)))
                check = judge.judge(units, [judge.options[i] for i in among], reserved)
                if (check.holders or reserved) and not check.breaches:
                    eligible = tuple(judge.index[id(e)] for e in check.eligible)
                    candidates.append(
                        Candidate(subset, check.value, check.holders, eligible, reserved)
                    )
    candidates.sort(key=lambda c: (c.blocks, c.reserved))
    return candidates, too_many


def listed_candidates(
    case: Case,
    scenario: Scenario,
    options: Sequence[Option],
    blocks: Sequence[Block],
    settings: Settings | None = None,
    stop: Stop | None = None,
) -> tuple[list[Candidate], list[int]]:
    """The step ``solve`` takes before building the model: every candidate target lot of the
    case, and the target-held options left to the compact model (see
    :func:`enumerate_candidates`)."""
    judge = LotJudge(case, scenario, options)
    return enumerate_candidates(judge, blocks, holdable(options, blocks), settings, stop)
