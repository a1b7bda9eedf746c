"""Reserved lots: the optimiser's choice of lots to reserve against exhaustive enumeration of
every division and every choice of up to max_reserved lots, on cases where reserving binds."""

from __future__ import annotations

from rulecases import binding_fraction

from cases import make_case
from lotting import Scenario, solve
from lotting.rules.scoring import evaluate_division

SEEDS = range(12)


def test_reserving_matches_brute_force_and_binds(tmp_path):
    """--max-reserved 1 changes the optimum in 5 of these 12 seeded cases: at least 4."""
    binds, _ = binding_fraction(SEEDS, tmp_path, {"max_reserved": 1})
    assert binds >= 4


def test_reserving_other_kinds_and_compact(tmp_path):
    """Reserve kinds wider than the targets, two reserved lots, and the compact model."""
    rule = {"max_reserved": 2, "reserve_kinds": ("user_led", "vcse"), "reserve_rate": 0.2}
    binds, _ = binding_fraction(SEEDS[:6], tmp_path, rule, ({}, {"enumerate_lots": False}))
    assert binds >= 2


def test_reserved_lot_by_hand(tmp_path):
    """One unit, a large firm and a user-led one: reserved, only the user-led one may bid."""
    case = make_case(
        tmp_path,
        [("A", "s", "x", 100.0)],
        [("big", "large", 500, "*", "*"), ("ulo", "user_led", 500, "s", "x")],
    )
    scenario = Scenario(min_bidders=1, max_reserved=1, reserve_rate=0.5, lot_cost=10)
    plan = solve(case, scenario, time_limit=None)
    lot = plan.to_dict()["lots"][0]
    assert lot["reserved"] is True and lot["options"] == ["ulo"] and lot["bidders"] == 1
    assert plan.metrics["reserved_value"] == 100.0
    assert plan.objective == 10_000 + 0.05 * 100 + 0.5 * 100 - 10
    free = evaluate_division(case, scenario, {"A": 1}).lots
    assert free.loc[0, "options"] == "big;ulo" and not free.loc[0, "reserved"]
