"""The division as an OCDS 1.1 release package, validated offline against the shipped schemas."""

from __future__ import annotations

import copy
import dataclasses
import json
from types import SimpleNamespace

import pytest

from conftest import write_tiny_case
from lotting import LottingError, Scenario, ScenarioError, load_case, solve
from lotting.ocds import (
    PUBLISHED,
    default_ocid,
    merge_patch,
    release_package,
    release_schema,
    schema_errors,
    to_json,
    validate,
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    folder = write_tiny_case(tmp_path_factory.mktemp("ocds") / "case")
    return solve(load_case(folder / "contract.csv"), Scenario(max_lots=3))


def tender_of(package):
    return package["releases"][0]["tender"]


def test_items_are_the_units_with_their_lot_and_lots_carry_value_and_currency(plan):
    package = plan.to_ocds(ocid="ocds-abc123-1", published="2026-04-01T09:00:00Z")
    assert schema_errors(package) == []
    release = package["releases"][0]
    assert release["ocid"] == "ocds-abc123-1"
    assert release["date"] == package["publishedDate"] == "2026-04-01T09:00:00Z"
    tender = release["tender"]
    lot_of = dict(zip(plan.assignment["unit"], plan.assignment["lot"], strict=True))
    assert [i["id"] for i in tender["items"]] == ["U1", "U2", "U3", "U4"]
    assert {i["id"]: i["relatedLot"] for i in tender["items"]} == {
        u: str(n) for u, n in lot_of.items()
    }
    assert [lot["id"] for lot in tender["lots"]] == [str(n) for n in plan.evaluation.lots["lot"]]
    assert [lot["value"]["amount"] for lot in tender["lots"]] == plan.evaluation.lots[
        "value"
    ].tolist()
    assert {lot["value"]["currency"] for lot in tender["lots"]} == {"GBP"}
    assert tender["value"]["amount"] == 280000
    first = plan.evaluation.lots.iloc[0]
    assert first["areas"].split(";")[0] in tender["lots"][0]["description"]
    assert "lotDetails" not in tender  # no award cap in the scenario
    assert "lotGroups" not in tender
    assert all("otherRequirements" not in lot for lot in tender["lots"])


def test_defaults_are_fixed_so_the_file_is_byte_identical(plan):
    first, second = to_json(plan.to_ocds()), to_json(plan.to_ocds())
    assert first == second
    package = json.loads(first)
    assert package["publishedDate"] == PUBLISHED
    assert package["releases"][0]["ocid"] == default_ocid(plan.assignment)
    shuffled = plan.assignment.iloc[::-1]
    assert default_ocid(shuffled) == default_ocid(plan.assignment)
    changed = plan.assignment.assign(value=plan.assignment["value"] + 1)
    assert default_ocid(changed) != default_ocid(plan.assignment)


def test_award_cap_and_reserved_lots_are_published(plan):
    evaluation = plan.evaluation
    reserved = [i == 0 for i in range(len(evaluation.lots))]
    marked = dataclasses.replace(evaluation, lots=evaluation.lots.assign(reserved=reserved))
    package = release_package(
        marked,
        SimpleNamespace(max_awards=2),
        currency="EUR",
        reserve_code="publicServiceMissionOrganization",
    )
    assert schema_errors(package) == []
    tender = tender_of(package)
    assert tender["lotDetails"] == {"maximumLotsAwardedPerSupplier": 2}
    assert tender["lots"][0]["otherRequirements"] == {
        "reservedParticipation": ["publicServiceMissionOrganization"]
    }
    assert all("otherRequirements" not in lot for lot in tender["lots"][1:])
    assert tender["lots"][0]["value"]["currency"] == "EUR"


def test_the_schema_has_the_extensions_applied():
    definitions = release_schema()["definitions"]
    assert "relatedLot" in definitions["Item"]["properties"]
    assert "lots" in definitions["Tender"]["properties"]
    assert "reservedParticipation" in definitions["OtherRequirements"]["properties"]
    assert "otherRequirements" in definitions["Lot"]["properties"]


@pytest.mark.parametrize(
    "breakage, where",
    [
        (lambda p: p["releases"][0].pop("ocid"), "releases/0"),
        (lambda p: tender_of(p)["items"][0].update(relatedLot=1), "relatedLot"),
        (lambda p: tender_of(p)["lots"][0].update(value={"amount": "a lot"}), "amount"),
        (
            lambda p: tender_of(p)["lots"][0].update(
                otherRequirements={"reservedParticipation": []}
            ),
            "reservedParticipation",
        ),
        (lambda p: tender_of(p).update(lotDetails={"maximumLotsAwardedPerSupplier": "2"}), "2"),
    ],
)
def test_a_package_breaking_the_schema_is_refused(plan, breakage, where):
    package = copy.deepcopy(plan.to_ocds())
    breakage(package)
    errors = schema_errors(package)
    assert errors and any(where in e for e in errors), errors
    with pytest.raises(LottingError, match=r"fails the OCDS 1\.1\.5 schema"):
        validate(package)


def test_unknown_currency_and_reserve_code_are_scenario_errors(plan):
    with pytest.raises(ScenarioError, match="ISO 4217"):
        plan.to_ocds(currency="XYZ")
    with pytest.raises(ScenarioError, match="reserve code"):
        plan.to_ocds(reserve_code="mutual")


def test_merge_patch_follows_rfc_7386():
    target = {"a": "b", "c": {"d": "e", "f": "g"}}
    assert merge_patch(target, {"a": "z", "c": {"f": None}}) == {"a": "z", "c": {"d": "e"}}
    assert merge_patch({"a": [1]}, {"a": [2]}) == {"a": [2]}
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}}  # untouched
