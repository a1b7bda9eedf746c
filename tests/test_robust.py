"""Robust competition: robust_bidders and weakest_supplier by hand, and --robust against
exhaustive enumeration on seeded cases where it binds."""

from __future__ import annotations

from rulecases import binding_fraction

from cases import make_case
from lotting import Scenario
from lotting.rules.scoring import evaluate_division
from lotting.settings import Settings

SEEDS = range(12)


def test_robust_matches_brute_force_and_binds(tmp_path):
    """--robust changes the optimum in 8 of these 12 seeded cases: asserted at least 6."""
    binds, total = binding_fraction(SEEDS, tmp_path, {"robust": True})
    assert binds >= 6 and total == 12


def test_robust_exact_in_compact_and_mixed_models(tmp_path):
    """Compact lots re-judge each lead without one member of its chain (virtual options)."""
    variants = ({"enumerate_lots": False}, {"settings": Settings(max_sets_per_option=3)})
    binds, _ = binding_fraction(SEEDS[:6], tmp_path, {"robust": True}, variants)
    assert binds >= 3


def test_withdrawal_by_hand(tmp_path):
    """Lot A: big, and prime leading with sub (prime covers half, sub the rest); sub's
    withdrawal breaks prime's chain, big's removes big: 1 left either way, weakest 'big'."""
    case = make_case(
        tmp_path,
        [("A", "s", "x", 50.0), ("B", "s", "y", 50.0)],
        [
            ("big", "large", 500, "*", "*"),
            ("prime", "large", 500, "s", "x"),
            ("sub", "user_led", 500, "s", "y"),
        ],
        [("prime", "sub", "subcontract")],
    )
    lots = evaluate_division(case, Scenario(), {"A": 1, "B": 1}).lots
    assert lots.loc[0, "options"] == "big;prime"
    assert (lots.loc[0, "robust_bidders"], lots.loc[0, "weakest_supplier"]) == (1, "big")
    robust = evaluate_division(case, Scenario(robust=True), {"A": 1, "B": 1})
    assert robust.breaches == [
        "lot 1: 1 bidder(s) if big withdraws, fewer than min_bidders 2 (--robust)"
    ]
    # A alone: big, prime (own), and prime's chain is not needed: sub's withdrawal costs nothing
    alone = evaluate_division(case, Scenario(), {"A": 1, "B": 2}).lots
    assert (alone.loc[0, "bidders"], alone.loc[0, "robust_bidders"]) == (2, 1)
    assert alone.loc[0, "weakest_supplier"] == "big"
