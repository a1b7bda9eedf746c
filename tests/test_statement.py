"""The "divide or explain" statement: every number in it comes from plan.json or the frontier.

For each scenario of the tiny case, every number of the statement is parsed out of the text and
must be a figure of the plan's plan.json document or of its frontier rows (or a difference of
two of them). tests/test_report_html.py does the same on the files `lotting report` writes.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest

from conftest import write_tiny_case
from lotting import Scenario, evaluate, load_case, solve
from lotting.frontier import frontier
from lotting.present.statement import LAW, divide_or_explain, lot_access

#: name → scenario. "whole": one lot is optimal (a second lot costs far more than it buys).
SCENARIOS = {
    "default": {},
    "whole": {"lot_cost": 1_000_000},
    "divided": {"reach_value": 100_000, "lot_cost": 1_000},
    "no_consortia": {"reach_value": 100_000, "lot_cost": 1_000, "consortia": False},
    "sme_targets": {"target_kinds": ("user_led", "sme"), "reach_value": 50_000},
    "capped": {"reach_value": 100_000, "lot_cost": 1_000, "max_lot_value": 200_000},
}

NUMBER = re.compile(r"(?<![\w.])([+\-−]?)[£]?(\d[\d,]*(?:\.\d+)?)")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """name → (statement text, plan.json document, frontier rows as frontier.csv reads)."""
    folder = write_tiny_case(tmp_path_factory.mktemp("statement") / "case")
    case = load_case(folder / "contract.csv")
    out = {}
    for name, fields in SCENARIOS.items():
        scenario = Scenario(**fields)
        plan = solve(case, scenario)
        n = plan.metrics["n_lots"]
        table = frontier(case, scenario, ks={1, n - 1, 2}, chosen=plan)
        text = " ".join(divide_or_explain(case, plan, table).text().split())
        rows = list(csv.DictReader(io.StringIO(table.to_csv(index=False, lineterminator="\n"))))
        out[name] = (text, json.loads(plan.to_json()), rows)
    return out


def statement_of(page: str) -> str:
    """The statement's text out of report.html."""
    block = re.search(r'<div class="statement">(.*?)</div>', page, re.S)
    assert block, "no statement in report.html"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block.group(1))).split())


def numbers_in(text: str) -> list[float]:
    """Every number of the text (the law's references taken out), signed."""
    text = text.replace(LAW, "")
    found = []
    for sign, digits in NUMBER.findall(text):
        value = float(digits.replace(",", ""))
        found.append(-value if sign in "-−" and sign else value)
    return found


def percent(share: float) -> float:
    return round(100 * share, 1)


def allowed(plan: dict, rows: list[dict]) -> set[float]:
    """The figures the statement may quote: plan.json's, the frontier's, and their differences."""
    m, s = plan["metrics"], plan["scenario"]
    n = m["n_lots"]
    figures = {
        n,
        n - 1,
        m["reach"],
        m["sub_reach"],
        m["open_value"],
        m["total_value"],
        m["fewest_bidders"],
        plan["objective"],
        s["lot_cost"],
        s["lot_cost"] * (n - 1),
        s["min_bidders"],
        sum(len(lot["units"]) for lot in plan["lots"]),
        percent(m["open_value"] / m["total_value"]),
        percent(plan["gap"] or 0),
    }
    figures.update(s[k] for k in ("min_lot_value", "max_lot_value") if s[k] is not None)
    for lot in plan["lots"]:
        figures.update({lot["lot"], lot["value"], lot["bidders"]})
    for row in rows:
        if row["objective"] == "":
            continue
        figures.update(
            {
                int(row["k"]),
                float(row["reach"]),
                float(row["open_value"]),
                float(row["objective"]),
                plan["objective"] - float(row["objective"]),
                float(row["reach"]) - m["reach"],
            }
        )
    return {float(f) for f in figures}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_number_in_the_statement_is_a_figure_of_the_plan(reports, name):
    text, plan, rows = reports[name]
    found = numbers_in(text)
    figures = allowed(plan, rows)
    strays = [v for v in found if v not in figures]
    assert not strays, f"numbers not from plan.json/frontier.csv: {strays}\n{text}"
    m = plan["metrics"]
    # The headline figures are there, not just allowed.
    assert m["total_value"] in found and plan["scenario"]["lot_cost"] in found
    assert float(m["reach"]) in found
    if m["n_lots"] > 1:
        assert float(m["n_lots"]) in found and m["open_value"] in found
    one = next(r for r in rows if r["k"] == "1")
    if one["status"] == "optimal":  # compared with the one-lot tender, score against score
        assert plan["objective"] in found and float(one["objective"]) in found
    assert "Directive 2014/24/EU Art. 46(1)" in text


