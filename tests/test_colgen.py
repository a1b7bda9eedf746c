"""The column-generation bound against brute force: never below the true optimum, on seeded
random cases with every target option listed, some left to the relaxed families, and none."""

from __future__ import annotations

import random

import numpy as np
import pytest

from brute import best_division
from lotting import Scenario, load_case
from lotting.generate import random_frames, random_scenario, write_frames
from lotting.mip.candidates import listed_candidates
from lotting.mip.colgen import knapsack, master_bound
from lotting.optimise import cheap_bound
from lotting.rules.blocks import make_blocks
from lotting.rules.options import build_options
from lotting.settings import Settings

SEEDS = range(40)


def make(seed: int, tmp_path):
    """The seed's case (4 to 8 units) and scenario, as in tests/test_optimise.py."""
    rng = random.Random(seed)
    frames = random_frames(
        seed, n_units=rng.randint(4, 8), n_suppliers=rng.randint(4, 7), contiguity=seed % 3 != 0
    )
    case = load_case(write_frames(frames, tmp_path / f"case{seed}"))
    return case, random_scenario(seed).replace(max_reserved=0)


def bound_of(case, scenario, listing: str, lots: int | None = None):
    """The bound with every target option listed ("all"), most of them relaxed ("few": at
    most 3 lots listed per option) or none ("none")."""
    options, blocks = build_options(case, scenario), make_blocks(case)
    if listing == "none":
        listed, unlisted = [], [o for o, p in enumerate(options) if p.targets]
    else:
        settings = Settings(max_sets_per_option=3 if listing == "few" else 20_000)
        listed, unlisted = listed_candidates(case, scenario, options, blocks, settings)
    return master_bound(scenario, options, blocks, listed, unlisted, lots)


@pytest.mark.parametrize("listing", ["all", "few", "none"])
def test_bound_is_never_below_the_optimum(listing, tmp_path):
    tight = 0
    for seed in SEEDS:
        case, scenario = make(seed, tmp_path)
        best = best_division(case, scenario)
        if best is None:
            continue
        found = bound_of(case, scenario, listing)
        assert found is not None and found.converged
        assert found.bound >= best[0] - 1e-6 * max(1.0, abs(best[0])), seed
        assert found.bound == pytest.approx(found.value, rel=1e-6, abs=1e-3)  # LP duality
        options, blocks = build_options(case, scenario), make_blocks(case)
        assert found.bound <= cheap_bound(scenario, options, blocks) + 1e-6
        tight += found.bound <= best[0] + 1e-6 * max(1.0, abs(best[0]))
    # the LP of the master is integral on many of these small cases: the bound is the optimum
    assert tight >= {"all": 14, "few": 9, "none": 5}[listing]  # measured: 14, 9, 5 of 40


@pytest.mark.parametrize("seed", SEEDS[1::4])
def test_bound_with_an_exact_number_of_lots(seed, tmp_path):
    case, scenario = make(seed, tmp_path)
    for k in (1, 2, 3):
        best = best_division(case, scenario.replace(max_lots=max(k, scenario.max_lots)), k)
        found = bound_of(case, scenario.replace(max_lots=max(k, scenario.max_lots)), "all", k)
        if best is not None and found is not None and k <= len(make_blocks(case)):
            assert found.bound >= best[0] - 1e-6 * max(1.0, abs(best[0]))


def test_reserved_lots_give_no_bound(tmp_path):
    case, scenario = make(1, tmp_path)
    assert bound_of(case, scenario.replace(max_reserved=1), "all") is None


def test_the_example_bound_is_within_three_percent():
    """The example's optimum is 595,950 (README): the cheap bound is 20 times off, this one
    about 2.5 %."""
    case = load_case("data/example/contract.csv")
    found = bound_of(case, Scenario(), "all")
    assert found is not None and found.converged
    assert 595_950 <= found.bound <= 595_950 * 1.03


def test_knapsack_takes_the_best_ratio_first_and_a_share_of_the_next():
    value, shares = knapsack(np.array([1.0, 6.0, 4.0]), np.array([1.0, 3.0, 4.0]), 5.0)
    assert value == pytest.approx(1.0 + 6.0 + 4.0 * 0.25)
    assert shares.tolist() == [1.0, 1.0, 0.25]
