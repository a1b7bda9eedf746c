"""A division the commissioner already has: read it from an assignment file and check it."""

from __future__ import annotations

from pathlib import Path

from lotting.errors import InputError
from lotting.inputs.case import Case, read_table
from lotting.text import cut_list


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
