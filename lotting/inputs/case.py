"""Load and validate a case from CSV files: the contract, the supplier market and two graphs."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

from lotting.errors import InputError
from lotting.inputs.boundaries import Boundaries, read_topojson
from lotting.scenario import KINDS

RELATIONS = ("consortium", "subcontract")
ALL = "*"


@dataclass(frozen=True)
class Case:
    """A validated case.

    ``contract`` has one row per unit (columns unit, service, area, value, bundle; bundle is ""
    when none) in file order; ``suppliers`` one row per supplier (supplier, name, kind, capacity,
    turnover, services, areas; services and areas are tuples or ``("*",)``); ``partners`` the links
    (a, b, relation); ``adjacency`` the area graph over the contract's areas, or None.
    """

    contract: pd.DataFrame
    suppliers: pd.DataFrame
    partners: pd.DataFrame
    adjacency: nx.Graph | None
    files: dict[str, Path]
    warnings: tuple[str, ...] = field(default=())
    boundaries: Boundaries | None = None

    @property
    def units(self) -> list[str]:
        """Unit identifiers in contract order."""
        return self.contract["unit"].tolist()

    @property
    def total_value(self) -> float:
        """Total annual value of the contract."""
        return float(self.contract["value"].sum())


def load_case(
    contract: str | Path,
    suppliers: str | Path | None = None,
    partners: str | Path | None = None,
    adjacency: str | Path | None = None,
    boundaries: str | Path | None = None,
) -> Case:
    """Read and validate the CSV files of a case; raise InputError naming file, line and column.

    Files not named are looked for beside the contract: ``suppliers.csv`` (required),
    ``partners.csv``, ``adjacency.csv`` and ``boundaries.topojson`` (optional; area shapes for
    maps, used when its area names match the contract's; a broken one found beside the contract
    is skipped with a warning, a named one is an error).

    >>> case = load_case("data/example/contract.csv")
    >>> len(case.contract)
    64
    """
    contract_path = Path(contract)
    beside = contract_path.parent
    contract_df = read_contract(contract_path)  # first, so a missing contract is named as such
    suppliers_path = Path(suppliers) if suppliers is not None else beside / "suppliers.csv"
    if suppliers is None and not suppliers_path.exists():
        raise InputError(
            f"no supplier market: expected suppliers.csv beside the contract, "
            f"or name one with --suppliers FILE (looked for {suppliers_path}).",
            file=str(contract_path),
        )
    partners_path = _optional(partners, beside / "partners.csv")
    adjacency_path = _optional(adjacency, beside / "adjacency.csv")

    warnings: list[str] = []
    suppliers_df = read_suppliers(suppliers_path, contract_df, warnings)
    partners_df = (
        read_partners(partners_path, suppliers_df)
        if partners_path is not None
        else pd.DataFrame({"a": [], "b": [], "relation": []}, dtype=str)
    )
    graph = (
        read_adjacency(adjacency_path, contract_df, warnings)
        if adjacency_path is not None
        else None
    )
    files = {"contract": contract_path, "suppliers": suppliers_path}
    if partners_path is not None:
        files["partners"] = partners_path
    if adjacency_path is not None:
        files["adjacency"] = adjacency_path
    shapes = _boundaries(boundaries, beside / "boundaries.topojson", contract_df, warnings)
    if shapes is not None:
        files["boundaries"] = Path(shapes.file)
    return Case(contract_df, suppliers_df, partners_df, graph, files, tuple(warnings), shapes)


def _boundaries(
    named: str | Path | None, beside: Path, contract: pd.DataFrame, warnings: list[str]
) -> Boundaries | None:
    """Area shapes for maps: a named file must load; one found beside the contract may fail."""
    areas = list(dict.fromkeys(contract["area"]))
    if named is not None:
        return read_topojson(named, names=areas)
    if not beside.exists():
        return None
    try:
        shapes = read_topojson(beside, names=areas)
    except InputError as err:
        warnings.append(f"no map: {err}")
        return None
    missing = shapes.missing(areas)
    if missing:
        warnings.append(f"{beside}: no shape for area(s) {', '.join(missing)} (drawn without).")
    return shapes


def _optional(named: str | Path | None, default: Path) -> Path | None:
    """The named file (which must then exist), else the default if it exists, else None."""
    if named is not None:
        return Path(named)
    return default if default.exists() else None


def read_table(path: Path, required: tuple[str, ...], allow_empty: bool = False) -> pd.DataFrame:
    """Read a UTF-8 CSV as trimmed text; check it has rows (unless ``allow_empty``: a header
    alone then means "none") and the required columns, and no control characters or extra fields.

    Row labels are the file's line numbers (header = line 1), so errors can name them.
    """
    name = str(path)
    if not path.exists():
        raise InputError("file does not exist.", file=name)
    if path.is_dir():
        raise InputError("is a folder, expected a CSV file.", file=name)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(
            f"byte 0x{raw[err.start]:02x} is not valid UTF-8; save the file as UTF-8 text.",
            file=name,
            row=line,
        ) from None
    if not text.strip():
        raise InputError(
            f"file is empty; expected a header row with columns {', '.join(required)}.", file=name
        )
    _check_rows(text, name)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.ParserError:  # _check_rows names the usual causes; this is the rest
        raise InputError("cannot be read as CSV (unbalanced quotes?).", file=name) from None
    df.columns = [str(c).strip() for c in df.columns]
    # pandas renames a repeated column ("unit" -> "unit.1"), so look at the header line itself
    first = next(line for line in text.splitlines() if line.strip())
    header = [c.strip() for c in next(csv.reader([first]))]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise InputError(
            f"column '{duplicated[0]}' appears twice in the header.",
            file=name,
            column=duplicated[0],
        )
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(
            f"missing required column '{missing[0]}'; the header has: {', '.join(df.columns)}.",
            file=name,
            column=missing[0],
        )
    if df.empty and not allow_empty:
        raise InputError("has a header but no rows.", file=name)
    df = df.map(lambda v: v.strip() if isinstance(v, str) else v)
    df.index = _line_numbers(text, len(df))
    return df


#: Names of the control characters most often pasted by accident.
_CONTROL_NAMES = {
    0: "NUL",
    8: "backspace",
    9: "tab",
    11: "vertical tab",
    12: "form feed",
    27: "ESC",
}


def _check_rows(text: str, file: str) -> None:
    """Every row has at most the header's fields, and no cell holds a control character (NUL,
    tab, escape...: invisible in a spreadsheet, so two identifiers could look the same)."""
    lines = [(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip()]
    if not lines:
        return
    header = next(csv.reader([lines[0][1]]))
    for number, line in lines:
        cells = next(csv.reader([line]), [])
        for position, cell in enumerate(cells):
            bad = next((c for c in cell.strip() if _is_control(c)), None)
            if bad is not None:
                column = header[position].strip() if position < len(header) else None
                code = ord(bad)
                what = f"U+{code:04X}" + (
                    f" ({_CONTROL_NAMES[code]})" if code in _CONTROL_NAMES else ""
                )
                raise InputError(
                    f"contains the control character {what}; cells must be plain text "
                    "(re-type the value or save the file again as plain CSV).",
                    file,
                    number,
                    column,
                )
        if number > lines[0][0] and len(cells) > len(header):
            raise InputError(
                f"has {len(cells)} fields but the header has {len(header)} columns; "
                "remove the extra commas or quote a value that contains a comma.",
                file,
                number,
            )


def _is_control(char: str) -> bool:
    """A C0/C1 control character or DEL (line ends are already split off)."""
    code = ord(char)
    return code < 32 or 127 <= code < 160


def _line_numbers(text: str, n_rows: int) -> list[int]:
    """File line numbers of the data rows, skipping blank lines (quoted newlines are rare here)."""
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip()]
    numbers = lines[1 : 1 + n_rows]
    return numbers if len(numbers) == n_rows else list(range(2, 2 + n_rows))


def _require_text(df: pd.DataFrame, column: str, file: str, what: str) -> None:
    """Every cell of ``column`` must be non-blank."""
    for line, value in df[column].items():
        if value == "":
            raise InputError(f"{what} is blank; every row needs one.", file, line, column)


def _require_unique(df: pd.DataFrame, column: str, file: str, what: str) -> None:
    """Identifiers in ``column`` must be unique; names both lines of the first repeat."""
    seen: dict[str, int] = {}
    for line, value in df[column].items():
        if value in seen:
            raise InputError(
                f"{what} '{value}' is repeated (first on line {seen[value]}); "
                "identifiers must be unique.",
                file,
                line,
                column,
            )
        seen[value] = int(line)


#: A number written with thousands separators, such as 1,200 or 12,500.50.
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _positive_numbers(
    df: pd.DataFrame, column: str, file: str, allow_blank: bool = False
) -> pd.Series:
    """Parse ``column`` as numbers > 0 (blank allowed as NaN if asked); errors name the cell."""
    out = {}
    for line, text in df[column].items():
        if text == "" and allow_blank:
            out[line] = float("nan")
            continue
        if "," in text and _THOUSANDS.fullmatch(text):
            raise InputError(
                f"'{text}' uses a thousands separator; thousands separators are not allowed "
                f"(write {text.replace(',', '')}).",
                file,
                line,
                column,
            )
        try:
            number = float(text) if text else float("nan")
        except ValueError:
            number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            raise InputError(
                f"'{text}' is not a number; expected a number > 0.", file, line, column
            )
        if number <= 0:
            raise InputError(f"{text} is not positive; expected a number > 0.", file, line, column)
        out[line] = number
    return pd.Series(out, dtype=float)


def read_contract(path: Path) -> pd.DataFrame:
    """Read contract.csv: one row per unit, with unit, service, area, value and optional bundle."""
    file = str(path)
    df = read_table(path, ("unit", "service", "area", "value"))
    for column, what in (("unit", "unit"), ("service", "service"), ("area", "area")):
        _require_text(df, column, file, what)
    _require_unique(df, "unit", file, "unit")
    df["value"] = _positive_numbers(df, "value", file)
    if "bundle" not in df.columns:
        df["bundle"] = ""
    return df.reset_index(names="line")


def _split_list(text: str) -> tuple[str, ...]:
    """A ``;``-separated list, trimmed and sorted, or ``("*",)``."""
    if text == ALL:
        return (ALL,)
    return tuple(sorted({item.strip() for item in text.split(";") if item.strip()}))


def read_suppliers(path: Path, contract: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Read suppliers.csv; capacity may be replaced by turnover (resolved per scenario)."""
    file = str(path)
    df = read_table(path, ("supplier", "kind", "services", "areas"))
    if "capacity" not in df.columns and "turnover" not in df.columns:
        raise InputError(
            "missing required column 'capacity' (or 'turnover' instead); "
            f"the header has: {', '.join(df.columns)}.",
            file=file,
            column="capacity",
        )
    _require_text(df, "supplier", file, "supplier")
    _require_unique(df, "supplier", file, "supplier")
    for line, kind in df["kind"].items():
        if kind not in KINDS:
            raise InputError(
                f"unknown kind '{kind}'; expected one of {', '.join(KINDS)}.", file, line, "kind"
            )
    for column in ("capacity", "turnover"):
        if column not in df.columns:
            df[column] = ""
    for line, row in df.iterrows():
        if row["capacity"] == "" and row["turnover"] == "":
            raise InputError(
                f"supplier '{row['supplier']}' has neither capacity nor turnover; give one.",
                file,
                line,
                "capacity",
            )
    df["capacity"] = _positive_numbers(df, "capacity", file, allow_blank=True)
    df["turnover"] = _positive_numbers(df, "turnover", file, allow_blank=True)
    known = {"services": set(contract["service"]), "areas": set(contract["area"])}
    for column in ("services", "areas"):
        lists = {}
        for line, text in df[column].items():
            items = _split_list(text)
            if not items:
                raise InputError(
                    f"{column} is blank; expected a ';'-separated list or '*'.", file, line, column
                )
            unknown = [i for i in items if i != ALL and i not in known[column]]
            if unknown:
                warnings.append(
                    f"{file} line {line}: {column} {', '.join(repr(u) for u in unknown)} "
                    "not in the contract (ignored)."
                )
            lists[line] = items
        df[column] = pd.Series(lists, dtype=object)
    if "name" not in df.columns:
        df["name"] = ""
    df["name"] = [n or s for n, s in zip(df["name"], df["supplier"], strict=True)]
    return df.reset_index(names="line")


