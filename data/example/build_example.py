"""Build the shipped example case: an illustrative employment-support contract over Scotland.

The contract has two service lines (employability, about 80 % of the value, and peer support) in
each of Scotland's 32 council areas, valued in proportion to recent population estimates. The
supplier market and the partner graph are invented: every organisation here is fictional. The
adjacency is copied from the shared Scottish data, water crossings included.

Run from anywhere; it writes contract.csv, suppliers.csv, partners.csv, adjacency.csv and
boundaries.topojson (the shared council boundaries with an ``area`` property naming each contract
area) beside itself, and running it again gives byte-identical files:

    python data/example/build_example.py [--scotland DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SCOTLAND = Path(__file__).resolve().parents[2].parent / "shared/data/scotland"

TOTAL_VALUE = 32_000_000  # a year, on the scale of Fair Start Scotland
SERVICES = {"employability": ("EMP", 0.8), "peer_support": ("PEER", 0.2)}  # prefix, value share
ROUND_TO = 1_000
MIN_VALUE = 20_000
ISLAND_BUNDLES = {
    "Orkney Islands": "islands-orkney",
    "Shetland Islands": "islands-shetland",
    "Na h-Eileanan Siar": "islands-western-isles",
}

BOTH = ("employability", "peer_support")
PEER = ("peer_support",)
EMP = ("employability",)

# Three national primes: every service, every area.
PRIMES = [
    ("prime-a", "Corrievale Employment Group plc", 40_000_000),
    ("prime-b", "Brannoch Workforce Services Ltd", 25_000_000),
    ("prime-c", "Drumlinn Careers Ltd", 12_000_000),
]

# SMEs: both services over one region, given as NHS boards (contiguous groups of 4-6 councils).
SMES = [
    ("sme-north", "Inverbrae Training Ltd", 2_500_000, ("Grampian", "Highland")),
    ("sme-clyde", "Kilbrackie Employability Ltd", 4_000_000, ("Greater Glasgow and Clyde",)),
    ("sme-east", "Auchterlee Skills Ltd", 3_500_000, ("Lothian", "Borders")),
    ("sme-tay", "Strathmennan Works Ltd", 2_000_000, ("Tayside", "Fife")),
    (
        "sme-southwest",
        "Craigmyre Employment Ltd",
        1_500_000,
        ("Ayrshire and Arran", "Dumfries and Galloway"),
    ),
]

# VCSEs and user-led organisations, two lines each: id, name, capacity, turnover (capacity None:
# only the turnover is known), services; then the areas, neighbours of one another.
# fmt: off
VCSES = [
    ("vcse-glasgow",         "Fennockburn Community Trust",       1_800_000, None,    BOTH,
     ("Glasgow City",)),
    ("vcse-lothian",         "Lochendry Community Works",         1_600_000, None,    BOTH,
     ("City of Edinburgh", "East Lothian", "Midlothian", "West Lothian")),
    ("vcse-tayside",         "Ardlinnie Social Enterprise",         900_000, None,    BOTH,
     ("Dundee City", "Angus", "Perth and Kinross")),
    ("vcse-grampian",        "Dunmorrow Trust",                   1_200_000, None,    EMP,
     ("Aberdeen City", "Aberdeenshire", "Moray")),
    ("vcse-highlands",       "Glenarrow Community Enterprise",    1_000_000, None,    EMP,
     ("Highland", "Na h-Eileanan Siar", "Orkney Islands", "Shetland Islands")),
    ("vcse-lanarkshire",     "Craiglinn Works",                   1_400_000, None,    BOTH,
     ("North Lanarkshire", "South Lanarkshire")),
    ("vcse-forth",           "Balnamore Community Trust",           600_000, None,    BOTH,
     ("Clackmannanshire", "Falkirk", "Stirling")),
    ("vcse-ayrshire",        "Kirkhallow Foundation",               400_000, None,    PEER,
     ("East Ayrshire", "North Ayrshire", "South Ayrshire", "Inverclyde")),
]
USER_LED = [
    ("ulo-glasgow-peers",    "Rowanhill Peer Circle",               450_000, None,    PEER,
     ("Glasgow City",)),
    ("ulo-glasgow-recovery", "Kelvinmoss Recovery Voices",          350_000, None,    PEER,
     ("Glasgow City", "East Dunbartonshire")),
    ("ulo-edinburgh-voices", "Harelaw Voices",                      400_000, None,    PEER,
     ("City of Edinburgh", "West Lothian")),
    ("ulo-lothian-peers",    "Esklinn Peer Network",                None,    500_000, PEER,
     ("City of Edinburgh", "Midlothian", "East Lothian")),
    ("ulo-dundee-peers",     "Taybrae Peer Support",                200_000, None,    PEER,
     ("Dundee City",)),
    ("ulo-dundee-works",     "Sidlaw Way Members' Co-operative",    300_000, None,    BOTH,
     ("Dundee City", "Angus", "Perth and Kinross")),
    ("ulo-aberdeen-peers",   "Granitegate Peers",                   180_000, None,    PEER,
     ("Aberdeen City", "Aberdeenshire")),
    ("ulo-highland-islands", "Skerrybrae Peer Network",             150_000, None,    PEER,
     ("Highland", "Orkney Islands", "Na h-Eileanan Siar")),
    ("ulo-shetland",         "Nortoun Folk Together",               None,    300_000, BOTH,
     ("Shetland Islands",)),
    ("ulo-fife-peers",       "Lomondside Peers",                    250_000, None,    PEER,
     ("Fife",)),
    ("ulo-forth-valley",     "Ochilbank Peer Circle",                65_000, None,    PEER,
     ("Stirling", "Clackmannanshire", "Falkirk")),
    ("ulo-lanarkshire",      "Clydesmuir Lived Experience Forum",   None,    600_000, PEER,
     ("North Lanarkshire", "South Lanarkshire")),
    ("ulo-renfrewshire",     "Gryfeside Peer Co-op",                280_000, None,    BOTH,
     ("Renfrewshire", "East Renfrewshire", "Inverclyde")),
    ("ulo-ayrshire",         "Girvanmains Voices",                  200_000, None,    PEER,
     ("East Ayrshire", "South Ayrshire", "North Ayrshire")),
    ("ulo-borders",          "Tweedlea Peer Support",               None,    240_000, PEER,
     ("Scottish Borders", "Dumfries and Galloway")),
    ("ulo-argyll",           "Cowal Shore Peer Network",            140_000, None,    BOTH,
     ("Argyll and Bute", "West Dunbartonshire")),
]
# fmt: on

# Willing to bid jointly (undirected). Glasgow's two user-led groups and its VCSE form a triangle;
# the Glasgow, Edinburgh and Fife/Dundee user-led pairs can together hold a peer-support unit
# that neither can hold alone.
CONSORTIA = [
    ("ulo-glasgow-peers", "ulo-glasgow-recovery"),
    ("ulo-glasgow-peers", "vcse-glasgow"),
    ("ulo-glasgow-recovery", "vcse-glasgow"),
    ("ulo-edinburgh-voices", "ulo-lothian-peers"),
    ("ulo-edinburgh-voices", "vcse-lothian"),
    ("ulo-dundee-peers", "ulo-dundee-works"),
    ("ulo-dundee-works", "vcse-tayside"),
    ("ulo-fife-peers", "ulo-dundee-peers"),
    ("ulo-aberdeen-peers", "vcse-grampian"),
    ("ulo-highland-islands", "vcse-highlands"),
    ("ulo-forth-valley", "vcse-forth"),
    ("ulo-lanarkshire", "vcse-lanarkshire"),
    ("ulo-ayrshire", "vcse-ayrshire"),
    ("ulo-renfrewshire", "ulo-argyll"),
]

# Prime (a) would subcontract to (b).
SUBCONTRACTS = [
    ("prime-a", "vcse-glasgow"),
    ("prime-a", "ulo-glasgow-peers"),
    ("prime-a", "ulo-edinburgh-voices"),
    ("prime-b", "vcse-lothian"),
    ("prime-b", "ulo-dundee-works"),
    ("prime-b", "ulo-shetland"),
    ("prime-c", "vcse-highlands"),
    ("prime-c", "ulo-highland-islands"),
    ("sme-clyde", "ulo-renfrewshire"),
    ("sme-east", "ulo-lothian-peers"),
    ("sme-tay", "ulo-fife-peers"),
    ("sme-north", "ulo-aberdeen-peers"),
]

KIND_ORDER = ("large", "sme", "vcse", "user_led")

# The boundaries use 2013 names (LAD13NM); only this one differs from the contract's area name.
BOUNDARY_NAMES = {"Eilean Siar": "Na h-Eileanan Siar"}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file as a list of row dictionaries."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write rows under a header as UTF-8 CSV with Unix line endings."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def neighbours(adjacency: list[dict[str, str]]) -> dict[str, set[str]]:
    """Map each area to the areas it touches by land, bridge or ferry."""
    graph: dict[str, set[str]] = {}
    for row in adjacency:
        a, b = row["area_a"], row["area_b"]
        graph.setdefault(a, set())
        if b:
            graph[a].add(b)
            graph.setdefault(b, set()).add(a)
    return graph


def is_connected(areas: Sequence[str], graph: dict[str, set[str]]) -> bool:
    """Whether the areas form one connected piece of the adjacency graph."""
    wanted = set(areas)
    seen = {areas[0]}
    stack = [areas[0]]
    while stack:
        for other in graph[stack.pop()] & (wanted - seen):
            seen.add(other)
            stack.append(other)
    return seen == wanted


def contract_rows(councils: list[dict[str, str]]) -> list[list[object]]:
    """One unit per council and service line, valued by recent population."""
    population = {c["name"]: int(c["population_recent"]) for c in councils}
    total_population = sum(population.values())
    rows: list[list[object]] = []
    for service, (prefix, share) in SERVICES.items():
        for council in sorted(councils, key=lambda c: c["name"]):
            name = council["name"]
            exact = TOTAL_VALUE * share * population[name] / total_population
            value = max(MIN_VALUE, round(exact / ROUND_TO) * ROUND_TO)
            unit = f"{prefix}-{council['code']}"
            rows.append([unit, service, name, value, ISLAND_BUNDLES.get(name, "")])
    return rows


def nhs_board_rows(
    councils: list[dict[str, str]], contract: list[list[object]]
) -> list[list[object]]:
    """A current division to compare with: one lot per NHS board, both service lines together."""
    board = {c["name"]: c["nhs_board"] for c in councils}
    return [[row[0], board[str(row[2])]] for row in contract]


def supplier_rows(councils: list[dict[str, str]]) -> list[list[object]]:
    """The fictional market: primes, regional SMEs, VCSEs and user-led organisations."""
    rows: list[list[object]] = []
    for supplier, name, capacity in PRIMES:
        rows.append([supplier, name, "large", capacity, "", "*", "*"])
    for supplier, name, capacity, boards in SMES:
        areas = sorted(c["name"] for c in councils if c["nhs_board"] in boards)
        rows.append([supplier, name, "sme", capacity, "", ";".join(BOTH), ";".join(areas)])
    for kind, entries in (("vcse", VCSES), ("user_led", USER_LED)):
        for supplier, name, capacity, turnover, services, areas in entries:
            rows.append(
                [
                    supplier,
                    name,
                    kind,
                    "" if capacity is None else capacity,
                    "" if turnover is None else turnover,
                    ";".join(services),
                    ";".join(sorted(areas)),
                ]
            )
    return sorted(rows, key=lambda r: (KIND_ORDER.index(str(r[2])), str(r[0])))


def require(condition: bool, message: str) -> None:
    """Raise ValueError with the message unless the condition holds."""
    if not condition:
        raise ValueError(message)


def check(
    contract: list[list[object]],
    suppliers: list[list[object]],
    partners: list[list[object]],
    graph: dict[str, set[str]],
) -> None:
    """Fail loudly if the generated case breaks any of the example's promises."""
    areas = {str(row[2]) for row in contract}
    require(len(areas) == 32 and areas <= graph.keys(), "an area is missing from the adjacency")
    area_sets: dict[str, set[str]] = {}
    for supplier, _name, kind, _capacity, _turnover, _services, listed in suppliers:
        served = areas if listed == "*" else set(str(listed).split(";"))
        require(served <= areas, f"{supplier}: unknown area in {served - areas}")
        if kind != "large":
            require(is_connected(sorted(served), graph), f"{supplier}: areas not contiguous")
        area_sets[str(supplier)] = served
    for unit, service, area, value, _ in contract:
        covering = [
            s
            for s in suppliers
            if (s[5] == "*" or service in str(s[5]).split(";")) and area in area_sets[str(s[0])]
        ]
        require(len(covering) >= 2 and int(value) >= MIN_VALUE, f"{unit}: thin or too small")
    for a, b, relation in partners:
        require(a in area_sets and b in area_sets and a != b, f"unknown partner in {a}, {b}")
        if relation == "consortium":
            near = area_sets[a] | {n for area in area_sets[a] for n in graph[area]}
            require(bool(near & area_sets[b]), f"{a} and {b} neither share nor neighbour an area")


