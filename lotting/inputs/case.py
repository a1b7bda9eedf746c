"""Load and validate a case from CSV files: the contract, the supplier market and two graphs."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import networkx as nx
import pandas as pd

from lotting.errors import InputError, did_you_mean
from lotting.inputs.boundaries import Boundaries, read_topojson
from lotting.scenario import KINDS

RELATIONS = ("consortium", "subcontract")
#: A table given as a file or, from the API, as a DataFrame.
Source: TypeAlias = str | Path | pd.DataFrame
ALL = "*"


@dataclass(frozen=True)
class Case:
    """A validated case.

    ``contract`` has one row per unit (columns unit, service, area, value, bundle; bundle is ""
    when none) in file order; ``suppliers`` one row per supplier (supplier, name, kind, capacity,
    turnover, services, areas; services and areas are tuples or ``("*",)``); ``partners`` the links
    (a, b, relation); ``adjacency`` the area graph over the contract's areas, or None;
    ``files`` the files read by role; ``hashes`` each input (role → file name and SHA-256; a
    DataFrame input is hashed as its CSV text) for a plan's provenance.
    """

    contract: pd.DataFrame
    suppliers: pd.DataFrame
    partners: pd.DataFrame
    adjacency: nx.Graph | None
    files: dict[str, Path]
    warnings: tuple[str, ...] = field(default=())
    boundaries: Boundaries | None = None
    hashes: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def units(self) -> list[str]:
        """Unit identifiers in contract order."""
        return self.contract["unit"].tolist()

    @property
    def total_value(self) -> float:
        """Total annual value of the contract."""
        return float(self.contract["value"].sum())


def load_case(
    contract: Source,
    suppliers: Source | None = None,
    partners: Source | None = None,
    adjacency: Source | None = None,
    boundaries: str | Path | None = None,
) -> Case:
    """Read and validate the CSV files of a case; raise InputError naming file, line and column.

    Any of the tables may be a DataFrame instead of a path (an analyst's case built in pandas;
    list cells may be lists), checked exactly as the same CSV file would be.
    Files not named are looked for beside the contract file: ``suppliers.csv`` (required),
    ``partners.csv``, ``adjacency.csv`` and ``boundaries.topojson`` (optional; area shapes for
    maps, used when its area names match the contract's; a broken one found beside the contract
    is skipped with a warning, a named one is an error).

    >>> case = load_case("data/example/contract.csv")
    >>> len(case.contract)
    64
    >>> load_case(case.contract[["unit", "service", "area", "value"]], case.suppliers).units[0]
    'EMP-S12000033'
    """
    framed = isinstance(contract, pd.DataFrame)
    beside = Path(".") if framed else Path(contract).parent
    contract_df = read_contract(contract)  # first, so a missing contract is named as such
    suppliers_src: Source = suppliers if suppliers is not None else beside / "suppliers.csv"
    if suppliers is None and (framed or not Path(suppliers_src).exists()):
        raise InputError(
            "no supplier market: expected suppliers.csv beside the contract, "
            f"or name one with --suppliers FILE (looked for {suppliers_src})."
            if not framed
            else "no supplier market: pass the suppliers table with the contract table.",
            file=source_name(contract, "contract"),
        )
    partners_src = _optional(partners, None if framed else beside / "partners.csv")
    adjacency_src = _optional(adjacency, None if framed else beside / "adjacency.csv")

    warnings: list[str] = []
    suppliers_df = read_suppliers(suppliers_src, contract_df, warnings)
    partners_df = (
        read_partners(partners_src, suppliers_df)
        if partners_src is not None
        else pd.DataFrame({"a": [], "b": [], "relation": []}, dtype=str)
    )
    contract_name = source_name(contract, "contract")
    graph = (
        read_adjacency(adjacency_src, contract_df, warnings, contract_name)
        if adjacency_src is not None
        else None
    )
    sources: dict[str, Source] = {"contract": contract, "suppliers": suppliers_src}
    if partners_src is not None:
        sources["partners"] = partners_src
    if adjacency_src is not None:
        sources["adjacency"] = adjacency_src
    shapes = _boundaries(
        boundaries, None if framed else beside / "boundaries.topojson", contract_df, warnings
    )
    if shapes is not None:
        sources["boundaries"] = Path(shapes.file)
    files = {r: Path(src) for r, src in sources.items() if not isinstance(src, pd.DataFrame)}
    hashes = {
        role: {
            "file": source_name(src, role) if isinstance(src, pd.DataFrame) else Path(src).name,
            "sha256": source_hash(src, role),
        }
        for role, src in sources.items()
    }
    return Case(
        contract_df, suppliers_df, partners_df, graph, files, tuple(warnings), shapes, hashes
    )


def _boundaries(
    named: str | Path | None, beside: Path | None, contract: pd.DataFrame, warnings: list[str]
) -> Boundaries | None:
    """Area shapes for maps: a named file must load; one found beside the contract may fail."""
    areas = list(dict.fromkeys(contract["area"]))
    if named is not None:
        return read_topojson(named, names=areas)
    if beside is None or not beside.exists():
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


def _optional(named: Source | None, default: Path | None) -> Source | None:
    """The named file or table (a file must then exist), else the default if it exists."""
    if named is not None:
        return named if isinstance(named, pd.DataFrame) else Path(named)
    return default if default is not None and default.exists() else None


def source_name(source: Source, role: str) -> str:
    """How errors name a source: the file's path, or ``<role> table`` for a DataFrame."""
    return f"{role} table" if isinstance(source, pd.DataFrame) else str(source)


