"""Seeded small cases built so that an award rule binds, and the cross-check against brute force."""

from __future__ import annotations

import random

import pytest

from brute import ranked_divisions
from lotting import InfeasibleError, Scenario, load_case, solve
from lotting.generate import random_frames, write_frames
from lotting.settings import Settings


def rule_case(
    seed: int, tmp_path, n_units: tuple[int, int] = (4, 7), n_suppliers: tuple[int, int] = (5, 7)
):
    """A random small market (4 to 7 units) with a wide large supplier and several user-led
    ones, under a seeded scenario with low lot cost so that many lots pay."""
    rng = random.Random(seed)
    frames = random_frames(
        seed,
        n_units=rng.randint(*n_units),
        n_suppliers=rng.randint(*n_suppliers),
        contiguity=seed % 2 == 0,
    )
    case = load_case(write_frames(frames, tmp_path / f"rule{seed}"))
    scenario = Scenario(
        lot_cost=rng.choice([1_000.0, 5_000.0, 20_000.0]),
        reach_value=10_000.0,
        open_rate=rng.choice([0.02, 0.05]),
        min_bidders=rng.choice([1, 2]),
        max_lots=rng.choice([3, 4, 6]),
        subcontracting=rng.random() < 0.7,
    )
    return case, scenario


def check(case, scenario, **kwargs) -> float | None:
    """Solve and compare with the exhaustive optimum; the optimum (None when infeasible)."""
    ranked = ranked_divisions(case, scenario)
    if not ranked:
        with pytest.raises(InfeasibleError):
            solve(case, scenario, time_limit=None, **kwargs)
        return None
    plan = solve(case, scenario, time_limit=None, **kwargs)
    assert plan.status == "optimal"
    assert plan.evaluation.feasible
    assert plan.objective == pytest.approx(ranked[0][0], rel=1e-6, abs=1e-6)
    return ranked[0][0]


def binding_fraction(
    seeds, tmp_path, rule: dict, variants=({},), suppliers: tuple[int, int] = (5, 7)
) -> tuple[int, int]:
    """Cross-check every seed with ``rule`` on (and each solver variant), and count the seeds
    where the rule binds: its optimum differs from the one without it."""
    binds = 0
    for seed in seeds:
        case, scenario = rule_case(seed, tmp_path, n_suppliers=suppliers)
        ruled = scenario.replace(**rule)
        without = ranked_divisions(case, scenario)
        for variant in variants:
            settings = variant.get("settings")
            kwargs = {k: v for k, v in variant.items() if k != "settings"}
            with_rule = check(case, ruled, settings=settings or Settings(), **kwargs)
        best_without = without[0][0] if without else None
        if with_rule is None or best_without is None:
            binds += (with_rule is None) != (best_without is None)
        elif abs(with_rule - best_without) > 1e-6:
            binds += 1
    return binds, len(list(seeds))


def award_case(seed: int, tmp_path):
    """A market where one large supplier covers everything, maybe an SME some areas, and two
    user-led ones cover pieces, with lots bounded in value: the division needs several lots and
    few suppliers can win them, so a cap binds often."""
    from cases import make_case

    rng = random.Random(seed)
    areas = ["a1", "a2", "a3", "a4", "a5"][: rng.choice([4, 5])]
    services = ["s"]
    contract = [
        (f"U{k}", s, a, float(rng.randint(5, 15) * 10))
        for k, (s, a) in enumerate((s, a) for s in services for a in areas)
    ]
    total = sum(r[3] for r in contract)
    suppliers = [("big1", "large", total, "*", "*")]
    if rng.random() < 0.5:
        here = ";".join(sorted(rng.sample(areas, 3)))
        suppliers.append(("mid", "sme", total, "s", here))
    for k in range(2):
        here = ";".join(sorted(rng.sample(areas, rng.randint(1, 2))))
        suppliers.append((f"ulo{k}", "user_led", rng.randint(100, 250), "s", here))
    partners = [("ulo0", "ulo1", "consortium")] if rng.random() < 0.5 else None
    case = make_case(tmp_path / f"award{seed}", contract, suppliers, partners)
    # lots of at most a third of the contract or so: several lots, few suppliers to win them
    scenario = Scenario(
        lot_cost=1_000.0, min_bidders=1, max_lots=6, max_lot_value=total * rng.uniform(0.3, 0.5)
    )
    return case, scenario
