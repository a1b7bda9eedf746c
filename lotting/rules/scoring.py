"""Exact evaluation: score any division by the DESIGN.md definitions, with no solver involved.

Every figure `lotting` reports comes from :func:`evaluate_division`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from lotting.inputs.case import Case
from lotting.rules.awards import award_blockers, award_witness
from lotting.rules.describe import schedule
from lotting.rules.lots import LotCheck, LotJudge
from lotting.rules.options import Option, build_options
from lotting.scenario import Scenario


@dataclass(frozen=True)
class Evaluation:
    """The exact figures of one division.

    ``lots``: a row per lot (lot, value, n_units, units, services, areas, bidders, options,
    target_holders, open, breaches); ``assignment``: a row per unit with its lot; ``metrics``:
    n_lots, reach, open_value, sub_reach, total_value, fewest_bidders, objective; ``breaches``:
    every rule of the scenario the division breaks (empty when feasible), each lot named by the
    commissioner's label when there is one; ``lot_options``: the ids of the options eligible for
    each lot; ``options``: every option of the scenario (who holds it, its supply chain);
    ``names``: each supplier's name by identifier; ``award``: with max_awards, the option won
    in each lot (a witness that the division is awardable; empty when none is).
    ``lots`` also has ``robust_bidders`` and ``weakest_supplier`` (who withdrawing leaves the
    fewest options), ``reserved``; ``metrics`` also ``reserved_value`` and
    ``fewest_robust_bidders``.
    ``lots`` also has ``schedule`` (the services and areas in words), ``sub_holders`` (target
    suppliers reached as subcontractors), ``supply_chains`` (each eligible lead with a supply
    chain as ``prime>sub1,sub2``) and, for a division with its own lot labels,
    ``given_lot`` after ``lot``.
    """

    lots: pd.DataFrame
    assignment: pd.DataFrame
    metrics: dict[str, Any]
    breaches: list[str] = field(default_factory=list)
    lot_options: dict[int, list[str]] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    award: dict[int, str] = field(default_factory=dict)

    @property
    def partition(self) -> frozenset[frozenset[str]]:
        """The division as a set of lots (sets of unit identifiers), whatever their numbers."""
        units = self.assignment.groupby("lot")["unit"].apply(frozenset)
        return frozenset(units.tolist())

    @property
    def feasible(self) -> bool:
        """True when the division keeps every rule of the scenario."""
        return not self.breaches


def canonical_lots(groups: Sequence[Collection[int]]) -> list[list[int]]:
    """Lots as sorted position lists, numbered by their first unit in contract order."""
    return sorted((sorted(g) for g in groups if g), key=lambda g: g[0])


def evaluate_division(
    case: Case,
    scenario: Scenario,
    assignment: Mapping[str, Any] | pd.Series,
    options: Sequence[Option] | None = None,
    reserved: Collection[Any] = (),
) -> Evaluation:
    """Score a division given as unit → lot label; lots are renumbered 1..k by first unit.
    ``reserved`` holds the labels of the reserved lots.

    Every unit of the contract must have a lot (KeyError names the first that has none).
    """
    if options is None:
        options = build_options(case, scenario)
    units = case.units
    position = {u: i for i, u in enumerate(units)}
    by_label: dict[Any, list[int]] = {}
    for unit in units:
        by_label.setdefault(assignment[unit], []).append(position[unit])
    labels = {tuple(sorted(g)): label for label, g in by_label.items()}
    lots = canonical_lots(list(by_label.values()))
    kept = [frozenset(by_label[label]) for label in reserved if label in by_label]
    return evaluate_lots(case, scenario, lots, options, [labels[tuple(g)] for g in lots], kept)


def evaluate_lots(
    case: Case,
    scenario: Scenario,
    groups: Sequence[Collection[int]],
    options: Sequence[Option] | None = None,
    labels: Sequence[Any] | None = None,
    reserved: Collection[frozenset[int]] = (),
) -> Evaluation:
    """Score a division given as groups of unit positions (contract order), one group per lot.

    ``labels`` (in canonical lot order) are the commissioner's own lot names, kept in the
    assignment as ``given_lot`` when they differ from the canonical numbers. ``reserved`` are
    the lots (as sets of positions) reserved for the reserve kinds: judged on their options only.
    """
    judge = LotJudge(case, scenario, options)
    lots = canonical_lots(groups)
    reserved = {frozenset(r) for r in reserved}
    labels = list(labels) if labels is not None else list(range(1, len(lots) + 1))
    labelled = any(str(label) != str(n) for n, label in enumerate(labels, start=1))
    contract = case.contract
    services, areas = contract["service"].tolist(), contract["area"].tolist()
    unit_ids = contract["unit"].tolist()
    reached: set[str] = set()
    sub_reached: set[str] = set()
    rows: list[dict[str, Any]] = []
    breaches: list[str] = []
    lot_options: dict[int, list[str]] = {}
    open_value = reserved_value = 0.0
    checks: list[LotCheck] = []
    for number, lot in enumerate(lots, start=1):
        check = judge.judge(lot, reserved=frozenset(lot) in reserved)
        checks.append(check)
        if check.reserved:
            reserved_value += check.value
        if check.holders:
            open_value += check.value
        reached.update(check.holders)
        sub_reached.update(check.sub_holders)
        name = labels[number - 1] if labelled else number
        breaches.extend(f"lot {name}: {b}" for b in check.breaches)
        lot_options[number] = [o.id for o in check.eligible]
        rows.append(
            {
                "lot": number,
                **({"given_lot": str(name)} if labelled else {}),
                "value": check.value,
                "n_units": len(lot),
                "units": ";".join(unit_ids[u] for u in lot),
                "services": ";".join(sorted({services[u] for u in lot})),
                "areas": ";".join(sorted({areas[u] for u in lot})),
                "schedule": schedule((services[u], areas[u]) for u in lot),
                "bidders": check.bidders,
                "robust_bidders": check.robust_bidders,
                "weakest_supplier": check.weakest_supplier,
                "reserved": check.reserved,
                "options": ";".join(lot_options[number]),
                "target_holders": ";".join(check.holders),
                "sub_holders": ";".join(sorted(check.sub_holders - set(check.holders))),
                "supply_chains": ";".join(
                    f"{o.id}>{','.join(o.chain)}" for o in check.eligible if o.chain
                ),
                "open": bool(check.holders),
                "breaches": "; ".join(check.breaches),
            }
        )
    breaches.extend(_division_breaches(case, scenario, lots, labels if labelled else None))
    n_reserved = sum(c.reserved for c in checks)
    if n_reserved > scenario.max_reserved:
        breaches.append(
            f"{n_reserved} reserved lots, more than max_reserved {scenario.max_reserved}"
        )
    award, award_breach = _award(scenario, checks)
    breaches.extend(award_breach)
    lot_of = {u: n for n, lot in enumerate(lots, start=1) for u in lot}
    assignment = contract[["unit", "service", "area", "value", "bundle"]].copy()
    assignment.insert(1, "lot", [lot_of[i] for i in range(len(contract))])
    if labelled:
        assignment["given_lot"] = [labels[lot_of[i] - 1] for i in range(len(contract))]
    n_lots = len(lots)
    reach = len(reached)
    metrics = {
        "n_lots": n_lots,
        "reach": reach,
        "open_value": open_value,
        "sub_reach": len(sub_reached - reached),
        "total_value": float(sum(judge.values)),
        "fewest_bidders": min((int(r["bidders"]) for r in rows), default=0),
        "reserved_value": reserved_value,
        "fewest_robust_bidders": min((c.robust_bidders for c in checks), default=0),
        "objective": division_objective(scenario, checks),
    }
    lots_df = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    suppliers = case.suppliers
    names = {
        str(s): str(n) if isinstance(n, str) and n else str(s)
        for s, n in zip(suppliers["supplier"], suppliers["name"], strict=True)
    }
    return Evaluation(
        lots_df, assignment, metrics, breaches, lot_options, tuple(judge.options), names, award
    )


def division_objective(scenario: Scenario, checks: Sequence[LotCheck]) -> float:
    """DESIGN.md objective of a division from its lots' checks: each target holder reached
    once, the open value of lots with a target holder, the reserved lots' value."""
    reach = len({t for check in checks for t in check.holders})
    open_value = sum(check.value for check in checks if check.holders)
    reserved_value = sum(check.value for check in checks if check.reserved)
    return objective(scenario, reach, open_value, len(checks), reserved_value)


