"""Infeasible scenarios are explained in the commissioner's words."""

from __future__ import annotations

import pytest

from cases import make_case
from lotting import InfeasibleError, Scenario, solve
from lotting.mip.diagnose import infeasibility_reasons
from lotting.rules.options import build_options

SUPPLIERS = [("L1", "large", 1000, "*", "*"), ("L2", "large", 1000, "*", "*")]


def reasons(case, scenario):
    return " ".join(infeasibility_reasons(case, scenario, build_options(case, scenario)))


def test_units_nobody_covers(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "jobs", "north", 10), ("U2", "care", "south", 10)],
        [("A", "sme", 100, "jobs", "*")],
    )
    text = reasons(case, Scenario())
    assert "covers unit(s) U2 (care in south)" in text
    assert "U1" not in text


def test_units_short_of_bidders_even_alone(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "jobs", "north", 10), ("U2", "jobs", "south", 500)],
        [*SUPPLIERS[:1], ("small", "user_led", 100, "*", "*")],
    )
    text = reasons(case, Scenario(min_bidders=2))
    assert "unit U2 (jobs in south): 1" in text
    assert "U1" not in text


def test_bundle_heavier_than_max_lot_value(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "jobs", "n", 60, "big"), ("U2", "jobs", "s", 60, "big"), ("U3", "jobs", "s", 5)],
        SUPPLIERS,
    )
    text = reasons(case, Scenario(max_lot_value=100))
    assert "bundle 'big' (120)" in text and "max_lot_value 100" in text


def test_too_many_lots_needed_for_max_lot_value(tmp_path):
    case = make_case(tmp_path, [(f"U{i}", "j", f"a{i}", 50) for i in range(4)], SUPPLIERS)
    text = reasons(case, Scenario(max_lot_value=100, max_lots=1))
    assert "at least 2 lots" in text and "max_lots 1" in text


def test_islands_outnumber_max_lots(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "j", "mainland", 10), ("U2", "j", "orkney", 10), ("U3", "j", "shetland", 10)],
        SUPPLIERS,
        adjacency=[("mainland", ""), ("orkney", ""), ("shetland", "")],
    )
    text = reasons(case, Scenario(max_lots=2))
    assert "3 groups" in text and "orkney" in text and "max_lots 2" in text
    assert reasons(case, Scenario(max_lots=3)) == ""


def test_bundle_across_unconnected_areas(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "j", "north", 10, "b"), ("U2", "j", "south", 10, "b")],
        SUPPLIERS,
        adjacency=[("north", ""), ("south", "")],
    )
    assert "bundle 'b' joins areas that no chain of neighbours connects" in reasons(
        case, Scenario()
    )


def test_solver_infeasibility_gets_a_general_reason(tmp_path):
    # Each unit alone has 2 bidders, but the pair does not fit L2, and min_lot_value forces a pair.
    case = make_case(
        tmp_path,
        [("U1", "j", "a", 60), ("U2", "j", "a", 60)],
        [("L1", "large", 1000, "*", "*"), ("L2", "large", 100, "*", "*")],
    )
    scenario = Scenario(min_lot_value=100)
    assert reasons(case, scenario) == ""
    with pytest.raises(InfeasibleError) as err:
        solve(case, scenario, time_limit=None)
    assert "cannot all hold at once" in str(err.value)
    assert "lots worth at least 100" in str(err.value)


def test_min_bidders_too_high_says_the_highest_that_can_work(tmp_path):
    case = make_case(
        tmp_path,
        [("U1", "jobs", "north", 10), ("U2", "jobs", "south", 10)],
        [*SUPPLIERS, ("A", "sme", 100, "jobs", "north")],
    )
    text = reasons(case, Scenario(min_bidders=10))
    assert "Unit U2 (jobs in south) has only 2 possible bid option(s)" in text
    assert "so min_bidders can be at most 2" in text


def test_one_lot_names_the_rule_the_whole_contract_breaks(tmp_path):
    """Each unit alone has 3 bidders, but only the two large suppliers can hold both."""
    case = make_case(
        tmp_path,
        [("U1", "jobs", "north", 10), ("U2", "care", "north", 10)],
        [*SUPPLIERS, ("A", "sme", 100, "jobs", "*"), ("B", "sme", 100, "care", "*")],
    )
    with pytest.raises(InfeasibleError) as err:
        solve(case, Scenario(max_lots=1, min_bidders=3), time_limit=None)
    text = str(err.value)
    assert "With max_lots 1 the whole contract is one lot" in text
    assert "2 bidder(s), fewer than min_bidders 3" in text
    assert "cannot all hold at once" not in text
