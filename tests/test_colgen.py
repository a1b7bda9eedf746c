"""The column-generation bound against brute force: never below the true optimum, on seeded
random cases with every target option listed, some left to the relaxed families, and none."""

from __future__ import annotations

import random

import numpy as np
import pytest

from brute import best_division, feasible_divisions
from lotting import Scenario, load_case
from lotting.generate import random_frames, random_scenario, write_frames
from lotting.mip.candidates import listed_candidates
from lotting.mip.colgen import knapsack, master_bound
from lotting.optimise import cheap_bound
from lotting.rules.blocks import make_blocks
from lotting.rules.options import build_options, holdable
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


@pytest.mark.parametrize("listing", ["all", "few"])
def test_what_the_prices_rule_out_is_in_no_better_division(listing, tmp_path):
    """Against every feasible division: with a value just below the optimum, or one of the next
    five divisions' values, known, no division worth more keeps a ruled-out lot in the form the
    model values it exactly: its listed lot, else a credited option's compact lot, else plain."""
    from lotting.mip.colgen import ruled_out

    ruled_any = 0
    for seed in SEEDS:
        case, scenario = make(seed, tmp_path)
        divisions = list(feasible_divisions(case, scenario))
        if not divisions:
            continue
        options, blocks = build_options(case, scenario), make_blocks(case)
        settings = Settings(max_sets_per_option=3 if listing == "few" else 20_000)
        listed, unlisted = listed_candidates(case, scenario, options, blocks, settings)
        found = master_bound(scenario, options, blocks, listed, unlisted)
        assert found is not None
        block_of = {u: b for b, block in enumerate(blocks) for u in block.units}
        number = {tuple(sorted(c.blocks)): k for k, c in enumerate(listed)}
        can = [set(h) for h in holdable(options, blocks)]
        values = sorted({round(d[0], 6) for d in divisions}, reverse=True)
        for known in [values[0] - 1e-3 * max(1.0, abs(values[0])), *values[1:6]]:
            out = ruled_out(found, scenario, known)
            ruled_any += len(out.candidates) + len(out.plain) + len(out.opened)
            for worth, division, checks in divisions:
                if worth <= known + 1e-6 * max(1.0, abs(known)):
                    continue
                for lot, check in zip(division, checks, strict=True):
                    where = tuple(sorted({block_of[u] for u in lot}))
                    if where in number:
                        assert number[where] not in out.candidates, (seed, known, where)
                    elif not check.holders:
                        assert out.plain.isdisjoint(where), (seed, known, where)
                    else:
                        credited = [options.index(o) for o in check.eligible]
                        credited = [o for o in credited if o in unlisted and set(where) <= can[o]]
                        assert any(
                            out.opened.get(o, frozenset()).isdisjoint(where) for o in credited
                        )
    assert ruled_any > 0  # the rule binds on these cases


def test_the_example_start_rules_out_listed_lots_and_plain_blocks():
    """The example's start is optimal (595,950): the bound's prices rule out some listed lots and
    blocks no better division could put in a plain lot, and the model without them is smaller."""
    from lotting.mip.colgen import ruled_out
    from lotting.mip.model import build_model

    case = load_case("data/example/contract.csv")
    scenario = Scenario()
    options, blocks = build_options(case, scenario), make_blocks(case)
    listed, unlisted = listed_candidates(case, scenario, options, blocks)
    found = master_bound(scenario, options, blocks, listed, unlisted)
    assert found is not None
    out = ruled_out(found, scenario, 595_950)
    assert len(out.candidates) > 10 and len(out.plain) > 5
    full = build_model(scenario, options, blocks, case.adjacency, listed, unlisted)
    small = build_model(scenario, options, blocks, case.adjacency, listed, unlisted, ruled=out)
    assert small.stats["variables"] < full.stats["variables"]
    assert ruled_out(found, scenario, 0.0) == ruled_out(found, scenario, -1e9)  # nothing below
