"""Award caps: the optimum under --max-awards against exhaustive enumeration, on cases built so
that the cap binds, and the witness search on hand-made lots."""

from __future__ import annotations

from rulecases import award_case, check

from lotting import Scenario, evaluate
from lotting.rules.awards import award_blockers, award_witness
from lotting.rules.options import Option

SEEDS = range(16)


def lead(name: str) -> Option:
    """A lead option of one supplier (only its holders matter to the award)."""
    return Option(name, "lead", (name,), (), frozenset(), frozenset(), 1, 1, 0, ())


def test_cap_matches_brute_force_and_binds(tmp_path):
    """Exact under caps of 1 and 2; the cap changes the optimum (or makes the scenario
    infeasible) in 6 of these 32 runs: asserted at least 5."""
    binds = 0
    for seed in SEEDS:
        case, scenario = award_case(seed, tmp_path)
        free = check(case, scenario)
        for cap in (1, 2):
            capped = check(case, scenario.replace(max_awards=cap))
            binds += capped != free
    assert binds >= 5


def test_cap_exact_in_the_compact_model(tmp_path):
    """The purely compact model carries the award choice too."""
    for seed in SEEDS[:6]:
        case, scenario = award_case(seed, tmp_path)
        check(case, scenario.replace(max_awards=1), enumerate_lots=False)


def test_witness_uses_consortium_members_once_each():
    a, b = lead("a"), lead("b")
    ab = Option("a+b", "consortium", ("a", "b"), (), frozenset(), frozenset(), 1, 1, 0, ())
    assert award_witness([[ab], [a, b]], 1) is None
    assert [o.id for o in award_witness([[ab], [a, b]], 2)] == ["a+b", "a"]
    assert award_blockers([[ab], [a], [b]], 1) == ([0, 2], ["a", "b"])


def test_evaluation_gives_the_witness_or_the_blockers(tmp_path):
    from cases import make_case

    case = make_case(
        tmp_path,
        [("A", "s", "x", 10.0), ("B", "s", "y", 10.0)],
        [("only", "large", 100, "*", "*")],
    )
    two = {"A": 1, "B": 2}
    ok = evaluate(case, Scenario(min_bidders=1, max_awards=2), two)
    assert ok.evaluation.award == {1: "only", 2: "only"} and ok.status == "feasible"
    assert ok.to_dict()["award"] == {"1": "only", "2": "only"}
    broken = evaluate(case, Scenario(min_bidders=1, max_awards=1), two)
    assert broken.status == "infeasible"
    assert broken.evaluation.breaches == [
        "not awardable with max_awards 1: lots 1, 2 cannot all be won at once without only "
        "winning more than 1 lot(s)"
    ]


def test_named_case_award_cap():
    """tests/data/award-cap (its README gives the computation): 7,005 with a cap of 2, and
    with a cap of 1 infeasible, naming the units only ingeus can hold."""
    from pathlib import Path

    import pytest

    from lotting import InfeasibleError, load_case, solve

    case = load_case(Path(__file__).parent / "data" / "award-cap" / "contract.csv")
    scenario = Scenario(min_bidders=1, max_lot_value=150, lot_cost=1000)
    plan = solve(case, scenario.replace(max_awards=2), time_limit=None)
    assert plan.status == "optimal" and plan.objective == pytest.approx(7005)
    assert plan.evaluation.award == {1: "ingeus", 2: "ingeus", 3: "fife-ulo"}
    assert plan.lots["robust_bidders"].tolist() == [0, 0, 1]
    assert plan.lots["weakest_supplier"].tolist() == ["ingeus", "ingeus", "fife-ulo"]  # a tie
    with pytest.raises(InfeasibleError) as err:
        solve(case, scenario.replace(max_awards=1), time_limit=None)
    assert (
        "With --max-awards 1, the 2 unit(s) of Highland and Moray can only be held by ingeus"
        in str(err.value)
    )


def test_frontier_solves_each_lot_count_under_the_cap():
    """award-cap with --max-awards 1: 1 and 2 lots can be awarded, 3 lots cannot (ingeus
    would win both {H} and {M})."""
    from pathlib import Path

    from lotting import frontier, load_case

    case = load_case(Path(__file__).parent / "data" / "award-cap" / "contract.csv")
    table = frontier(case, Scenario(min_bidders=1, max_awards=1, max_lots=3), time_limit=None)
    assert table["status"].tolist() == ["optimal", "optimal", "infeasible"]
    assert table["objective"].iloc[1] == 10_000 + 0.05 * 100 - 2 * 20_000
