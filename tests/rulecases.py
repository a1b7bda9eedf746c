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