def objective(
    scenario: Scenario, reach: int, open_value: float, n_lots: int, reserved_value: float = 0.0
) -> float:
    """DESIGN.md objective: reach_value × reach + open_rate × open_value − lot_cost × n_lots
    + reserve_rate × reserved_value."""
    return (
        scenario.reach_value * reach
        + scenario.open_rate * open_value
        - scenario.lot_cost * n_lots
        + scenario.reserve_rate * reserved_value
    )


def _award(scenario: Scenario, checks: Sequence[LotCheck]) -> tuple[dict[int, str], list[str]]:
    """With max_awards: the option won in each lot (numbered from 1), or the breach naming the
    lots that cannot all be awarded and the suppliers they depend on."""
    cap = scenario.max_awards
    if cap is None or not checks:
        return {}, []
    lots = [list(c.eligible) for c in checks]
    witness = award_witness(lots, cap)
    if witness is not None:
        return {n: o.id for n, o in enumerate(witness, start=1)}, []
    stuck, suppliers = award_blockers(lots, cap)
    shown = ", ".join(str(i + 1) for i in stuck)
    return {}, [
        f"not awardable with max_awards {cap}: lots {shown} cannot all be won at once "
        f"without {', '.join(suppliers)} winning more than {cap} lot(s)"
    ]


