"""A division the commissioner already has: read it from an assignment file and check it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lotting.errors import InputError
from lotting.inputs.case import Case, read_table
from lotting.text import cut_list


@dataclass(frozen=True)
class Division:
    """A division to score: unit → lot label, and the labels of the lots reserved in it."""

    assignment: dict[str, str]
    reserved: tuple[str, ...] = ()


def read_division(path: str | Path, case: Case) -> Division:
    """A division from a ``unit, lot`` CSV, or from an OCDS release package (``.json``: the items'
    ``relatedLot``, and lots with ``otherRequirements.reservedParticipation`` as reserved).

    >>> read_division("data/example/nhs_boards.csv", case).reserved
    ()
    """
    if Path(path).suffix.lower() == ".json":
        return read_ocds(path, case)
    return Division(read_assignment(path, case), tuple(read_reserved(path, case)))


def read_ocds(path: str | Path, case: Case) -> Division:
    """The division a published OCDS tender carries: each item (``id`` = unit) and its
    ``relatedLot``. Items without a relatedLot, items naming units the contract lacks, repeated or
    missing units, and a release without ``tender.items`` are errors naming the file and item."""
    file = str(path)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("the file does not exist.", file) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"cannot be read as JSON ({err}).", file) from None
    releases = document.get("releases") if isinstance(document, dict) else None
    if releases is None and isinstance(document, dict) and "tender" in document:
        releases = [document]  # a bare release
    if not isinstance(releases, list) or len(releases) != 1 or not isinstance(releases[0], dict):
        raise InputError(
            "expected an OCDS release package with exactly one release (its tender's items "
            "carry the division).",
            file,
        )
    tender = releases[0].get("tender")
    items = tender.get("items") if isinstance(tender, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError("the release has no tender.items, so it carries no division.", file)
    known = set(case.units)
    assignment: dict[str, str] = {}
    for number, item in enumerate(items):
        where = f"tender.items[{number}]"
        unit = item.get("id") if isinstance(item, dict) else None
        if not isinstance(unit, str | int) or str(unit).strip() == "":
            raise InputError(f"{where} has no id (the unit it stands for).", file)
        unit = str(unit).strip()
        lot = item.get("relatedLot")
        if lot is None or str(lot).strip() == "":
            raise InputError(f"{where} (unit '{unit}') has no relatedLot.", file)
        if unit not in known:
            raise InputError(f"{where} names unit '{unit}', which the contract lacks.", file)
        if unit in assignment:
            raise InputError(f"{where} repeats unit '{unit}'.", file)
        assignment[unit] = str(lot).strip()
    missing = [f"'{u}'" for u in case.units if u not in assignment]
    if missing:
        raise InputError(f"tender.items lack units of the contract: {cut_list(missing)}.", file)
    lots = tender.get("lots") if isinstance(tender, dict) else None
    return Division(assignment, _reserved_lots(lots, set(assignment.values())))


def _reserved_lots(lots: Any, used: set[str]) -> tuple[str, ...]:
    """Ids of the tender's lots that reserve participation (and hold some item)."""
    reserved = set()
    for lot in lots if isinstance(lots, list) else []:
        if not isinstance(lot, dict):
            continue
        needs = lot.get("otherRequirements")
        codes = needs.get("reservedParticipation") if isinstance(needs, dict) else None
        if codes and str(lot.get("id")) in used:
            reserved.add(str(lot.get("id")))
    return tuple(sorted(reserved))


def read_assignment(path: str | Path, case: Case) -> dict[str, str]:
    """Read ``unit, lot`` rows (e.g. split's assignment.csv) as unit → lot label.

    Every contract unit must appear exactly once; missing, repeated and unknown units are named.

    >>> current = read_assignment("data/example/nhs_boards.csv", case)
    >>> current["EMP-S12000033"]
    'Grampian'
    """
    file = str(path)
    df = read_table(Path(path), ("unit", "lot"))
    known = set(case.units)
    seen: dict[str, int] = {}
    repeated, unknown = [], []
    for line, row in df.iterrows():
        unit, lot = row["unit"], row["lot"]
        if unit == "":
            raise InputError("unit is blank; every row needs one.", file, line, "unit")
        if lot == "":
            raise InputError(f"unit '{unit}' has no lot.", file, line, "lot")
        if unit not in known:
            unknown.append(f"'{unit}' (line {line})")
        elif unit in seen:
            repeated.append(f"'{unit}' (lines {seen[unit]} and {line})")
        else:
            seen[unit] = int(line)
    missing = [f"'{u}'" for u in case.units if u not in seen]
    problems = []
    if missing:
        problems.append(f"units missing: {cut_list(missing)}")
    if repeated:
        problems.append(f"units repeated: {cut_list(repeated)}")
    if unknown:
        problems.append(f"units not in the contract: {cut_list(unknown)}")
    if problems:
        raise InputError(
            "every unit of the contract must appear exactly once; " + "; ".join(problems) + ".",
            file=file,
            column="unit",
        )
    return {row["unit"]: row["lot"] for _, row in df.iterrows()}


TRUE, FALSE = ("true", "yes", "1"), ("false", "no", "0", "")


def read_reserved(path: str | Path, case: Case) -> list[str]:
    """The labels of the lots an assignment file marks reserved, from its optional ``reserved``
    column (true/false, yes/no or 1/0 per row; blank is false; a lot's rows must agree).

    >>> read_reserved("data/example/nhs_boards.csv", case)
    []
    """
    file = str(path)
    df = read_table(Path(path), ("unit", "lot"))
    if "reserved" not in df.columns:
        return []
    said: dict[str, tuple[bool, int]] = {}
    for line, row in df.iterrows():
        cell = str(row["reserved"]).strip().lower()
        if cell not in TRUE + FALSE:
            raise InputError(
                f"reserved must be true or false; got '{row['reserved']}'.", file, line, "reserved"
            )
        flag = cell in TRUE
        lot = row["lot"]
        if lot in said and said[lot][0] != flag:
            raise InputError(
                f"lot '{lot}' is marked both reserved and not (line {said[lot][1]} and this one).",
                file,
                line,
                "reserved",
            )
        said.setdefault(lot, (flag, int(line)))
    return sorted(lot for lot, (flag, _) in said.items() if flag)
