"""The supplier market: who covers which unit, and how much each supplier can hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lotting.inputs.case import ALL, Case
from lotting.scenario import Scenario


def coverage(case: Case) -> pd.DataFrame:
    """Boolean table, a row per supplier and a column per unit: does the supplier cover the unit?

    A supplier covers a unit when the unit's service is among its services and its area among its
    areas (``*`` matches every one).
    """
    units = case.contract
    rows = []
    for services, areas in zip(case.suppliers["services"], case.suppliers["areas"], strict=True):
        by_service = (
            np.ones(len(units), bool) if services == (ALL,) else units["service"].isin(services)
        )
        by_area = np.ones(len(units), bool) if areas == (ALL,) else units["area"].isin(areas)
        rows.append(np.asarray(by_service) & np.asarray(by_area))
    matrix = np.array(rows, dtype=bool).reshape(len(case.suppliers), len(units))
    return pd.DataFrame(matrix, index=case.suppliers["supplier"], columns=units["unit"])


def capacities(case: Case, scenario: Scenario) -> pd.Series:
    """Largest annual value each supplier can hold: capacity, else turnover × turnover_ratio."""
    cap = case.suppliers["capacity"].where(
        case.suppliers["capacity"].notna(), case.suppliers["turnover"] * scenario.turnover_ratio
    )
    return pd.Series(cap.to_numpy(float), index=case.suppliers["supplier"], name="capacity")


def targets(case: Case, scenario: Scenario) -> set[str]:
    """Suppliers whose kind is one of the scenario's target kinds."""
    mask = case.suppliers["kind"].isin(scenario.target_kinds)
    return set(case.suppliers.loc[mask, "supplier"])