def frame_text(df: pd.DataFrame) -> str:
    """A DataFrame as the CSV text lotting reads (list cells joined with ';'), so a case built
    in pandas is checked, and hashed, exactly as the same file would be."""
    flat = df.drop(columns=["line"], errors="ignore")  # lotting's own line numbers, if any
    flat = flat.map(lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v)
    return str(flat.to_csv(index=False, lineterminator="\n"))


def source_text(source: Source, role: str) -> str:
    """The CSV text of a source: a UTF-8 file read and checked, or a DataFrame written out."""
    if isinstance(source, pd.DataFrame):
        return frame_text(source)
    path, name = Path(source), str(source)
    if not path.exists():
        raise InputError("file does not exist.", file=name)
    if path.is_dir():
        raise InputError("is a folder, expected a CSV file.", file=name)
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(
            f"byte 0x{raw[err.start]:02x} is not valid UTF-8; save the file as UTF-8 text.",
            file=name,
            row=line,
        ) from None


def source_hash(source: Source, role: str) -> str:
    """SHA-256 of a file's bytes, or of a DataFrame's CSV text: what plan.json records."""
    if isinstance(source, pd.DataFrame):
        data = frame_text(source).encode("utf-8")
    else:
        data = Path(source).read_bytes()
    return hashlib.sha256(data).hexdigest()


def read_table(path: Source, required: tuple[str, ...], role: str = "input") -> pd.DataFrame:
    """Read a UTF-8 CSV (or a DataFrame) as trimmed text; check it has rows and the required
    columns, and say so when the file is separated by ';' or tabs instead of commas.

    Row labels are the file's line numbers (header = line 1), so errors can name them.
    """
    name = source_name(path, role)
    text = source_text(path, role)
    if not text.strip():
        raise InputError(
            f"file is empty; expected a header row with columns {', '.join(required)}.", file=name
        )
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.ParserError as err:
        raise InputError(f"cannot be read as CSV ({err}).", file=name) from None
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
    if missing and len(header) == 1:
        for sep, called in ((";", "semicolons"), ("\t", "tabs")):
            if sep in first and missing[0] in [c.strip() for c in first.split(sep)]:
                raise InputError(
                    f"the columns are separated by {called}, not commas; lotting reads "
                    "comma-separated files (';' separates the items of a list inside a cell). "
                    'Save it as "CSV UTF-8 (comma delimited)".',
                    file=name,
                    row=1,
                )
    if missing:
        hint = did_you_mean(missing[0], df.columns)
        raise InputError(
            f"missing required column '{missing[0]}'; the header has: "
            f"{', '.join(df.columns)}.{hint}",
            file=name,
            column=missing[0],
        )
    if df.empty:
        raise InputError("has a header but no rows.", file=name)
    df = df.map(lambda v: v.strip() if isinstance(v, str) else v)
    df.index = _line_numbers(text, len(df))
    return df


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