def test_one_lot_optimal_gives_the_reasons_for_not_dividing(reports):
    text, plan, rows = reports["whole"]
    assert plan["metrics"]["n_lots"] == 1
    assert "is not divided into lots" in text
    two = next(r for r in rows if r["k"] == "2")
    loss = plan["objective"] - float(two["objective"])
    assert loss > 0
    assert f"£{loss:,.0f} a year less" in text
    assert "a second lot costs £1,000,000 a year" in text
    assert "Dividing would cost more than the access it buys" in text


def test_a_divided_contract_says_what_the_lots_cost_and_what_fewer_would_lose(reports):
    text, plan, rows = reports["divided"]
    n = plan["metrics"]["n_lots"]
    assert n == 3
    assert "is divided into 3 lots" in text
    assert f"The {n - 1} extra lots cost £2,000 a year against a single-lot tender" in text
    fewer = next(r for r in rows if int(r["k"]) == n - 1)
    assert f"With {n - 1} lots the best division would let" in text
    assert f"£{plan['objective'] - float(fewer['objective']):,.0f} a year less" in text
    one = next(r for r in rows if r["k"] == "1")
    assert f"£{plan['objective'] - float(one['objective']):,.0f} a year less" in text


def test_a_single_lot_that_breaks_a_rule_is_said_to_be_no_option(reports):
    text, _, rows = reports["capped"]
    assert next(r for r in rows if r["k"] == "1")["status"] == "infeasible"
    assert (
        "A single lot is not an option here: one lot would have a value above the largest lot "
        "allowed (£200,000)." in text
    )


def test_lot_access_says_alone_consortium_or_subcontractor(tmp_path):
    # Tiny case: ulo1 "User Led One" (user-led, 70,000, coaching and peer in North) is in a
    # consortium with vcse1 (90,000, peer everywhere) and big1 subcontracts to it. Lot {U3} (peer
    # North, 60,000) it can lead alone; lot {U1, U3} (160,000) only with vcse1 (70,000 + 90,000);
    # lot {U2, U4} is in the South, where it does not work. The whole contract (280,000) it can
    # reach only in big1's supply chain: the consortium lacks coaching in the South.
    case = load_case(write_tiny_case(tmp_path / "case") / "contract.csv")
    plan = evaluate(case, Scenario(), {"U1": "a", "U2": "b", "U3": "c", "U4": "b"})
    access = {a.lot: a for a in lot_access(case, plan)}
    assert access[1].alone == () and access[1].consortium == ("User Led One",)
    assert access[3].alone == ("User Led One",)
    assert access[2].alone == access[2].consortium == ()
    whole = evaluate(case, Scenario(), dict.fromkeys(case.units, 1))
    (single,) = lot_access(case, whole)
    assert single.subcontract == ("User Led One",) and not single.open


def test_the_statement_is_the_same_text_on_a_rerun(tmp_path):
    case = load_case(write_tiny_case(tmp_path / "case") / "contract.csv")
    scenario = Scenario(reach_value=100_000, lot_cost=1_000)
    plan = solve(case, scenario)
    table = frontier(case, scenario, ks={1, 2}, chosen=plan)
    first = divide_or_explain(case, plan, table).text()
    assert first == divide_or_explain(case, plan, table).text()
    assert first.count("\n- Lot ") == 3
    assert "€" in divide_or_explain(case, plan, table, currency="EUR").text()
