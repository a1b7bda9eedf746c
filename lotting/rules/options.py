"""Bid options: each supplier leading (with its supply chain), and each consortium clique."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from lotting.inputs.case import Case
from lotting.rules.blocks import Block
from lotting.rules.market import capacities, coverage, targets
from lotting.rules.values import above, below, fits
from lotting.scenario import Scenario


@dataclass(frozen=True)
class Option:
    """One way of bidding for a lot.

    ``covers`` are the positions (in contract order) of the units the option can deliver, ``own``
    those its lead delivers itself (all of ``covers`` for a consortium); ``chain_targets`` pairs
    each target supplier of the supply chain with the positions it covers. A lot is eligible when it
    lies inside ``covers``, its value is at most ``capacity`` and ``own_capacity`` / ``own_share``
    hold (see :meth:`is_eligible`).
    """

    id: str
    type: str  # "lead" or "consortium"
    holders: tuple[str, ...]
    chain: tuple[str, ...]
    covers: frozenset[int]
    own: frozenset[int]
    capacity: float
    own_capacity: float
    own_share: float
    targets: tuple[str, ...]
    chain_targets: tuple[tuple[str, frozenset[int]], ...] = ()

    @property
    def has_target(self) -> bool:
        """True when a target supplier holds this option."""
        return bool(self.targets)

    @property
    def value_limit(self) -> float:
        """Largest lot value the option's capacity rules allow."""
        if self.own_share <= 0:
            return self.capacity
        return min(self.capacity, self.own_capacity / self.own_share)

    def is_eligible(
        self, units: Collection[int], values: Sequence[float], total: float | None = None
    ) -> bool:
        """Exact DESIGN.md rule: can this option bid for a lot of these unit positions?

        ``total``, the lot's value, may be passed when the caller already has it.
        """
        if not units or not self.covers.issuperset(units):
            return False
        if total is None:
            total = sum(values[u] for u in units)
        if above(total, self.capacity):
            return False
        if self.own_share > 0:
            if below(self.own_capacity, self.own_share * total):
                return False
            own_value = sum(values[u] for u in units if u in self.own)
            if below(own_value, self.own_share * total):
                return False
        return True

    def can_hold(self, block: Block) -> bool:
        """Could some lot this option is eligible for contain the block? (coverage and the
        capacity rules alone: the block fits in :attr:`value_limit`)."""
        return fits(block.value, self.value_limit) and self.covers.issuperset(block.units)


def build_options(case: Case, scenario: Scenario) -> list[Option]:
    """Every bid option of the scenario, in a fixed order: leads by supplier, then consortia.

    Lead options use the supplier's subcontract out-neighbours when subcontracting is allowed;
    consortium options are the cliques of 2..max_consortium suppliers of the consortium graph.
    """
    cover = coverage(case)
    cap = capacities(case, scenario)
    target = targets(case, scenario)
    covered = {s: frozenset(map(int, cover.loc[s].to_numpy().nonzero()[0])) for s in cover.index}
    chains = supply_chains(case) if scenario.subcontracting else {}
    options = []
    for supplier in sorted(cover.index):
        chain = tuple(sorted(chains.get(supplier, ())))
        own = covered[supplier]
        if chain:
            union = own.union(*(covered[c] for c in chain))
            total_cap = float(cap[supplier] + sum(cap[c] for c in chain))
            share = 1.0 - scenario.max_sub_share
        else:
            union, total_cap, share = own, float(cap[supplier]), 0.0
        options.append(
            Option(
                id=supplier,
                type="lead",
                holders=(supplier,),
                chain=chain,
                covers=union,
                own=own,
                capacity=total_cap,
                own_capacity=float(cap[supplier]),
                own_share=share,
                targets=(supplier,) if supplier in target else (),
                chain_targets=tuple((c, covered[c]) for c in chain if c in target),
            )
        )
    if scenario.consortia:
        for clique in consortium_cliques(case, scenario.max_consortium):
            union = frozenset().union(*(covered[m] for m in clique))
            total_cap = float(sum(cap[m] for m in clique))
            options.append(
                Option(
                    id="+".join(clique),
                    type="consortium",
                    holders=clique,
                    chain=(),
                    covers=union,
                    own=union,
                    capacity=total_cap,
                    own_capacity=total_cap,
                    own_share=0.0,
                    targets=tuple(m for m in clique if m in target),
                )
            )
    return options


def holdable(options: Sequence[Option], blocks: Sequence[Block]) -> list[list[int]]:
    """For each option, the positions of the blocks it could hold in some lot (:meth:`can_hold`)."""
    return [[b for b, block in enumerate(blocks) if o.can_hold(block)] for o in options]


def supply_chains(case: Case) -> dict[str, set[str]]:
    """Each prime's subcontractors: its out-neighbours over ``subcontract`` links."""
    chains: dict[str, set[str]] = {}
    links = case.partners[case.partners["relation"] == "subcontract"]
    for a, b in zip(links["a"], links["b"], strict=True):
        chains.setdefault(a, set()).add(b)
    return chains


def consortium_graph(case: Case) -> nx.Graph:
    """Undirected graph of the suppliers willing to bid jointly."""
    links = case.partners[case.partners["relation"] == "consortium"]
    graph = nx.Graph()
    graph.add_edges_from(zip(links["a"], links["b"], strict=True))
    return graph


def consortium_cliques(case: Case, max_size: int) -> list[tuple[str, ...]]:
    """Every clique of 2..max_size suppliers of the consortium graph, smallest first, sorted.

    A triangle a-b-c gives (a, b), (a, c), (b, c) and, when max_size ≥ 3, (a, b, c).
    """
    cliques = []
    for clique in nx.enumerate_all_cliques(consortium_graph(case)):
        if len(clique) > max_size:
            break
        if len(clique) >= 2:
            cliques.append(tuple(sorted(clique)))
    return sorted(cliques, key=lambda c: (len(c), c))


def options_frame(options: Sequence[Option]) -> pd.DataFrame:
    """The options as a table: id, type, holders, chain, target holders, capacity, units covered."""
    return pd.DataFrame(
        {
            "option": [o.id for o in options],
            "type": [o.type for o in options],
            "holders": [";".join(o.holders) for o in options],
            "chain": [";".join(o.chain) for o in options],
            "target_holders": [";".join(o.targets) for o in options],
            "capacity": [o.capacity for o in options],
            "units_covered": [len(o.covers) for o in options],
        }
    )