def _positive_numbers(
    df: pd.DataFrame, column: str, file: str, allow_blank: bool = False
) -> pd.Series:
    """Parse ``column`` as numbers > 0 (blank allowed as NaN if asked); errors name the cell."""
    out = {}
    for line, text in df[column].items():
        if text == "" and allow_blank:
            out[line] = float("nan")
            continue
        try:
            number = float(text.replace(",", "")) if text else float("nan")
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


def read_contract(path: Source) -> pd.DataFrame:
    """Read contract.csv: one row per unit, with unit, service, area, value and optional bundle."""
    file = source_name(path, "contract")
    df = read_table(path, ("unit", "service", "area", "value"), "contract")
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


def read_suppliers(path: Source, contract: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Read suppliers.csv; capacity may be replaced by turnover (resolved per scenario)."""
    file = source_name(path, "suppliers")
    df = read_table(path, ("supplier", "kind", "services", "areas"), "suppliers")
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
                f"unknown kind '{kind}'; expected one of {', '.join(KINDS)}."
                + did_you_mean(kind, KINDS),
                file,
                line,
                "kind",
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
                hints = "".join(did_you_mean(u, known[column]) for u in unknown)
                warnings.append(
                    f"{file} line {line}: {column} {', '.join(repr(u) for u in unknown)} "
                    f"not in the contract (ignored).{hints}"
                )
            lists[line] = items
        df[column] = pd.Series(lists, dtype=object)
    if "name" not in df.columns:
        df["name"] = ""
    df["name"] = [n or s for n, s in zip(df["name"], df["supplier"], strict=True)]
    return df.reset_index(names="line")


def read_partners(path: Source, suppliers: pd.DataFrame) -> pd.DataFrame:
    """Read partners.csv: consortium (undirected) and subcontract (prime a → b) links."""
    file = source_name(path, "partners")
    df = read_table(path, ("a", "b", "relation"), "partners")
    known = set(suppliers["supplier"])
    for line, row in df.iterrows():
        for column in ("a", "b"):
            if row[column] not in known:
                shown = row[column] or "(blank)"
                raise InputError(
                    f"'{shown}' is not a supplier in the market file."
                    + did_you_mean(row[column], known),
                    file,
                    line,
                    column,
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


def read_adjacency(
    path: Source, contract: pd.DataFrame, warnings: list[str], contract_file: str = "contract.csv"
) -> nx.Graph:
    """Read adjacency.csv into a graph over the contract's areas; every area must appear.

    A contract area missing here that is close to an adjacency area the contract lacks is a typo
    in the contract ("Fyfe" for "Fife"), so the error names ``contract_file`` and its line.
    """
    file = source_name(path, "adjacency")
    df = read_table(path, ("area_a", "area_b"), "adjacency")
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
    for area in missing:  # close to a name the adjacency file has: a typo in the contract
        hint = did_you_mean(area, sorted(ignored)) or did_you_mean(area, sorted(seen))
        if hint:
            line = int(contract.loc[contract["area"] == area, "line"].iloc[0])
            raise InputError(
                f"area '{area}' is in no row of {file}.{hint} (If the name is right, add it "
                f"to {file}.)",
                file=contract_file,
                row=line,
                column="area",
            )
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
