"""Loading and validating a case: every bad input is an InputError naming file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from lotting import InputError, Scenario, load_case
from lotting.rules.market import capacities

CONTRACT_HEADER = "unit,service,area,value,bundle\n"
SUPPLIERS_HEADER = "supplier,name,kind,capacity,turnover,services,areas\n"


def load(folder: Path):
    """Load the case whose contract.csv is in ``folder``."""
    return load_case(folder / "contract.csv")


def load_error(folder: Path) -> InputError:
    """The InputError that loading the case in ``folder`` raises."""
    with pytest.raises(InputError) as err:
        load(folder)
    return err.value


def assert_where(err: InputError, file: str, row: int | None, column: str | None) -> None:
    """The error names the file (by its base name), the 1-based line and the column."""
    assert err.file is not None
    assert Path(err.file).name == file
    assert err.row == row
    assert err.column == column


# --- the valid case ------------------------------------------------------------------------------


def test_tiny_case_loads(tiny_case_dir):
    case = load(tiny_case_dir)
    assert case.units == ["U1", "U2", "U3", "U4"]
    assert case.total_value == 280_000
    assert case.contract["line"].tolist() == [2, 3, 4, 5]
    assert case.contract["bundle"].tolist() == ["", "", "", ""]
    assert case.suppliers["supplier"].tolist() == ["big1", "big2", "sme1", "ulo1", "vcse1"]
    assert case.suppliers["kind"].tolist() == ["large", "large", "sme", "user_led", "vcse"]
    by_id = case.suppliers.set_index("supplier")
    assert by_id.loc["big1", "services"] == ("*",)
    assert by_id.loc["sme1", "areas"] == ("North", "South")
    assert by_id.loc["ulo1", "services"] == ("coaching", "peer")
    assert by_id.loc["sme1", "name"] == "sme1"  # blank name falls back to the identifier
    assert by_id.loc["ulo1", "name"] == "User Led One"
    links = set(zip(case.partners["a"], case.partners["b"], case.partners["relation"], strict=True))
    assert links == {("ulo1", "vcse1", "consortium"), ("big1", "ulo1", "subcontract")}
    assert set(case.adjacency.nodes) == {"North", "South"}
    assert {frozenset(e) for e in case.adjacency.edges} == {frozenset({"North", "South"})}
    assert set(case.files) == {"contract", "suppliers", "partners", "adjacency"}
    assert case.files["suppliers"] == tiny_case_dir / "suppliers.csv"
    assert case.warnings == ()


def test_optional_files_absent(tiny_case_dir):
    (tiny_case_dir / "partners.csv").unlink()
    (tiny_case_dir / "adjacency.csv").unlink()
    case = load(tiny_case_dir)
    assert case.adjacency is None
    assert len(case.partners) == 0
    assert set(case.files) == {"contract", "suppliers"}


def test_isolated_area_rows_with_empty_area_b(tiny_case_dir, write):
    write(tiny_case_dir / "adjacency.csv", "area_a,area_b\nNorth,\nSouth,\n")
    case = load(tiny_case_dir)
    assert set(case.adjacency.nodes) == {"North", "South"}
    assert case.adjacency.number_of_edges() == 0
    assert case.warnings == ()


def test_utf8_bom_loads(tiny_case_dir):
    path = tiny_case_dir / "contract.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    case = load(tiny_case_dir)
    assert "unit" in case.contract.columns
    assert case.units == ["U1", "U2", "U3", "U4"]


def test_whitespace_around_identifiers_is_trimmed(tiny_case_dir, write):
    write(
        tiny_case_dir / "contract.csv",
        " unit , service , area , value \n"
        " U1 , coaching , North , 100000 \n"
        "U2,coaching,South,80000\n"
        "U3,peer,North,60000\n"
        "U4,peer,South,40000\n",
    )
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + " big1 ,, large , 1000000 ,, * , * \n"
        "big2,,large,900000,,*,*\n"
        "ulo1,,user_led,70000,, peer ; coaching , North \n"
        "vcse1,,vcse,90000,,peer,*\n",
    )
    write(tiny_case_dir / "partners.csv", "a,b,relation\n ulo1 , vcse1 , consortium \n")
    write(tiny_case_dir / "adjacency.csv", "area_a,area_b\n North , South \n")
    case = load(tiny_case_dir)
    assert case.units[0] == "U1"
    assert case.contract.loc[0, "service"] == "coaching"
    assert case.contract.loc[0, "area"] == "North"
    assert case.contract.loc[0, "value"] == 100_000
    by_id = case.suppliers.set_index("supplier")
    assert "big1" in by_id.index
    assert by_id.loc["big1", "kind"] == "large"
    assert by_id.loc["big1", "services"] == ("*",)
    assert by_id.loc["ulo1", "services"] == ("coaching", "peer")
    assert by_id.loc["ulo1", "areas"] == ("North",)
    assert case.partners.loc[0, ["a", "b", "relation"]].tolist() == ["ulo1", "vcse1", "consortium"]
    assert case.adjacency.has_edge("North", "South")
    assert case.warnings == ()


def test_extra_columns_are_kept_and_ignored(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        "comment,supplier,kind,capacity,services,areas,rating\n"
        "hello,big1,large,1000000,*,*,5\n"
        ",big2,large,900000,*,*,\n",
    )
    write(tiny_case_dir / "partners.csv", "a,b,relation,since\nbig1,big2,consortium,2019\n")
    write(tiny_case_dir / "adjacency.csv", "area_a,area_b,km\nNorth,South,12.5\n")
    case = load(tiny_case_dir)
    assert case.contract["note"].tolist() == ["first", "", "", ""]  # from the tiny contract
    assert case.suppliers["comment"].tolist() == ["hello", ""]
    assert case.suppliers["rating"].tolist() == ["5", ""]
    assert case.suppliers["capacity"].tolist() == [1_000_000, 900_000]
    assert case.partners["since"].tolist() == ["2019"]
    assert case.adjacency.has_edge("North", "South")


def test_capacity_wins_over_turnover(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + "big1,,large,50000,1000000,*,*\nbig2,,large,,1000000,*,*\n",
    )
    write(tiny_case_dir / "partners.csv", "a,b,relation\nbig1,big2,consortium\n")
    case = load(tiny_case_dir)
    caps = capacities(case, Scenario())
    assert caps["big1"] == 50_000
    assert caps["big2"] == 500_000


@pytest.mark.parametrize(("ratio", "expected"), [(0.5, 150_000), (0.25, 75_000), (2.0, 600_000)])
def test_turnover_times_ratio_gives_capacity(tiny_case_dir, ratio, expected):
    case = load(tiny_case_dir)
    caps = capacities(case, Scenario(turnover_ratio=ratio))
    assert caps["sme1"] == pytest.approx(expected)  # turnover 300,000 and no capacity
    assert caps["big1"] == 1_000_000  # capacity is not scaled


def test_row_numbers_skip_blank_lines(tiny_case_dir, write):
    write(
        tiny_case_dir / "contract.csv",
        CONTRACT_HEADER + "U1,coaching,North,100000,\n\n   \nU2,coaching,South,many,\n",
    )
    assert_where(load_error(tiny_case_dir), "contract.csv", 5, "value")


# --- missing columns -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "text", "column"),
    [
        ("contract.csv", "unit,service,value\nU1,coaching,100\n", "area"),
        ("contract.csv", "unit,service,area\nU1,coaching,North\n", "value"),
        ("suppliers.csv", "supplier,capacity,services,areas\nbig1,10,*,*\n", "kind"),
        ("suppliers.csv", "supplier,kind,services,areas\nbig1,large,*,*\n", "capacity"),
        ("partners.csv", "a,b\nbig1,big2\n", "relation"),
        ("partners.csv", "a,relation\nbig1,consortium\n", "b"),
        ("adjacency.csv", "area_a,neighbour\nNorth,South\n", "area_b"),
    ],
)
def test_missing_required_column(tiny_case_dir, write, file, text, column):
    write(tiny_case_dir / file, text)
    err = load_error(tiny_case_dir)
    assert_where(err, file, None, column)
    assert "missing required column" in err.message
    assert f"'{column}'" in err.message


def test_column_repeated_in_header(tiny_case_dir, write):
    write(tiny_case_dir / "contract.csv", "unit,service,area,value,unit\nU1,coaching,North,1,U9\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "contract.csv", None, "unit")
    assert "appears twice" in err.message


# --- identifiers ---------------------------------------------------------------------------------


def test_duplicate_unit_id(tiny_case_dir, write):
    write(
        tiny_case_dir / "contract.csv",
        CONTRACT_HEADER + "U1,coaching,North,1,\nU2,coaching,South,1,\nU1,peer,North,1,\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "contract.csv", 4, "unit")
    assert "'U1'" in err.message
    assert "first on line 2" in err.message


def test_duplicate_supplier_id(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + "big1,,large,10,,*,*\nbig2,,large,10,,*,*\nbig3,,large,10,,*,*\n"
        "big2,,sme,10,,*,*\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", 5, "supplier")
    assert "'big2'" in err.message
    assert "first on line 3" in err.message


@pytest.mark.parametrize(
    ("file", "text", "row", "column"),
    [
        ("contract.csv", CONTRACT_HEADER + "U1,coaching,North,1,\n  ,peer,North,1,\n", 3, "unit"),
        ("contract.csv", CONTRACT_HEADER + "U1,,North,1,\n", 2, "service"),
        ("contract.csv", CONTRACT_HEADER + "U1,coaching,,1,\n", 2, "area"),
        (
            "suppliers.csv",
            SUPPLIERS_HEADER + "big1,,large,10,,*,*\n,,large,10,,*,*\n",
            3,
            "supplier",
        ),
        ("adjacency.csv", "area_a,area_b\nNorth,South\n,South\n", 3, "area_a"),
    ],
)
def test_blank_identifier(tiny_case_dir, write, file, text, row, column):
    write(tiny_case_dir / file, text)
    err = load_error(tiny_case_dir)
    assert_where(err, file, row, column)
    assert "blank" in err.message


@pytest.mark.parametrize(
    ("column", "row"),
    [("services", 3), ("areas", 3)],
)
def test_blank_services_or_areas(tiny_case_dir, write, column, row):
    cells = {"services": ",*", "areas": "*,"}[column]
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + f"big1,,large,1,,*,*\nbig2,,sme,1,,{cells}\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", row, column)
    assert "blank" in err.message


# --- numbers -------------------------------------------------------------------------------------

BAD_NUMBERS = [
    ("many", "not a number"),
    ("", "not a number"),
    ("nan", "not a number"),
    ("inf", "not a number"),
    ("0", "not positive"),
    ("-5", "not positive"),
    ("-0.5", "not positive"),
]


@pytest.mark.parametrize(("text", "words"), BAD_NUMBERS)
def test_bad_value(tiny_case_dir, write, text, words):
    write(
        tiny_case_dir / "contract.csv",
        CONTRACT_HEADER + f"U1,coaching,North,100,\nU2,coaching,South,{text},\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "contract.csv", 3, "value")
    assert words in err.message
    assert "expected a number > 0" in err.message


@pytest.mark.parametrize(("text", "words"), [b for b in BAD_NUMBERS if b[0] != ""])
@pytest.mark.parametrize("column", ["capacity", "turnover"])
def test_bad_capacity_or_turnover(tiny_case_dir, write, column, text, words):
    cells = f"{text}," if column == "capacity" else f",{text}"
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + f"big1,,large,10,,*,*\nbig2,,large,{cells},*,*\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", 3, column)
    assert words in err.message


def test_supplier_with_neither_capacity_nor_turnover(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + "big1,,large,10,,*,*\nbig2,,large,,20,*,*\nsme1,,sme, , ,*,*\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", 4, "capacity")
    assert "'sme1'" in err.message
    assert "neither capacity nor turnover" in err.message


def test_supplier_with_turnover_column_only(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        "supplier,kind,turnover,services,areas\nbig1,large,100,*,*\nbig2,large,,*,*\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", 3, "capacity")
    assert "neither capacity nor turnover" in err.message


# --- kinds and relations -------------------------------------------------------------------------


def test_unknown_kind(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + "big1,,large,10,,*,*\nbig2,,charity,10,,*,*\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", 3, "kind")
    assert "unknown kind 'charity'" in err.message
    assert "user_led" in err.message  # lists the allowed kinds


def test_kind_is_case_sensitive(tiny_case_dir, write):
    write(tiny_case_dir / "suppliers.csv", SUPPLIERS_HEADER + "big1,,Large,10,,*,*\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", 2, "kind")


def test_unknown_relation(tiny_case_dir, write):
    write(
        tiny_case_dir / "partners.csv",
        "a,b,relation\nulo1,vcse1,consortium\nbig1,ulo1,joint_venture\n",
    )
    err = load_error(tiny_case_dir)
    assert_where(err, "partners.csv", 3, "relation")
    assert "unknown relation 'joint_venture'" in err.message
    assert "subcontract" in err.message


@pytest.mark.parametrize(
    ("line", "column"),
    [("ghost,vcse1,consortium", "a"), ("ulo1,ghost,subcontract", "b"), (",vcse1,consortium", "a")],
)
def test_partner_names_unknown_supplier(tiny_case_dir, write, line, column):
    write(tiny_case_dir / "partners.csv", f"a,b,relation\nbig1,ulo1,subcontract\n{line}\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "partners.csv", 3, column)
    assert "is not a supplier" in err.message


def test_partner_linked_to_itself(tiny_case_dir, write):
    write(tiny_case_dir / "partners.csv", "a,b,relation\nulo1,ulo1,consortium\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "partners.csv", 2, "b")
    assert "linked to itself" in err.message
    assert "'ulo1'" in err.message


# --- whole-file problems -------------------------------------------------------------------------

ALL_FILES = ["contract.csv", "suppliers.csv", "partners.csv", "adjacency.csv"]


@pytest.mark.parametrize("content", [b"", b"   \n\n \t\r\n"], ids=["zero-bytes", "whitespace"])
@pytest.mark.parametrize("file", ALL_FILES)
def test_empty_file(tiny_case_dir, write, file, content):
    write(tiny_case_dir / file, content)
    err = load_error(tiny_case_dir)
    assert_where(err, file, None, None)
    assert "empty" in err.message


@pytest.mark.parametrize(
    ("file", "header"),
    [
        ("contract.csv", CONTRACT_HEADER),
        ("suppliers.csv", SUPPLIERS_HEADER),
        ("adjacency.csv", "area_a,area_b\n\n"),
    ],
)
def test_header_only_file(tiny_case_dir, write, file, header):
    write(tiny_case_dir / file, header)
    err = load_error(tiny_case_dir)
    assert_where(err, file, None, None)
    assert "no rows" in err.message


@pytest.mark.parametrize("file", ["contract.csv", "suppliers.csv"])
def test_bytes_that_are_not_utf8(tiny_case_dir, file):
    path = tiny_case_dir / file
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b"\xe9,", 1)  # Latin-1 é in the identifier on line 3
    path.write_bytes(b"\n".join(lines))
    err = load_error(tiny_case_dir)
    assert_where(err, file, 3, None)
    assert "0xe9" in err.message
    assert "UTF-8" in err.message


# --- areas and warnings --------------------------------------------------------------------------


def test_contract_area_missing_from_adjacency(tiny_case_dir, write):
    write(tiny_case_dir / "adjacency.csv", "area_a,area_b\nNorth,\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "adjacency.csv", None, None)
    assert "'South'" in err.message
    assert "'North'" not in err.message


def test_adjacency_area_not_in_contract_is_a_warning(tiny_case_dir, write):
    write(tiny_case_dir / "adjacency.csv", "area_a,area_b\nNorth,South\nSouth,Atlantis\n")
    case = load(tiny_case_dir)
    assert set(case.adjacency.nodes) == {"North", "South"}
    assert case.adjacency.number_of_edges() == 1
    assert len(case.warnings) == 1
    assert "Atlantis" in case.warnings[0]
    assert "adjacency.csv" in case.warnings[0]


def test_supplier_area_not_in_contract_is_a_warning(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + "big1,,large,10,,*,*\nbig2,,large,10,,*,North;Atlantis\n",
    )
    write(tiny_case_dir / "partners.csv", "a,b,relation\nbig1,big2,consortium\n")
    case = load(tiny_case_dir)
    assert len(case.warnings) == 1
    assert "'Atlantis'" in case.warnings[0]
    assert "suppliers.csv line 3" in case.warnings[0]
    assert case.suppliers.set_index("supplier").loc["big2", "areas"] == ("Atlantis", "North")


def test_supplier_service_not_in_contract_is_a_warning(tiny_case_dir, write):
    write(
        tiny_case_dir / "suppliers.csv",
        SUPPLIERS_HEADER + "big1,,large,10,,*,*\nbig2,,large,10,,catering,*\n",
    )
    write(tiny_case_dir / "partners.csv", "a,b,relation\nbig1,big2,consortium\n")
    case = load(tiny_case_dir)
    assert len(case.warnings) == 1
    assert "'catering'" in case.warnings[0]


# --- files that are not there --------------------------------------------------------------------


def test_no_supplier_market(tiny_case_dir):
    (tiny_case_dir / "suppliers.csv").unlink()
    err = load_error(tiny_case_dir)
    assert err.file == str(tiny_case_dir / "contract.csv")
    assert "no supplier market" in err.message
    assert "--suppliers" in err.message


def test_contract_path_does_not_exist(tmp_path):
    missing = tmp_path / "nowhere" / "contract.csv"
    with pytest.raises(InputError) as err:
        load_case(missing)
    assert err.value.file == str(missing)
    assert "does not exist" in err.value.message


def test_contract_path_is_a_folder(tiny_case_dir):
    with pytest.raises(InputError) as err:
        load_case(tiny_case_dir)
    assert err.value.file == str(tiny_case_dir)
    assert "folder" in err.value.message


@pytest.mark.parametrize("role", ["suppliers", "partners", "adjacency"])
def test_named_file_that_does_not_exist(tiny_case_dir, role):
    missing = tiny_case_dir / "other" / f"my-{role}.csv"
    with pytest.raises(InputError) as err:
        load_case(tiny_case_dir / "contract.csv", **{role: missing})
    assert err.value.file == str(missing)
    assert "does not exist" in err.value.message


def test_named_files_elsewhere_are_used(tiny_case_dir, tmp_path):
    elsewhere = tmp_path / "market"
    elsewhere.mkdir()
    (tiny_case_dir / "suppliers.csv").rename(elsewhere / "firms.csv")
    case = load_case(tiny_case_dir / "contract.csv", suppliers=elsewhere / "firms.csv")
    assert case.files["suppliers"] == elsewhere / "firms.csv"
    assert len(case.suppliers) == 5


def test_error_text_names_file_line_and_column(tiny_case_dir, write):
    write(tiny_case_dir / "contract.csv", CONTRACT_HEADER + "U1,coaching,North,zero,\n")
    text = str(load_error(tiny_case_dir))
    assert "contract.csv" in text
    assert "line 2" in text
    assert "column 'value'" in text


# --- messages that say what to fix, DataFrame inputs, hashes ----------------------------------


@pytest.mark.parametrize(("sep", "word"), [(";", "semicolons"), ("\t", "tabs")])
def test_other_separators_are_named(tiny_case_dir, write, sep, word):
    write(tiny_case_dir / "contract.csv", sep.join(["unit", "service", "area", "value"]) + "\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "contract.csv", 1, None)
    assert f"separated by {word}, not commas" in err.message


@pytest.mark.parametrize(
    ("old", "new", "row", "hint"),
    [
        (",South,", ",Sooth,", 3, ""),  # every South unit misspelt: blamed on the contract
        ("U4,peer,South", "U4,peer,Sooth", 5, "add it to"),  # one, beside its right spelling
    ],
)
def test_misspelt_area_in_the_contract_is_hinted(tiny_case_dir, write, old, new, row, hint):
    text = (tiny_case_dir / "contract.csv").read_text(encoding="utf-8")
    write(tiny_case_dir / "contract.csv", text.replace(old, new))
    err = load_error(tiny_case_dir)
    assert_where(err, "contract.csv", row, "area")
    assert "Did you mean 'South'?" in err.message and hint in err.message


def test_unknown_supplier_in_partners_suggests_the_close_one(tiny_case_dir, write):
    write(tiny_case_dir / "partners.csv", "a,b,relation\nbig1,vcse-1,subcontract\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "partners.csv", 2, "b")
    assert "Did you mean 'vcse1'?" in err.message


def test_unknown_area_in_suppliers_warns_with_a_suggestion(tiny_case_dir, write):
    text = (tiny_case_dir / "suppliers.csv").read_text(encoding="utf-8")
    write(tiny_case_dir / "suppliers.csv", text.replace("coaching,North\n", "coaching,Nort\n"))
    case = load(tiny_case_dir)
    assert any("'Nort'" in w and "Did you mean 'North'?" in w for w in case.warnings)


def test_dataframes_load_like_files(tiny_case_dir):
    """A case built in pandas (list cells as lists) gives the same case and hashes as its CSV."""
    import pandas as pd

    from_files = load(tiny_case_dir)
    contract = pd.read_csv(tiny_case_dir / "contract.csv", dtype=str, keep_default_na=False)
    suppliers = pd.read_csv(tiny_case_dir / "suppliers.csv", dtype=str, keep_default_na=False)
    suppliers["areas"] = suppliers["areas"].str.split(";")
    partners = pd.read_csv(tiny_case_dir / "partners.csv", dtype=str)
    case = load_case(contract, suppliers, partners)
    assert case.units == from_files.units
    assert case.suppliers["areas"].tolist() == from_files.suppliers["areas"].tolist()
    assert case.files == {} and case.adjacency is None
    assert case.hashes["contract"]["file"] == "contract table"
    assert len(case.hashes["suppliers"]["sha256"]) == 64


def test_a_dataframe_error_names_the_table(tiny_case_dir):
    import pandas as pd

    bad = pd.DataFrame({"unit": ["U1"], "service": ["s"], "area": ["a"], "value": ["-5"]})
    with pytest.raises(InputError) as err:
        load_case(bad, tiny_case_dir / "suppliers.csv")
    assert err.value.file == "contract table" and err.value.column == "value"


def test_hashes_are_the_files_sha256(tiny_case_dir):
    import hashlib

    case = load(tiny_case_dir)
    for role, path in case.files.items():
        expected = hashlib.sha256(path.read_bytes()).hexdigest()
        assert case.hashes[role] == {"file": path.name, "sha256": expected}


# --- small input points (issue 17) ---------------------------------------------------------------


def test_header_only_partners_is_no_partners(tiny_case_dir, write):
    write(tiny_case_dir / "partners.csv", "a,b,relation\n")
    case = load(tiny_case_dir)
    assert case.partners.empty
    assert "partners" in case.files


@pytest.mark.parametrize("value", ["1,200", "100,000", "1,000,000.50"])
def test_thousands_separators_are_rejected(tiny_case_dir, write, value):
    write(tiny_case_dir / "contract.csv", CONTRACT_HEADER + f'U1,coaching,North,"{value}",\n')
    err = load_error(tiny_case_dir)
    assert_where(err, "contract.csv", 2, "value")
    assert "thousands separators are not allowed" in err.message
    assert value.replace(",", "") in err.message


@pytest.mark.parametrize(("char", "name"), [("\0", "U+0000 (NUL)"), ("\x1b", "U+001B (ESC)")])
def test_control_characters_in_identifiers_are_rejected(tiny_case_dir, write, char, name):
    text = "supplier,name,kind,capacity,turnover,services,areas\n"
    text += f"big{char}1,Big,large,1000000,,*,*\n"
    write(tiny_case_dir / "suppliers.csv", text)
    err = load_error(tiny_case_dir)
    assert_where(err, "suppliers.csv", 2, "supplier")
    assert f"control character {name}" in err.message


def test_a_tab_at_the_edge_of_a_cell_is_trimmed_as_before(tiny_case_dir, write):
    contract = (tiny_case_dir / "contract.csv").read_text().replace("U1,", "U1\t,")
    write(tiny_case_dir / "contract.csv", contract)
    assert load(tiny_case_dir).units[0] == "U1"


def test_a_row_with_extra_fields_names_its_line(tiny_case_dir, write):
    write(tiny_case_dir / "partners.csv", "a,b,relation\nulo1,vcse1,consortium\nx,y,z,extra\n")
    err = load_error(tiny_case_dir)
    assert_where(err, "partners.csv", 3, None)
    assert err.message.startswith("has 4 fields but the header has 3 columns")
    assert "tokeniz" not in str(err).lower()
