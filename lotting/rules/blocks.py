"""Blocks: the units that must travel together (a bundle, or a unit on its own)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lotting.inputs.case import Case


@dataclass(frozen=True)
class Block:
    """Units (positions in contract order) that share a lot, with their value, areas, services."""

    units: tuple[int, ...]
    unit_values: tuple[float, ...]
    value: float
    areas: frozenset[str]
    services: frozenset[str]
    bundle: str


def make_blocks(case: Case) -> list[Block]:
    """Group units by non-empty bundle; blocks are ordered by their first unit."""
    contract = case.contract
    groups: dict[str, list[int]] = {}
    order: list[str] = []
    for position, bundle in enumerate(contract["bundle"]):
        key = f"bundle:{bundle}" if bundle else f"unit:{position}"
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(position)
    values = contract["value"].tolist()
    areas, services = contract["area"].tolist(), contract["service"].tolist()
    return [
        Block(
            units=tuple(groups[key]),
            unit_values=tuple(float(values[u]) for u in groups[key]),
            value=float(sum(values[u] for u in groups[key])),
            areas=frozenset(areas[u] for u in groups[key]),
            services=frozenset(services[u] for u in groups[key]),
            bundle=contract["bundle"].iloc[groups[key][0]],
        )
        for key in order
    ]


def units_of(blocks: Sequence[Block], lots: Iterable[Iterable[int]]) -> list[list[int]]:
    """Unit positions of each lot given as block positions.

    >>> units_of(make_blocks(case), [[0], [1, 2]])
    [[0], [1, 2]]
    """
    return [[u for b in lot for u in blocks[b].units] for lot in lots]


def own_value(block: Block, own: frozenset[int]) -> float:
    """Value of the block's units that lie in ``own`` (e.g. those a lead delivers itself)."""
    return float(sum(v for u, v in zip(block.units, block.unit_values, strict=True) if u in own))