def read_partners(path: Path, suppliers: pd.DataFrame) -> pd.DataFrame:
    """Read partners.csv: consortium (undirected) and subcontract (prime a → b) links."""
    file = str(path)
    df = read_table(path, ("a", "b", "relation"), allow_empty=True)
    known = set(suppliers["supplier"])
    for line, row in df.iterrows():
        for column in ("a", "b"):
            if row[column] not in known:
                shown = row[column] or "(blank)"
                raise InputError(
                    f"'{shown}' is not a supplier in the market file.", file, line, column
                )
        if row["relation"] not in RELATIONS:
            raise InputError(
                f"unknown relation '{row['relation']}'; expected one of {', '.join(RELATIONS)}.",
                file,
                line,
                "relation",
            )
        if row["a"] == row["b"]:
            raise InputError(f"'{row['a']}' is linked to itself.", file, line, "b")
    return df.reset_index(names="line")


def read_adjacency(path: Path, contract: pd.DataFrame, warnings: list[str]) -> nx.Graph:
    """Read adjacency.csv into a graph over the contract's areas; every area must appear."""
    file = str(path)
    df = read_table(path, ("area_a", "area_b"))
    _require_text(df, "area_a", file, "area_a")
    areas = list(dict.fromkeys(contract["area"]))
    wanted = set(areas)
    graph = nx.Graph()
    graph.add_nodes_from(areas)
    seen: set[str] = set()
    ignored: set[str] = set()
    for _, row in df.iterrows():
        a, b = row["area_a"], row["area_b"]
        seen.update(x for x in (a, b) if x)
        ignored.update(x for x in (a, b) if x and x not in wanted)
        if a in wanted and b in wanted and a != b:
            graph.add_edge(a, b)
    missing = [a for a in areas if a not in seen]
    if missing:
        raise InputError(
            f"contract area(s) {', '.join(repr(a) for a in missing)} do not appear; every area "
            "must be listed (an area with no neighbour is a row with an empty area_b).",
            file=file,
        )
    if ignored:
        warnings.append(
            f"{file}: area(s) {', '.join(sorted(ignored))} are not in the contract (ignored)."
        )
    return graph
