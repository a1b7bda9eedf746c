"""The market report of ``lotting check``, on hand-made cases whose answers are worked out below."""

from __future__ import annotations

from pathlib import Path

import pytest

from cases import make_case
from lotting import Scenario, load_case
from lotting.present.market_check import WIDTH, market_report

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example" / "contract.csv"


@pytest.fixture
def case(tmp_path):
    # Units: A jobs/north 100, B jobs/south 80, C peer/north 50, D peer/east 40 (nobody works in
    # east), E peer/south 60.
    # big (large, 1000, everything in north and south) subcontracts to u2;
    # mid, u1 and v1 form a consortium triangle; u1..u5 are user-led (the targets).
    # u1 (30) is too small for C (50) alone but its cliques can hold C; u2 (20) is too small for
    # E (60) but sits in big's supply chain; u3 (10) covers only B (80) and has no partner;
    # u4 works only in "west", which the contract lacks; u5 (100) can hold C and E alone.
    return make_case(
        tmp_path,
        [
            ("A", "jobs", "north", 100),
            ("B", "jobs", "south", 80),
            ("C", "peer", "north", 50),
            ("D", "peer", "east", 40),
            ("E", "peer", "south", 60),
        ],
        [
            ("big", "large", 1000, "*", "north;south"),
            ("mid", "vcse", 90, "jobs;peer", "north"),
            ("v1", "vcse", 30, "peer", "north"),
            ("u1", "user_led", 30, "peer", "north"),
            ("u2", "user_led", 20, "peer", "south"),
            ("u3", "user_led", 10, "jobs", "south"),
            ("u4", "user_led", 5, "jobs", "west"),
            ("u5", "user_led", 100, "peer", "north;south"),
        ],
        [
            ("u1", "v1", "consortium"),
            ("v1", "mid", "consortium"),
            ("mid", "u1", "consortium"),
            ("big", "u2", "subcontract"),
        ],
    )


def rows(df, key):
    return {r[key]: r for r in df.to_dict("records")}


def test_options_per_unit_by_hand(case):
    units = market_report(case, Scenario()).units
    assert units["unit"].tolist() == ["A", "B", "C", "D", "E"]
    counts = units.set_index("unit")[
        ["suppliers_alone", "lead_options", "consortium_options", "options", "target_options"]
    ]
    # A (100): big alone (mid 90 too small); cliques mid+u1, mid+v1, mid+u1+v1 (u1+v1 lacks jobs)
    assert counts.loc["A"].tolist() == [1, 1, 3, 4, 2]
    # B (80): only big (u3 has 10); no clique covers jobs in south
    assert counts.loc["B"].tolist() == [1, 1, 0, 1, 0]
    # C (50): big, mid, u5 alone; all four cliques; targets u5, mid+u1, u1+v1, mid+u1+v1
    assert counts.loc["C"].tolist() == [3, 3, 4, 7, 4]
    assert counts.loc["D"].tolist() == [0, 0, 0, 0, 0]
    # E (60): big (its chain adds u2) and u5; u2 alone has 20
    assert counts.loc["E"].tolist() == [2, 2, 0, 2, 1]


def test_uncovered_and_few_options_are_flagged(case):
    report = market_report(case, Scenario())
    assert report.uncovered == ["D"]
    flags = dict(zip(report.units["unit"], report.units["flag"], strict=True))
    assert flags == {
        "A": "",
        "B": "fewer than min_bidders (2) options alone",
        "C": "",
        "D": "no one covers it",
        "E": "",
    }
    # with min_bidders 1 only the uncovered unit stays flagged
    relaxed = market_report(case, Scenario(min_bidders=1)).units
    assert relaxed.loc[relaxed["flag"] != "", "unit"].tolist() == ["D"]


def test_kinds_keep_every_kind_in_order(case):
    kinds = market_report(case, Scenario()).kinds
    assert kinds.columns.tolist() == ["kind", "suppliers", "capacity", "targets"]
    assert kinds.values.tolist() == [
        ["user_led", 5, 165.0, 5],
        ["vcse", 2, 120.0, 0],
        ["sme", 0, 0.0, 0],
        ["large", 1, 1000.0, 0],
    ]
    wider = market_report(case, Scenario(target_kinds=("user_led", "vcse"))).kinds
    assert wider["targets"].tolist() == [5, 2, 0, 0]


def test_stranded_targets_and_what_would_help(case):
    stranded = market_report(case, Scenario()).stranded
    assert stranded.columns.tolist() == [
        "supplier",
        "kind",
        "capacity",
        "covers",
        "reason",
        "would_help",
    ]
    assert stranded["supplier"].tolist() == ["u1", "u2", "u3", "u4"]  # u5 can hold C and E
    by = rows(stranded, "supplier")
    assert by["u1"]["covers"] == 1 and by["u1"]["capacity"] == 30
    assert by["u1"]["reason"] == (
        "every unit it covers is worth more than its capacity 30 (smallest 50)"
    )
    assert by["u1"]["would_help"] == "a consortium with mid, with v1 or with mid + v1"
    assert by["u2"]["would_help"] == "as a subcontractor to big"
    # u3 covers only B (80) with capacity 10: a partner needs 80 - 10 = 70
    assert by["u3"]["would_help"] == (
        "nothing in the current partner graph: a consortium partner with capacity ≥ 70 would let "
        "it bid for B (jobs in south, 80)"
    )
    assert by["u4"]["covers"] == 0
    assert by["u4"]["reason"] == "covers no unit of the contract"
    assert by["u4"]["would_help"].startswith("nothing in the current partner graph")


