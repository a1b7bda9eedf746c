"""Bid options: leads with supply chains, consortium cliques, and the exact eligibility rule."""

from __future__ import annotations

import pytest

from cases import make_case
from lotting import Scenario
from lotting.rules.options import build_options, consortium_cliques


@pytest.fixture
def case(tmp_path):
    # Units A (60) and B (40); p covers A, s covers B, c1..c3 form a consortium triangle.
    return make_case(
        tmp_path,
        [("A", "jobs", "north", 60), ("B", "jobs", "south", 40)],
        [
            ("p", "sme", 50, "jobs", "north"),
            ("s", "user_led", 60, "jobs", "south"),
            ("c1", "user_led", 30, "jobs", "north"),
            ("c2", "vcse", 30, "jobs", "south"),
            ("c3", "user_led", 50, "jobs", "*"),
        ],
        [
            ("p", "s", "subcontract"),
            ("c1", "c2", "consortium"),
            ("c2", "c3", "consortium"),
            ("c1", "c3", "consortium"),
        ],
    )


def by_id(options):
    return {o.id: o for o in options}


def test_lead_option_uses_its_supply_chain(case):
    p = by_id(build_options(case, Scenario()))["p"]
    assert p.chain == ("s",)
    assert p.covers == {0, 1}
    assert p.own == {0}
    assert p.capacity == 110  # 50 + 60
    assert p.own_share == 0.5
    assert [name for name, _ in p.chain_targets] == ["s"]
    assert p.holders == ("p",) and p.targets == ()


def test_subcontract_share_rule_by_hand(case):
    values = [60.0, 40.0]
    p = by_id(build_options(case, Scenario()))["p"]
    # own 60 ≥ 0.5 × 100, cap(p) 50 ≥ 0.5 × 100, 50 + 60 ≥ 100
    assert p.is_eligible([0, 1], values)
    # only B: p itself delivers 0 < 0.5 × 40
    assert not p.is_eligible([1], values)
    # a stricter share: own 60 < 0.7 × 100
    strict = by_id(build_options(case, Scenario(max_sub_share=0.3)))["p"]
    assert not strict.is_eligible([0, 1], values)
    # cap(p) 50 < (1 - 0.45) × 100 = 55 fails the prime's own capacity rule
    tight = by_id(build_options(case, Scenario(max_sub_share=0.45)))["p"]
    assert tight.own_capacity < 55
    assert not tight.is_eligible([0, 1], values)


def test_without_subcontracting_lead_stands_alone(case):
    p = by_id(build_options(case, Scenario(subcontracting=False)))["p"]
    assert p.chain == () and p.covers == {0}
    assert not p.is_eligible([0], [60.0, 40.0])  # capacity 50 < 60
    assert p.is_eligible([0], [50.0, 40.0])


def test_consortium_cliques_up_to_max_size(case):
    assert consortium_cliques(case, 3) == [
        ("c1", "c2"),
        ("c1", "c3"),
        ("c2", "c3"),
        ("c1", "c2", "c3"),
    ]
    assert consortium_cliques(case, 2) == [("c1", "c2"), ("c1", "c3"), ("c2", "c3")]
    assert consortium_cliques(case, 1) == []


def test_consortium_option_pools_coverage_and_capacity(case):
    options = by_id(build_options(case, Scenario()))
    trio = options["c1+c2+c3"]
    assert trio.holders == ("c1", "c2", "c3")
    assert trio.capacity == 110
    assert trio.targets == ("c1", "c3")
    assert trio.is_eligible([0, 1], [60.0, 40.0])
    pair = options["c1+c2"]
    assert pair.capacity == 60
    assert not pair.is_eligible([0, 1], [60.0, 40.0])  # 60 < 100
    assert pair.is_eligible([0, 1], [30.0, 30.0])


def test_no_consortia_switch(case):
    options = build_options(case, Scenario(consortia=False))
    assert [o.type for o in options] == ["lead"] * 5
    assert [o.id for o in options] == ["c1", "c2", "c3", "p", "s"]


def test_target_kinds_decide_target_holders(case):
    options = by_id(build_options(case, Scenario(target_kinds=("vcse",))))
    assert options["c1+c2"].targets == ("c2",)
    assert options["s"].targets == ()