def _division_breaches(
    case: Case, scenario: Scenario, lots: list[list[int]], labels: Sequence[Any] | None = None
) -> list[str]:
    """Rules the division as a whole breaks: too many lots, split bundles (lots named by
    ``labels`` when given)."""
    out = []
    if len(lots) > scenario.max_lots:
        out.append(f"{len(lots)} lots, more than max_lots {scenario.max_lots}")
    lot_of = {u: n for n, lot in enumerate(lots, start=1) for u in lot}
    bundles = case.contract["bundle"].tolist()
    spread: dict[str, set[int]] = {}
    for position, bundle in enumerate(bundles):
        if bundle:
            spread.setdefault(bundle, set()).add(lot_of[position])
    for bundle, lot_numbers in sorted(spread.items()):
        if len(lot_numbers) > 1:
            shown = ", ".join(str(labels[n - 1]) if labels else str(n) for n in sorted(lot_numbers))
            out.append(f"bundle '{bundle}' split across lots {shown}")
    return out


def moved_units(a: Evaluation, b: Evaluation) -> int:
    """The fewest units that must change lot to turn division ``a`` into ``b``: the units left
    over by the best one-to-one matching of a's lots to b's (most units kept in place).

    >>> moved_units(evaluate(case, Scenario(), boards).evaluation,
    ...             evaluate(case, Scenario(), boards).evaluation)  # doctest: +SKIP
    0
    """
    lots_a = a.assignment.groupby("lot")["unit"].apply(set).to_dict()
    lots_b = b.assignment.groupby("lot")["unit"].apply(set).to_dict()
    graph = nx.Graph()
    for i, units_a in sorted(lots_a.items()):
        for j, units_b in sorted(lots_b.items()):
            shared = len(units_a & units_b)
            if shared:
                graph.add_edge(("a", i), ("b", j), weight=shared)
    matching = nx.max_weight_matching(graph)
    kept = sum(graph[u][v]["weight"] for u, v in matching)
    return len(a.assignment) - kept
