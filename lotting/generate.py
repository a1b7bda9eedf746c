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


def realistic_frames(
    seed: int,
    n_areas: int = 50,
    n_services: int = 3,
    n_suppliers: int = 150,
    n_islands: int = 3,
    total_value: float = 50_000_000,
) -> dict[str, pd.DataFrame]:
    """A contract and market shaped like real ones, for benchmarks.

    Areas sit on a jittered grid with borders to their grid neighbours and some diagonals, plus
    ``n_islands`` islands joined to the coast by one ferry link each. Values follow random
    populations. The market has a few national primes, regional SMEs and VCSEs over contiguous
    regions, and many small local user-led organisations; partners link nearby small
    organisations into consortia and primes to user-led subcontractors.
    """
    rng = random.Random(seed)
    mainland = n_areas - n_islands
    cols = max(1, round(mainland**0.5))
    names = [f"area{i:03d}" for i in range(n_areas)]
    edges: set[tuple[str, str]] = set()
    for i in range(mainland):
        c = i % cols
        for j in (
            i + 1 if c + 1 < cols else None,
            i + cols,
            i + cols + 1 if c + 1 < cols else None,
        ):
            if j is not None and j < mainland and (j != i + cols + 1 or rng.random() < 0.3):
                edges.add((names[i], names[j]))
    for k in range(n_islands):
        edges.add((names[rng.randrange(mainland)], names[mainland + k]))
    graph_neighbours: dict[str, list[str]] = {a: [] for a in names}
    for one, other in sorted(edges):
        graph_neighbours[one].append(other)
        graph_neighbours[other].append(one)

    services = [f"service{s}" for s in range(n_services)]
    weights = [rng.lognormvariate(0, 0.8) for _ in names]
    shares = [0.6] + [0.4 / max(1, n_services - 1)] * (n_services - 1)
    shares = [s / sum(shares[:n_services]) for s in shares[:n_services]]
    rows = []
    for a, area in enumerate(names):
        for k, service in enumerate(services):
            value = total_value * shares[k] * weights[a] / sum(weights)
            rows.append(
                {
                    "unit": f"{service}-{area}",
                    "service": service,
                    "area": area,
                    "value": max(1000, round(value, -3)),
                    "bundle": f"island-{area}" if a >= mainland else "",
                }
            )
    contract = pd.DataFrame(rows)
    total = float(contract["value"].sum())
    unit_value = total / len(contract)

    def region(size: int) -> list[str]:
        """A connected group of about ``size`` areas grown from a random seed area."""
        start = names[rng.randrange(n_areas)]
        chosen, frontier_ = [start], list(graph_neighbours[start])
        while len(chosen) < size and frontier_:
            nxt = frontier_.pop(rng.randrange(len(frontier_)))
            if nxt not in chosen:
                chosen.append(nxt)
                frontier_ += graph_neighbours[nxt]
        return sorted(chosen)

    n_large = max(2, n_suppliers // 40)
    n_sme = max(2, n_suppliers // 8)
    n_vcse = max(2, n_suppliers // 5)
    n_ulo = max(1, n_suppliers - n_large - n_sme - n_vcse)
    suppliers = []
    for k in range(n_large):
        suppliers.append(("large", f"prime{k:02d}", rng.uniform(0.3, 1.1) * total, "*", "*"))
    for kind, count, size, cap in (
        ("sme", n_sme, (4, 10), (0.03, 0.12)),
        ("vcse", n_vcse, (1, 5), (0.005, 0.04)),
        ("user_led", n_ulo, (1, 3), (0.3, 2.5)),
    ):
        for k in range(count):
            areas = region(rng.randint(*size))
            own = sorted(rng.sample(services, rng.randint(1, n_services)))
            if kind == "user_led":
                capacity = rng.uniform(*cap) * unit_value
            else:
                capacity = rng.uniform(*cap) * total
            suppliers.append((kind, f"{kind}{k:03d}", capacity, ";".join(own), ";".join(areas)))
    market = pd.DataFrame(
        [
            {
                "supplier": ident,
                "kind": kind,
                "capacity": round(capacity, -3),
                "services": own,
                "areas": areas,
            }
            for kind, ident, capacity, own, areas in suppliers
        ]
    )
    small = market[market["kind"].isin(["user_led", "vcse"])]
    area_sets = {row.supplier: set(row.areas.split(";")) for row in small.itertuples()}
    links = []
    ids = sorted(area_sets)
    for a in ids:
        near = [
            b
            for b in ids
            if b > a
            and (
                area_sets[a] & area_sets[b]
                or any(n in area_sets[b] for x in area_sets[a] for n in graph_neighbours[x])
            )
        ]
        for b in rng.sample(near, min(len(near), rng.choice([0, 0, 1, 1, 2]))):
            links.append({"a": a, "b": b, "relation": "consortium"})
    primes = market.loc[market["kind"].isin(["large", "sme"]), "supplier"].tolist()
    ulos = market.loc[market["kind"] == "user_led", "supplier"].tolist()
    for prime in primes:
        for b in rng.sample(ulos, min(len(ulos), rng.randint(0, 3))):
            links.append({"a": prime, "b": b, "relation": "subcontract"})
    partners = pd.DataFrame(links, columns=["a", "b", "relation"])
    adjacency = pd.DataFrame(sorted(edges), columns=["area_a", "area_b"])
    return {"contract": contract, "suppliers": market, "partners": partners, "adjacency": adjacency}
