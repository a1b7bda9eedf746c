"""Seeded random cases, small enough to check by brute force or large enough to benchmark.

>>> frames = random_frames(seed=1, n_units=6)
>>> sorted(frames)
['adjacency', 'contract', 'partners', 'suppliers']
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from lotting.scenario import KINDS, Scenario


def random_frames(
    seed: int,
    n_units: int = 8,
    n_suppliers: int = 6,
    contiguity: bool = True,
    bundles: bool = True,
) -> dict[str, pd.DataFrame]:
    """A random case as the four input tables (adjacency empty when ``contiguity`` is off)."""
    rng = random.Random(seed)
    n_services = rng.choice([1, 2, 2])
    services = [f"s{i}" for i in range(n_services)]
    n_areas = max(1, -(-n_units // n_services))
    areas = [f"a{i}" for i in range(n_areas)]
    cells = [(s, a) for a in areas for s in services][:n_units]
    bundle_of = [""] * len(cells)
    if bundles and len(cells) >= 3 and rng.random() < 0.5:
        i, j = rng.sample(range(len(cells)), 2)
        bundle_of[i] = bundle_of[j] = "b1"
    contract = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(len(cells))],
            "service": [s for s, _ in cells],
            "area": [a for _, a in cells],
            "value": [rng.randint(2, 40) * 1000 for _ in cells],
            "bundle": bundle_of,
        }
    )
    total = int(contract["value"].sum())
    rows = []
    for k in range(n_suppliers):
        kind = KINDS[k % len(KINDS)] if k < len(KINDS) else rng.choice(KINDS)
        wide = kind == "large" or rng.random() < 0.2
        own_services = "*" if wide else ";".join(rng.sample(services, rng.randint(1, n_services)))
        own_areas = "*" if wide else ";".join(rng.sample(areas, rng.randint(1, min(3, n_areas))))
        cap = rng.randint(total // 5, total * 3 // 2) if wide else rng.randint(5, 60) * 1000
        use_turnover = rng.random() < 0.2
        rows.append(
            {
                "supplier": f"p{k}",
                "kind": kind,
                "capacity": "" if use_turnover else cap,
                "turnover": cap * 2 if use_turnover else "",
                "services": own_services,
                "areas": own_areas,
            }
        )
    suppliers = pd.DataFrame(rows)
    links = []
    names = list(suppliers["supplier"])
    for _ in range(rng.randint(0, 4)):
        a, b = rng.sample(names, 2)
        links.append({"a": a, "b": b, "relation": rng.choice(["consortium", "subcontract"])})
    partners = pd.DataFrame(links, columns=["a", "b", "relation"])
    edges = []
    if contiguity:
        for i in range(1, n_areas):
            if rng.random() < 0.85:
                edges.append((areas[rng.randrange(i)], areas[i]))
        for _ in range(rng.randint(0, 2)):
            a, b = rng.sample(areas, 2) if n_areas > 1 else (areas[0], "")
            edges.append((a, b))
        touched = {x for e in edges for x in e}
        edges += [(a, "") for a in areas if a not in touched]
    adjacency = pd.DataFrame(edges, columns=["area_a", "area_b"])
    return {
        "contract": contract,
        "suppliers": suppliers,
        "partners": partners,
        "adjacency": adjacency,
    }


def random_scenario(seed: int) -> Scenario:
    """A random scenario exercising every rule: bidders, lots, value bounds, consortia, chains."""
    rng = random.Random(seed * 7919 + 1)
    lo = rng.choice([None, None, rng.randint(5, 30) * 1000])
    hi = rng.choice([None, None, rng.randint(40, 120) * 1000])
    return Scenario(
        lot_cost=rng.choice([2000, 10_000, 20_000]),
        reach_value=rng.choice([0, 5000, 10_000, 30_000]),
        open_rate=rng.choice([0.0, 0.05, 0.3]),
        min_bidders=rng.choice([1, 1, 2, 2, 3]),
        max_lots=rng.randint(1, 6),
        max_consortium=rng.choice([2, 3]),
        max_sub_share=rng.choice([0.3, 0.5, 0.7]),
        target_kinds=rng.choice([("user_led",), ("user_led", "vcse")]),
        min_lot_value=lo,
        max_lot_value=hi if lo is None or hi is None or hi >= lo else None,
        consortia=rng.random() < 0.8,
        subcontracting=rng.random() < 0.8,
    )


def write_frames(frames: dict[str, pd.DataFrame], folder: str | Path) -> Path:
    """Write the tables as contract.csv, suppliers.csv, partners.csv and adjacency.csv."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        if name in ("partners", "adjacency") and df.empty:
            continue
        df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder / "contract.csv"
