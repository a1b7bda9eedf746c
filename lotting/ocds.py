"""The division as Open Contracting (OCDS 1.1) data: a release package whose tender holds the lots.

The release validates against the OCDS 1.1.5 release package schema with the Lots and Other
requirements extensions merged in (the schema files ship in ``lotting/ocds_schema`` under their
Apache 2.0 licence, so validation works offline). A package that fails the schema is an error,
never a file.
"""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources
from typing import Any

import pandas as pd

from lotting.errors import LottingError, ScenarioError
from lotting.rules.scoring import Evaluation
from lotting.scenario import Scenario

#: The published tender's date when none is given: fixed, so the same inputs give the same file.
#: Give the real date with ``published`` (``--published``) before publishing.
PUBLISHED = "1970-01-01T00:00:00Z"
CURRENCY = "GBP"
#: The reservedParticipation codes (OCDS Other requirements extension; eForms BT-71).
RESERVE_CODES = ("shelteredWorkshop", "publicServiceMissionOrganization")
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
EXTENSIONS = {
    "lots_extension": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_lots_extension/v1.1.5/extension.json",
    "other_requirements_extension": "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_otherRequirements_extension/master/extension.json",
}


def default_ocid(contract: pd.DataFrame) -> str:
    """A stable ocid derived from the contract's units (id, service, area, value), so one
    contract always gets the same one; replace it with the buyer's registered prefix.

    >>> default_ocid(case.contract)
    'ocds-lotting-e73ec9ad40d7'
    """
    text = "\n".join(
        f"{r.unit}\t{r.service}\t{r.area}\t{float(r.value)!r}"
        for r in contract.sort_values("unit").itertuples()
    )
    return "ocds-lotting-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def release_package(
    evaluation: Evaluation,
    scenario: Scenario,
    ocid: str | None = None,
    published: str | None = None,
    currency: str | None = None,
    reserve_code: str = RESERVE_CODES[0],
    title: str | None = None,
) -> dict[str, Any]:
    """The OCDS release package of a division, validated (LottingError if it fails the schema).

    Items are the units (``id`` = unit, ``relatedLot`` = the lot's number as text); lots carry
    title, description (services and areas), value and currency; ``maximumLotsAwardedPerSupplier``
    comes from the scenario's ``max_awards`` when it has one; reserved lots (a ``reserved`` column
    of the lots) carry ``otherRequirements.reservedParticipation = [reserve_code]``.

    >>> package = release_package(plan.evaluation, plan.scenario)
    >>> tender = package["releases"][0]["tender"]
    >>> len(tender["items"]), len(tender["lots"]), tender["items"][0]["relatedLot"]
    (64, 8, '1')
    """
    if reserve_code not in RESERVE_CODES:
        raise ScenarioError(
            f"reserve code {reserve_code!r} is not one of {', '.join(RESERVE_CODES)}."
        )
    currency = currency or getattr(scenario, "currency", None) or CURRENCY
    currencies = release_schema()["definitions"]["Value"]["properties"]["currency"]["enum"]
    if currency not in currencies:
        raise ScenarioError(f"currency {currency!r} is not an ISO 4217 code such as GBP or EUR.")
    contract = evaluation.assignment
    ocid = ocid or default_ocid(contract)
    date = published or PUBLISHED
    lots = evaluation.lots
    items = [
        {
            "id": str(row.unit),
            "description": f"{row.service} in {row.area}",
            "quantity": 1,
            "unit": {"name": "year", "value": _money(row.value, currency)},
            "relatedLot": str(int(row.lot)),
        }
        for row in contract.itertuples()
    ]
    tender: dict[str, Any] = {
        "id": f"{ocid}-tender",
        "title": title or f"Contract of {len(items)} units in {len(lots)} lots",
        "status": "planning",
        "value": _money(float(lots["value"].sum()), currency),
        "items": items,
        "lots": [_lot(row, currency, reserve_code) for row in lots.to_dict("records")],
    }
    max_awards = getattr(scenario, "max_awards", None)
    if max_awards is not None:
        tender["lotDetails"] = {"maximumLotsAwardedPerSupplier": int(max_awards)}
    release = {
        "ocid": ocid,
        "id": f"{ocid}-tender-1",
        "date": date,
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "en",
        "tender": tender,
    }
    package = {
        "uri": f"urn:ocds:{ocid}",
        "version": "1.1",
        "extensions": list(EXTENSIONS.values()),
        "publishedDate": date,
        "publisher": {"name": "lotting"},
        "releases": [release],
    }
    validate(package)
    return package


def _money(amount: float, currency: str) -> dict[str, Any]:
    """An OCDS Value: whole numbers as integers, so the JSON reads as the CSV does."""
    value = float(amount)
    return {"amount": int(value) if value.is_integer() else value, "currency": currency}


def _lot(row: dict[str, Any], currency: str, reserve_code: str) -> dict[str, Any]:
    """One tender lot: id, title, description of its services and areas, value."""
    services = str(row["services"]).split(";")
    areas = str(row["areas"]).split(";")
    lot: dict[str, Any] = {
        "id": str(int(row["lot"])),
        "title": str(row.get("title") or f"Lot {int(row['lot'])}"),
        "description": str(
            row.get("schedule")
            or f"{', '.join(services)} in {', '.join(areas)} ({int(row['n_units'])} units)"
        ),
        "status": "planning",
        "value": _money(row["value"], currency),
    }
    if bool(row.get("reserved", False)):
        lot["otherRequirements"] = {"reservedParticipation": [reserve_code]}
    return lot


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch (how an OCDS extension amends the release schema).

    >>> merge_patch({"a": 1, "b": {"c": 2}}, {"b": {"d": 3}, "a": None})
    {'b': {'c': 2, 'd': 3}}
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _schema_file(*parts: str) -> Any:
    """A JSON file shipped in lotting/ocds_schema."""
    path = resources.files("lotting").joinpath("ocds_schema", *parts)
    return json.loads(path.read_text(encoding="utf-8"))


def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 release schema with the Lots and Other requirements extensions applied."""
    schema = _schema_file("release-schema.json")
    for extension in EXTENSIONS:
        schema = merge_patch(schema, _schema_file(extension, "release-schema.json"))
    return schema


def schema_errors(package: dict[str, Any]) -> list[str]:
    """Every way ``package`` breaks the release package schema (empty when valid), as text."""
    # imported here: only --ocds needs them, and a short --time-limit counts their loading
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release = Resource.from_contents(release_schema(), default_specification=DRAFT4)
    registry = Registry().with_resource(RELEASE_URL, release)
    validator = Draft4Validator(_schema_file("release-package-schema.json"), registry=registry)
    errors = sorted(validator.iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(package)'}: {e.message}" for e in errors]


def validate(package: dict[str, Any]) -> None:
    """Raise LottingError naming the first problems when ``package`` fails the schema."""
    errors = schema_errors(package)
    if errors:
        shown = "; ".join(errors[:5]) + (f" and {len(errors) - 5} more" if len(errors) > 5 else "")
        raise LottingError(f"the OCDS release package fails the OCDS 1.1.5 schema: {shown}.")


def to_json(package: dict[str, Any]) -> str:
    """ocds.json as text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(package, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
