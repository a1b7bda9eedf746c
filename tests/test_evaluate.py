"""Exact evaluation on a case whose figures are computed by hand."""

from __future__ import annotations

import pytest

from cases import make_case
from lotting import Scenario, evaluate_division
from lotting.rules.lots import LotJudge
from lotting.rules.scoring import evaluate_lots, objective


@pytest.fixture
def case(tmp_path):
    return make_case(
        tmp_path,
        [("A", "jobs", "north", 100), ("B", "jobs", "south", 50), ("C", "peer", "north", 30)],
        [
            ("big", "large", 1000, "*", "*"),
            ("big2", "large", 120, "*", "*"),
            ("ulo1", "user_led", 40, "peer", "north"),
            ("ulo2", "user_led", 60, "jobs", "south"),
            ("prime", "sme", 80, "jobs", "north"),
            ("ulo3", "user_led", 100, "peer", "north"),
        ],
        [("prime", "ulo3", "subcontract")],
    )


def test_hand_computed_division(case):
    ev = evaluate_division(case, Scenario(), {"A": "X", "C": "X", "B": "Y"})
    lots = ev.lots.set_index("lot")
    # Lot 1 = A + C (130): big fits; big2 (120) does not; prime leads with ulo3 for C:
    # own 100 ≥ 65, capacity 80 ≥ 65, 80 + 100 ≥ 130.
    assert lots.loc[1, "units"] == "A;C"
    assert lots.loc[1, "value"] == 130
    assert lots.loc[1, "options"] == "big;prime"
    assert lots.loc[1, "target_holders"] == ""
    # Lot 2 = B (50): big, big2 and ulo2 (a user-led organisation) can bid.
    assert lots.loc[2, "options"] == "big;big2;ulo2"
    assert lots.loc[2, "target_holders"] == "ulo2"
    assert ev.metrics == {
        "n_lots": 2,
        "reach": 1,
        "open_value": 50.0,
        "sub_reach": 1,  # ulo3, only as prime's subcontractor
        "total_value": 180.0,
        "fewest_bidders": 2,
        "objective": 10_000 * 1 + 0.05 * 50 - 20_000 * 2,
    }
    assert ev.feasible and ev.breaches == []
    assert ev.assignment["lot"].tolist() == [1, 2, 1]
    assert ev.assignment["given_lot"].tolist() == ["X", "Y", "X"]


def test_target_holder_lot_counts_once_for_reach(case):
    # C alone: ulo1 (40 ≥ 30) and ulo3 (100) hold it; big, big2 too; prime cannot (own 0).
    check = LotJudge(case, Scenario()).judge([2])
    assert [o.id for o in check.eligible] == ["big", "big2", "ulo1", "ulo3"]
    assert check.holders == ("ulo1", "ulo3")
    ev = evaluate_lots(case, Scenario(), [[0], [1], [2]])
    assert ev.metrics["reach"] == 3  # ulo1, ulo2, ulo3
    assert ev.metrics["open_value"] == 80
    assert ev.metrics["sub_reach"] == 0


def test_lots_are_numbered_by_first_unit(case):
    ev = evaluate_lots(case, Scenario(), [[2], [1], [0]])
    assert ev.lots["units"].tolist() == ["A", "B", "C"]
    assert "given_lot" not in ev.assignment


@pytest.mark.parametrize(
    ("scenario", "division", "words"),
    [
        (Scenario(min_bidders=3), [[0, 2], [1]], "lot 1: 2 bidder(s), fewer than min_bidders 3"),
        (Scenario(max_lots=1), [[0, 2], [1]], "2 lots, more than max_lots 1"),
        (Scenario(min_lot_value=60), [[0, 2], [1]], "lot 2: value 50 below min_lot_value 60"),
        (Scenario(max_lot_value=120), [[0, 2], [1]], "lot 1: value 130 above max_lot_value 120"),
    ],
)
def test_breaches_are_listed(case, scenario, division, words):
    ev = evaluate_lots(case, scenario, division)
    assert words in ev.breaches
    assert not ev.feasible


def test_contiguity_and_bundle_breaches(tmp_path):
    case = make_case(
        tmp_path,
        [
            ("A", "jobs", "north", 10, "b1"),
            ("B", "jobs", "south", 10),
            ("C", "jobs", "east", 10, "b1"),
        ],
        [("big", "large", 100, "*", "*"), ("big2", "large", 100, "*", "*")],
        adjacency=[("north", "east"), ("south", "")],
    )
    ev = evaluate_lots(case, Scenario(), [[0, 1], [2]])
    assert "lot 1: areas not connected (2 separate pieces)" in ev.breaches
    assert "bundle 'b1' split across lots 1, 2" in ev.breaches
    assert evaluate_lots(case, Scenario(), [[0, 2], [1]]).feasible


def test_objective_formula():
    s = Scenario(lot_cost=3, reach_value=5, open_rate=0.5)
    assert objective(s, reach=2, open_value=10, n_lots=4) == 5 * 2 + 0.5 * 10 - 3 * 4


def test_breaches_name_the_commissioners_labels(case):
    from lotting import evaluate

    plan = evaluate(case, Scenario(min_bidders=3), {"A": "North", "B": "South", "C": "North"})
    assert plan.evaluation.lots["given_lot"].tolist() == ["North", "South"]
    assert plan.evaluation.breaches == ["lot North: 2 bidder(s), fewer than min_bidders 3"]


def test_evaluate_takes_a_unit_lot_dataframe(case):
    import pandas as pd

    from lotting import evaluate

    table = pd.DataFrame({"unit": ["A", "B", "C"], "lot": ["x", "y", "x"]})
    by_frame = evaluate(case, Scenario(min_bidders=1), table)
    by_dict = evaluate(case, Scenario(min_bidders=1), {"A": "x", "B": "y", "C": "x"})
    assert by_frame.to_dict() == by_dict.to_dict()
    again = evaluate(case, Scenario(min_bidders=1), by_frame.assignment)
    assert again.metrics == by_frame.metrics


@pytest.mark.parametrize(
    ("division", "words"),
    [
        ({"unit": ["A"], "group": [1]}, "needs columns unit and lot"),
        ({"unit": ["A", "B"], "lot": [1, 1]}, "units without a lot: C"),
        ({"unit": ["A", "A", "B", "C"], "lot": [1, 2, 1, 1]}, "units repeated: A"),
    ],
)
def test_evaluate_says_what_is_wrong_with_a_division_table(case, division, words):
    import pandas as pd

    from lotting import InputError, evaluate

    with pytest.raises(InputError) as err:
        evaluate(case, Scenario(), pd.DataFrame(division))
    assert words in str(err.value)