def boundaries_topojson(source: Path, areas: set[str]) -> str:
    """The shared TopoJSON with an ``area`` property (the contract's area name) on every geometry.

    Everything else (other properties, arcs, transform) is kept as it is; the text is compact JSON
    with sorted keys, so the same source gives the same bytes. Raises ValueError unless the
    geometries name each contract area exactly once.
    """
    topology = json.loads(source.read_text(encoding="utf-8"))
    seen: list[str] = []
    for shape in topology["objects"].values():
        for geometry in shape["geometries"]:
            properties = geometry.setdefault("properties", {})
            name = properties["LAD13NM"]
            area = BOUNDARY_NAMES.get(name, name)
            require(area in areas, f"boundary {name!r} matches no contract area")
            properties["area"] = area
            seen.append(area)
    require(sorted(seen) == sorted(areas), "boundaries do not name each contract area once")
    return json.dumps(topology, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Read the Scottish data, build the four CSV files and the boundaries, write them here."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scotland", type=Path, default=DEFAULT_SCOTLAND, metavar="DIR")
    args = parser.parse_args(argv)

    councils = read_csv(args.scotland / "council_areas.csv")
    adjacency = read_csv(args.scotland / "adjacency.csv")
    graph = neighbours(adjacency)

    contract = contract_rows(councils)
    suppliers = supplier_rows(councils)
    partners = sorted(
        [[a, b, "consortium"] for a, b in CONSORTIA]
        + [[a, b, "subcontract"] for a, b in SUBCONTRACTS],
        key=lambda r: (r[2], r[0], r[1]),
    )
    check(contract, suppliers, partners, graph)
    boundaries = boundaries_topojson(
        args.scotland / "council_areas.topojson", {str(row[2]) for row in contract}
    )

    adjacency_header = ["area_a", "area_b", "link", "shared_border_km"]
    write_csv(HERE / "contract.csv", ["unit", "service", "area", "value", "bundle"], contract)
    write_csv(
        HERE / "suppliers.csv",
        ["supplier", "name", "kind", "capacity", "turnover", "services", "areas"],
        suppliers,
    )
    write_csv(HERE / "partners.csv", ["a", "b", "relation"], partners)
    write_csv(
        HERE / "adjacency.csv",
        adjacency_header,
        ([row[c] for c in adjacency_header] for row in adjacency),
    )
    (HERE / "boundaries.topojson").write_text(boundaries, encoding="utf-8", newline="\n")
    write_csv(HERE / "nhs_boards.csv", ["unit", "lot"], nhs_board_rows(councils, contract))
    total = sum(int(row[3]) for row in contract)
    print(
        f"wrote {len(contract)} units worth £{total:,}, {len(suppliers)} suppliers, "
        f"{len(partners)} partner links, {len(adjacency)} adjacency rows and the boundaries "
        f"of {len(contract) // len(SERVICES)} areas to {HERE}"
    )


if __name__ == "__main__":
    main()
