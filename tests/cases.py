"""Small hand-made cases written to disk, for tests that compute the answer by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lotting import Case, load_case


def make_case(
    folder: Path,
    contract: list[tuple],
    suppliers: list[tuple],
    partners: list[tuple] | None = None,
    adjacency: list[tuple] | None = None,
) -> Case:
    """Write and load a case.

    contract rows: (unit, service, area, value[, bundle]);
    suppliers rows: (supplier, kind, capacity, services, areas);
    partners rows: (a, b, relation); adjacency rows: (area_a, area_b).
    """
    folder.mkdir(parents=True, exist_ok=True)
    rows = [(*r, "") if len(r) == 4 else r for r in contract]
    pd.DataFrame(rows, columns=["unit", "service", "area", "value", "bundle"]).to_csv(
        folder / "contract.csv", index=False
    )
    pd.DataFrame(suppliers, columns=["supplier", "kind", "capacity", "services", "areas"]).to_csv(
        folder / "suppliers.csv", index=False
    )
    if partners is not None:
        pd.DataFrame(partners, columns=["a", "b", "relation"]).to_csv(
            folder / "partners.csv", index=False
        )
    if adjacency is not None:
        pd.DataFrame(adjacency, columns=["area_a", "area_b"]).to_csv(
            folder / "adjacency.csv", index=False
        )
    return load_case(folder / "contract.csv")
