"""Candidate lots: every set of blocks an option could hold, connected ones only with adjacency."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from lotting.mip.candidates import block_neighbours, block_sets, grown_sets
from lotting.rules.blocks import Block


def _blocks(values: list[float], areas: list[set[str]]) -> list[Block]:
    return [
        Block((i,), (v,), v, frozenset(a), frozenset({"s"}), "")
        for i, (v, a) in enumerate(zip(values, areas, strict=True))
    ]


def _all_sets(blocks, allowed, limit):
    """Brute force: every non-empty subset of ``allowed`` within the limit."""
    return {
        combo
        for k in range(1, len(allowed) + 1)
        for combo in itertools.combinations(sorted(allowed), k)
        if sum(blocks[b].value for b in combo) <= limit + 1e-9
    }


@pytest.mark.parametrize("seed", range(12))
def test_connected_sets_are_exactly_the_connected_subsets(seed):
    rng = random.Random(seed)
    n = rng.randint(3, 9)
    graph = nx.gnp_random_graph(n, 0.35, seed=seed)
    values = [float(rng.randint(1, 5)) for _ in range(n)]
    blocks = _blocks(values, [{str(i)} for i in range(n)])
    allowed = sorted(rng.sample(range(n), rng.randint(1, n)))
    limit = float(rng.randint(3, 15))
    near = {b: set(graph[b]) for b in graph}
    found = block_sets(blocks, allowed, limit, 10_000, near)
    assert len(found) == len(set(found)), "each set is found once"
    expected = {s for s in _all_sets(blocks, allowed, limit) if nx.is_connected(graph.subgraph(s))}
    assert set(found) == expected


@pytest.mark.parametrize("seed", range(6))
def test_plain_sets_are_every_subset_within_the_limit(seed):
    rng = random.Random(seed)
    blocks = _blocks([float(rng.randint(1, 6)) for _ in range(7)], [{"a"}] * 7)
    found = block_sets(blocks, range(7), 9.0, 10_000)
    assert len(found) == len(set(found))
    assert set(found) == _all_sets(blocks, range(7), 9.0)


def test_too_many_sets_gives_none():
    blocks = _blocks([1.0] * 6, [{"a"}] * 6)
    assert block_sets(blocks, range(6), 6.0, 10) is None
    assert block_sets(blocks, range(6), 6.0, 10, {b: set(range(6)) - {b} for b in range(6)}) is None


def test_blocks_are_neighbours_through_shared_or_adjacent_areas():
    blocks = _blocks([1.0] * 4, [{"A"}, {"A"}, {"B"}, {"C"}])
    near = block_neighbours(blocks, {"A": {"B"}, "B": {"A"}, "C": set()})
    assert near == {0: {1, 2}, 1: {0, 2}, 2: {0, 1}, 3: set()}


@pytest.mark.parametrize("seed", range(8))
def test_grown_sets_are_a_seeded_sample_of_the_listed_sets(seed):
    rng = random.Random(seed)
    n = rng.randint(4, 9)
    graph = nx.gnp_random_graph(n, 0.4, seed=seed)
    blocks = _blocks([float(rng.randint(1, 5)) for _ in range(n)], [{str(i)} for i in range(n)])
    allowed = sorted(rng.sample(range(n), rng.randint(2, n)))
    limit = float(rng.randint(4, 12))
    near = {b: set(graph[b]) for b in graph}
    for neighbours in (near, None):
        grown = grown_sets(blocks, allowed, limit, 20, seed, neighbours)
        assert grown == grown_sets(blocks, allowed, limit, 20, seed, neighbours)
        assert set(grown) <= set(block_sets(blocks, allowed, limit, 10_000, neighbours))
        for grown_set in grown:
            room = limit - sum(blocks[b].value for b in grown_set)
            reach = set(allowed) if neighbours is None else {u for b in grown_set for u in near[b]}
            fits = [u for u in reach & set(allowed) - set(grown_set) if blocks[u].value <= room]
            assert not fits, "every grown set is as large as it can grow"