def test_supply_chain_helps_only_with_subcontracting(case):
    stranded = market_report(case, Scenario(subcontracting=False)).stranded
    assert rows(stranded, "supplier")["u2"]["would_help"] == (
        "nothing in the current partner graph: a consortium partner with capacity ≥ 40 would let "
        "it bid for E (peer in south, 60)"
    )


def test_wider_targets_strand_small_vcse(case):
    stranded = market_report(case, Scenario(target_kinds=("user_led", "vcse"))).stranded
    assert stranded["supplier"].tolist() == ["u1", "u2", "u3", "u4", "v1"]  # mid holds C
    assert rows(stranded, "supplier")["v1"]["would_help"] == (
        "a consortium with mid, with u1 or with mid + u1"
    )


def test_components_and_cliques_of_the_partner_graph(case):
    report = market_report(case, Scenario())
    assert report.components.values.tolist() == [
        [1, 3, "mid;u1;v1", "user_led;vcse"],
        [2, 2, "big;u2", "user_led;large"],
    ]
    cliques = report.cliques
    assert cliques.columns.tolist() == [
        "members",
        "kinds",
        "capacity",
        "units_covered",
        "units_alone",
        "has_target",
    ]
    assert cliques.values.tolist() == [
        ["mid;u1", "user_led;vcse", 120.0, 2, 2, True],
        ["mid;v1", "vcse", 120.0, 2, 2, False],
        ["u1;v1", "user_led;vcse", 60.0, 1, 1, True],
        ["mid;u1;v1", "user_led;vcse", 150.0, 2, 2, True],
    ]
    assert len(market_report(case, Scenario(max_consortium=2)).cliques) == 3


def test_no_consortia_means_no_consortium_options(case):
    report = market_report(case, Scenario(consortia=False))
    assert report.units["consortium_options"].tolist() == [0, 0, 0, 0, 0]
    assert report.units["options"].tolist() == [1, 1, 3, 0, 2]
    assert report.units.loc[report.units["flag"] != "", "unit"].tolist() == ["A", "B", "D"]
    assert rows(report.stranded, "supplier")["u1"]["would_help"] == (
        "nothing (consortia are off): a consortium partner with capacity ≥ 20 would let it bid "
        "for C (peer in north, 50)"
    )


def test_warnings_come_from_the_case(case):
    report = market_report(case, Scenario())
    assert report.warnings == case.warnings
    assert any("'west'" in w for w in report.warnings)


def test_text_report(case):
    report = market_report(case, Scenario())
    text = report.to_text()
    for heading in (
        "Market check",
        "Warnings",
        "Suppliers by kind",
        "Units: bid options for a lot holding only that unit",
        "Flagged units",
        "Stranded target suppliers",
        "Partner graph: connected components",
        "Consortium cliques",
    ):
        assert heading in text
    assert "Units no option covers: D." in text
    assert "D (peer in east, 40): no one covers it" in text
    assert "B (jobs in south, 80): fewer than min_bidders (2) options alone" in text
    assert "u3 (user_led, capacity 10, covers 1 unit)" in text
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert text == market_report(case, Scenario()).to_text()


def test_text_cuts_long_lists(tmp_path):
    # one hub subcontracting to 30 suppliers with long names makes a component too wide to list
    names = [f"supplier-with-a-long-name-{i:02d}" for i in range(30)]
    case = make_case(
        tmp_path,
        [("A", "jobs", "north", 100)],
        [("hub", "large", 1000, "*", "*")] + [(n, "user_led", 10, "jobs", "*") for n in names],
        [("hub", n, "subcontract") for n in names],
    )
    text = market_report(case, Scenario()).to_text()
    assert "more" in text.split("Partner graph")[1]
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def test_example_invariants():
    report = market_report(load_case(EXAMPLE), Scenario())
    units = report.units
    assert len(units) == 64
    assert report.uncovered == []
    assert (units["options"] >= 2).all()
    assert (units["flag"] == "").all()
    assert (units["options"] == units["lead_options"] + units["consortium_options"]).all()
    assert (units["suppliers_alone"] <= units["lead_options"]).all()
    assert (units["target_options"] <= units["options"]).all()
    assert report.kinds["kind"].tolist() == ["user_led", "vcse", "sme", "large"]
    assert report.kinds["suppliers"].sum() == 32
    assert set(report.stranded["kind"]) <= {"user_led"}
    assert report.components["size"].sum() == len(
        set(report.components["members"].str.split(";").sum())
    )
    assert (report.cliques["members"].str.count(";") <= 2).all()
    text = report.to_text()
    assert max(len(line) for line in text.splitlines()) <= WIDTH


def test_no_partner_file(tmp_path):
    case = make_case(
        tmp_path,
        [("A", "jobs", "north", 100)],
        [("big", "large", 1000, "*", "*"), ("u1", "user_led", 100, "jobs", "north")],
    )
    report = market_report(case, Scenario())
    assert report.components.empty and report.cliques.empty and report.stranded.empty
    assert report.units["options"].tolist() == [2]
    assert report.units["target_options"].tolist() == [1]
    assert "(none)" in report.to_text()


def test_text_names_suppliers_by_name_with_their_identifier():
    example = load_case(Path(__file__).resolve().parents[1] / "data" / "example" / "contract.csv")
    text = market_report(example, Scenario()).to_text()
    assert "Granitegate Peers (ulo-aberdeen-peers; user_led, capacity 180,000" in text
    assert "would help: a consortium with Dunmorrow Trust; as a subcontractor to Inverbrae" in text
