"""The optimiser on a case small enough to solve by hand, one rule at a time.

The case is tests/data/path4 (its README gives the hand computation): four units of 100 in
areas a1-a2-a3-a4 (a path); two large suppliers cover everything; the user-led X covers a1 and
Y covers a4 (capacity 150 each); in some tests X and Y would also bid as a consortium. With lot
cost 10, reach value 100 and open rate 0.1, the best plan is {U1}, {U2, U3}, {U4}: reach 2,
open value 200, 3 lots: 200 + 20 - 30 = 190.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import printed_under_hash_seeds
from lotting import Case, InfeasibleError, Scenario, load_case, solve
from lotting.mip.model import build_model
from lotting.rules.blocks import make_blocks
from lotting.rules.options import build_options

BASE = Scenario(lot_cost=10, reach_value=100, open_rate=0.1, min_bidders=1)
DATA = Path(__file__).parent / "data" / "path4"
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example" / "contract.csv"


def case_with(path: bool = True, bundle: bool = False, partners: bool = False) -> Case:
    """The path4 case (tests/data/path4/README.md), with or without its adjacency, bundle and
    consortium."""
    return load_case(
        DATA / ("contract-bundled.csv" if bundle else "contract.csv"),
        DATA / "suppliers.csv",
        DATA / "consortium.csv" if partners else None,
        DATA / "path.csv" if path else None,
    )


def lots_of(plan):
    return sorted(";".join(units) for units in plan.lots["units"])


@pytest.mark.parametrize(
    ("changes", "objective", "lots"),
    [
        ({}, 190, ["U1", "U2;U3", "U4"]),
        ({"max_lots": 2}, 90, None),  # one user-led lot only: 100 + 10 - 20
        ({"max_lot_value": 150}, 180, ["U1", "U2", "U3", "U4"]),  # 200 + 20 - 40
        ({"min_lot_value": 200}, -10, ["U1;U2;U3;U4"]),  # no lot of 100: one lot
        ({"min_bidders": 2}, 190, ["U1", "U2;U3", "U4"]),
    ],
)
def test_hand_computed_optimum(changes, objective, lots):
    plan = solve(case_with(), BASE.replace(**changes), time_limit=None)
    assert plan.status == "optimal" and plan.gap == 0.0
    assert plan.objective == pytest.approx(objective)
    if lots is not None:
        assert lots_of(plan) == lots


def test_bundle_keeps_units_together():
    # U1 and U2 share a lot, which X cannot hold: only Y's lot counts: 100 + 10 - 20 = 90.
    plan = solve(case_with(bundle=True), BASE, time_limit=None)
    assert plan.objective == pytest.approx(90)
    assert lots_of(plan) == ["U1;U2;U3", "U4"]


def test_consortium_lot_needs_contiguity():
    # Without borders X+Y can hold {U1, U4}: reach 2, open 200, 2 lots: 200 + 20 - 20 = 200.
    free = solve(case_with(path=False, partners=True), BASE, time_limit=None)
    assert free.objective == pytest.approx(200)
    assert lots_of(free) == ["U1;U4", "U2;U3"]
    # Along the path a1-a2-a3-a4 they cannot: 190 at best.
    joined = solve(case_with(partners=True), BASE, time_limit=None)
    assert joined.objective == pytest.approx(190)
    alone = solve(case_with(path=False, partners=True), BASE.replace(consortia=False))
    assert alone.objective == pytest.approx(190)


def test_too_few_bidders_is_infeasible_with_reasons():
    with pytest.raises(InfeasibleError) as err:
        solve(case_with(), BASE.replace(min_bidders=3), time_limit=None)
    text = str(err.value)
    assert "min_bidders 3" in text and "U2" in text and "U3" in text


def test_open_lots_are_never_empty_and_within_max_lots():
    case = case_with()
    model = build_model(BASE, build_options(case, BASE), make_blocks(case), case.adjacency)
    assert model.n_lots == 4
    plan = solve(case, BASE.replace(lot_cost=0, reach_value=0, open_rate=0), time_limit=None)
    assert (plan.lots["n_units"] > 0).all()


def test_aggregate_from_is_a_parameter():
    """Contracts with more blocks than ``aggregate_from`` (by default every contract) get
    aggregated coverage rows."""
    case = case_with(path=False, partners=True)
    options, blocks = build_options(case, BASE), make_blocks(case)
    default = build_model(BASE, options, blocks)
    high = build_model(BASE, options, blocks, aggregate_from=len(blocks))
    assert default.stats == build_model(BASE, options, blocks, aggregate=True).stats
    assert high.stats == build_model(BASE, options, blocks, aggregate=False).stats
    assert default.stats["constraints"] < high.stats["constraints"]


def test_pulp_form_has_the_same_columns_rows_and_optimum():
    """The PuLP problem built from the arrays (for CBC and LP/MPS files) is the same model:
    one variable per column, one constraint per row (ranged rows: two), and HiGHS and CBC
    agree on its optimum."""
    from lotting.mip.solver import run

    case = case_with(partners=True)
    model = build_model(BASE, build_options(case, BASE), make_blocks(case), case.adjacency)
    problem, variables = model.mip.to_pulp()
    assert len(variables) == model.mip.count == len(problem.variables())
    assert problem.numConstraints() == model.mip.rows
    highs, cbc = run(model.mip, time_limit=None), run(model.mip, "cbc", time_limit=None)
    assert highs.status == cbc.status == "optimal"
    worth = [
        sum(g * v for g, v in zip(model.mip.cost, r.values or [], strict=True))
        for r in (highs, cbc)
    ]
    assert worth[0] == pytest.approx(worth[1]) == pytest.approx(190)


def test_the_arrays_do_not_depend_on_the_hash_seed():
    """Same inputs, same model: path4's arrays (candidates, consortium, contiguity) hash the
    same under two hash seeds."""

    code = (
        "from lotting import load_case, Scenario\n"
        "from lotting.mip.candidates import listed_candidates\n"
        "from lotting.mip.model import build_model\n"
        "from lotting.rules.blocks import make_blocks\n"
        "from lotting.rules.options import build_options\n"
        "d = 'tests/data/path4/'\n"
        "case = load_case(d + 'contract.csv', d + 'suppliers.csv', d + 'consortium.csv',"
        " d + 'path.csv')\n"
        "s = Scenario(lot_cost=10, reach_value=100, open_rate=0.1, min_bidders=1)\n"
        "o, b = build_options(case, s), make_blocks(case)\n"
        "listed, credited = listed_candidates(case, s, o, b)\n"
        "print(build_model(s, o, b, case.adjacency, listed, credited).mip.digest())\n"
    )
    root = Path(__file__).resolve().parents[1]
    digests = printed_under_hash_seeds(code, root)
    assert len(digests) == 1 and len(next(iter(digests)).strip()) == 64


def test_building_stops_between_families_once_the_stop_is_due():
    from lotting.mip.model import Abandoned
    from lotting.stop import Stop

    case = load_case(EXAMPLE)
    scenario = Scenario()
    options, blocks = build_options(case, scenario), make_blocks(case)
    assert build_model(scenario, options, blocks, case.adjacency, stop=Stop()).stats["variables"]
    stop = Stop()
    stop.request("interrupted")
    with pytest.raises(Abandoned):
        build_model(scenario, options, blocks, case.adjacency, stop=stop)
    with pytest.raises(Abandoned):
        build_model(scenario, options, blocks, case.adjacency, stop=Stop.after(0.0))


def test_ruled_out_blocks_leave_the_plain_family_and_their_columns_close():
    """path4 built without block 1 in its plain lots has no x column for it there; in the full
    model the frontier closes those columns instead, and a ruled-out listed lot's z, for k lots
    (lots numbered k or more closed as before)."""
    from lotting.mip.candidates import listed_candidates
    from lotting.mip.colgen import RuledOut

    case = case_with()
    options, blocks = build_options(case, BASE), make_blocks(case)
    listed, unlisted = listed_candidates(case, BASE, options, blocks)
    full = build_model(BASE, options, blocks, case.adjacency, listed, unlisted)
    assert len(listed) >= 2
    b, last = listed[0].blocks[0], len(listed) - 1  # b stays in the listed lot 0
    ruled = RuledOut(candidates=frozenset({last}), plain=frozenset({b}))
    small = build_model(BASE, options, blocks, case.adjacency, listed, unlisted, ruled=ruled)
    assert small.families[0].members == [x for x in range(len(blocks)) if x != b]
    assert full.families[0].members == list(range(len(blocks)))
    assert small.stats["variables"] < full.stats["variables"]
    columns, upper = full.ruled_columns(2, ruled)
    closed = {var for var, up in zip(columns, upper, strict=True) if up == 0.0}
    plain = full.families[0]
    assert {var for (i, _), var in plain.x.items() if i == b} <= closed
    assert full.z[last] in closed and all(full.z[c] not in closed for c in range(last))
    assert {var for (_, lot), var in plain.x.items() if lot >= 2} <= closed
    assert all(var not in closed for (i, lot), var in plain.x.items() if i != b and lot < 2)
