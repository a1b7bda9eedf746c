"""Exact evaluation: score any division by the DESIGN.md definitions, with no solver involved.

Every figure `lotting` reports comes from :func:`evaluate_division`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lotting.inputs.case import Case
from lotting.rules.describe import schedule
from lotting.rules.lots import LotJudge
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
    ``names``: each supplier's name by identifier.
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
) -> Evaluation:
    """Score a division given as unit → lot label; lots are renumbered 1..k by first unit.

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
    return evaluate_lots(case, scenario, lots, options, [labels[tuple(g)] for g in lots])


def evaluate_lots(
    case: Case,
    scenario: Scenario,
    groups: Sequence[Collection[int]],
    options: Sequence[Option] | None = None,
    labels: Sequence[Any] | None = None,
) -> Evaluation:
    """Score a division given as groups of unit positions (contract order), one group per lot.

    ``labels`` (in canonical lot order) are the commissioner's own lot names, kept in the
    assignment as ``given_lot`` when they differ from the canonical numbers.
    """
    judge = LotJudge(case, scenario, options)
    lots = canonical_lots(groups)
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
    open_value = 0.0
    for number, lot in enumerate(lots, start=1):
        check = judge.judge(lot)
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
        "objective": objective(scenario, reach, open_value, n_lots),
    }
    lots_df = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    suppliers = case.suppliers
    names = {
        str(s): str(n) if isinstance(n, str) and n else str(s)
        for s, n in zip(suppliers["supplier"], suppliers["name"], strict=True)
    }
    return Evaluation(
        lots_df, assignment, metrics, breaches, lot_options, tuple(judge.options), names
    )


def objective(scenario: Scenario, reach: int, open_value: float, n_lots: int) -> float:
    """DESIGN.md objective: reach_value × reach + open_rate × open_value − lot_cost × n_lots."""
    return (
        scenario.reach_value * reach + scenario.open_rate * open_value - scenario.lot_cost * n_lots
    )


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
