"""Names the library's doctests use: the shipped example case and a plan of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import lotting

EXAMPLE = Path(__file__).parent / "data" / "example" / "contract.csv"


@pytest.fixture(scope="session")
def _example() -> dict[str, Any]:
    case = lotting.load_case(EXAMPLE)
    return {"case": case, "plan": lotting.solve(case, lotting.Scenario(max_lots=8))}


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, Any], _example: dict[str, Any]) -> None:
    """Every public name of lotting, ``case`` (the example) and ``plan`` (its best 8 lots)."""
    doctest_namespace.update({name: getattr(lotting, name) for name in lotting.__all__})
    doctest_namespace.update(_example)
