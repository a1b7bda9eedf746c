"""A UK-scale generated contract: hundreds of areas on a planar border graph, a realistic market.

Not the generator of :mod:`lotting.generate` (a jittered grid): areas are random points,
clustered around a few cities, whose borders are the Delaunay triangulation with its longest
edges dropped (a coast), so degrees vary as real council maps do; a few islands join by one
ferry each. Populations are lognormal with city boosts, so values spread over two orders of
magnitude. The market has national primes, regional SMEs and VCSEs over connected regions, many
local user-led organisations (one to three neighbouring areas, one or two services), consortia
between neighbouring small organisations and primes subcontracting to local user-led ones.

>>> frames = uk_frames(seed=1, n_areas=40)
>>> len(frames["contract"]), frames["suppliers"]["kind"].value_counts().idxmax()
(120, 'user_led')
"""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
from matplotlib.tri import Triangulation

SERVICES = ("employability", "peer_support", "health_work")


def border_graph(rng: random.Random, n_areas: int, n_islands: int) -> set[tuple[int, int]]:
    """Borders between areas (numbered) at random centres: a Delaunay triangulation without its
    longest tenth, and one ferry link per island."""
    cities = [(rng.uniform(0, 10), rng.uniform(0, 16)) for _ in range(max(3, n_areas // 40))]
    points = []
    for k in range(n_areas - n_islands):
        if k % 3 == 0:
            points.append((rng.uniform(0, 10), rng.uniform(0, 16)))
        else:
            cx, cy = cities[k % len(cities)]
            points.append((cx + rng.gauss(0, 1.2), cy + rng.gauss(0, 1.2)))
    xy = np.array(points)
    tri = Triangulation(xy[:, 0], xy[:, 1])
    lengths = np.hypot(*(xy[tri.edges[:, 0]] - xy[tri.edges[:, 1]]).T)
    keep = lengths <= np.quantile(lengths, 0.9)
    edges = {
        (int(min(a, b)), int(max(a, b))) for (a, b), k in zip(tri.edges, keep, strict=True) if k
    }
    for i in range(n_areas - n_islands):  # no area left without a neighbour by the cut
        if not any(i in e for e in edges):
            j = int(np.argsort(np.hypot(*(xy - xy[i]).T))[1])
            edges.add((min(i, j), max(i, j)))
    mainland = len(points)
    for k in range(n_islands):
        edges.add((rng.randrange(mainland), mainland + k))
    return edges


def uk_frames(
    seed: int,
    n_areas: int = 380,
    n_services: int = 3,
    n_suppliers: int | None = None,
    n_islands: int = 6,
    total_value: float = 600_000_000,
) -> dict[str, pd.DataFrame]:
    """The four input tables of a UK-scale case (``n_suppliers`` default: 0.9 per area)."""
    rng = random.Random(seed)
    edges = border_graph(rng, n_areas, n_islands)
    names = [f"LA{i:03d}" for i in range(n_areas)]
    near: dict[int, set[int]] = {i: set() for i in range(n_areas)}
    for a, b in edges:
        near[a].add(b)
        near[b].add(a)
    services = list(SERVICES[:n_services])
    population = [rng.lognormvariate(0, 0.7) * (3 if k % 3 else 1) for k in range(n_areas)]
    shares = [0.55, 0.3, 0.15][:n_services]
    rows = []
    for a in range(n_areas):
        for s, service in enumerate(services):
            value = total_value * shares[s] / sum(shares) * population[a] / sum(population)
            rows.append(
                {
                    "unit": f"{service}-{names[a]}",
                    "service": service,
                    "area": names[a],
                    "value": max(1000.0, round(value, -3)),
                    "bundle": "",
                }
            )
    contract = pd.DataFrame(rows)
    total = float(contract["value"].sum())
    unit_value = total / len(contract)

    def region(size: int) -> list[int]:
        """About ``size`` connected areas grown from a random one."""
        chosen = [rng.randrange(n_areas)]
        edge = sorted(near[chosen[0]])
        while len(chosen) < size and edge:
            pick = edge.pop(rng.randrange(len(edge)))
            if pick not in chosen:
                chosen.append(pick)
                edge += sorted(near[pick] - set(chosen))
        return sorted(chosen)

    count = n_suppliers or math.ceil(0.9 * n_areas)
    plan = [
        ("large", max(4, count // 60), (0, 0), (0.15, 0.6)),
        ("sme", max(4, count // 10), (8, 30), (0.01, 0.05)),
        ("vcse", max(4, count // 6), (2, 8), (0.002, 0.01)),
    ]
    plan.append(("user_led", max(1, count - sum(p[1] for p in plan)), (1, 3), (0.5, 3.0)))
    suppliers = []
    for kind, n, size, cap in plan:
        for k in range(n):
            ident = f"{kind}{k:03d}"
            if kind == "large":
                suppliers.append((ident, kind, rng.uniform(*cap) * total, "*", "*"))
                continue
            areas = ";".join(names[a] for a in region(rng.randint(*size)))
            most = 2 if kind == "user_led" else n_services
            own = ";".join(sorted(rng.sample(services, rng.randint(1, most))))
            base = unit_value if kind == "user_led" else total
            suppliers.append((ident, kind, rng.uniform(*cap) * base, own, areas))
    market = pd.DataFrame(
        [
            {"supplier": s, "kind": k, "capacity": round(c, -3), "services": sv, "areas": ar}
            for s, k, c, sv, ar in suppliers
        ]
    )
    local = market[market["kind"].isin(["user_led", "vcse"])]
    index = {n: i for i, n in enumerate(names)}
    reach = {
        r.supplier: {index[a] for a in r.areas.split(";")} for r in local.itertuples(index=False)
    }
    ids = sorted(reach)
    links = []
    for a in ids:
        around = set().union(*(near[x] for x in reach[a])) | reach[a]
        close = [b for b in ids if b > a and reach[b] & around]
        for b in rng.sample(close, min(len(close), rng.choice([0, 0, 1, 1, 2]))):
            links.append({"a": a, "b": b, "relation": "consortium"})
    ulos = market.loc[market["kind"] == "user_led", "supplier"].tolist()
    for prime in market.loc[market["kind"].isin(["large", "sme"]), "supplier"]:
        for b in rng.sample(ulos, min(len(ulos), rng.randint(0, 4))):
            links.append({"a": prime, "b": b, "relation": "subcontract"})
    adjacency = pd.DataFrame(
        sorted((names[a], names[b]) for a, b in edges), columns=["area_a", "area_b"]
    )
    return {
        "contract": contract,
        "suppliers": market,
        "partners": pd.DataFrame(links, columns=["a", "b", "relation"]),
        "adjacency": adjacency,
    }
