"""The market report of ``lotting check``: who can bid for each unit, and who is left out."""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from lotting.inputs.case import Case
from lotting.mip.diagnose import sole_holders
from lotting.rules.lots import LotJudge
from lotting.rules.market import capacities, coverage, targets
from lotting.rules.options import Option, build_options, consortium_cliques
from lotting.rules.values import fits
from lotting.scenario import KINDS, Scenario
from lotting.text import cut_list, fit_list

#: Widest line of :meth:`MarketReport.to_text`.
WIDTH = 100
#: Most names a list shows before "and N more".
MAX_NAMED = 6
#: Narrowest a text column of a table is cut to when the table is too wide.
MIN_CELL = 8
#: Widest list of members in a table of the text report.
MEMBERS_WIDTH = 56

NO_ONE = "no one covers it"

_UNIT_COLUMNS = (
    "unit",
    "service",
    "area",
    "value",
    "suppliers_alone",
    "lead_options",
    "consortium_options",
    "options",
    "target_options",
    "flag",
)
_STRANDED_COLUMNS = ("supplier", "kind", "capacity", "covers", "reason", "would_help")


@dataclass(frozen=True)
class MarketReport:
    """The market as the scenario sees it: a table per question, and the case's warnings.

    ``kinds``: suppliers by kind (kind, suppliers, capacity, targets) in the order of KINDS;
    ``units``: a row per unit in contract order (unit, service, area, value, suppliers_alone,
    lead_options, consortium_options, options, target_options, flag), counting the options that
    could bid for a lot holding only that unit; ``uncovered``: units no option covers at all;
    ``stranded``: target suppliers that cannot lead a lot of any single unit (supplier, kind,
    capacity, covers, reason, would_help); ``components``: the connected pieces of the partner
    graph (component, size, members, kinds); ``cliques``: consortium cliques of 2..max_consortium
    members (members, kinds, capacity, units_covered, units_alone, has_target);
    ``sole_holders``: suppliers that hold every option covering some unit (supplier, units,
    areas): a cap on them or their withdrawal leaves those units with no other bidder;
    ``reserve_short``: units that even in a lot of their own have fewer than min_bidders
    options among the reserve kinds (unit, reserve_kinds, reserve_options), so no reserved lot
    can hold them.
    """

    kinds: pd.DataFrame
    units: pd.DataFrame
    uncovered: list[str]
    stranded: pd.DataFrame
    components: pd.DataFrame
    cliques: pd.DataFrame
    warnings: tuple[str, ...]
    scenario: Scenario
    sole_holders: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    reserve_short: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    #: Supplier identifier → name, for the text a person reads (tables keep identifiers).
    names: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_text(self) -> str:
        """A plain-text report for a terminal, at most WIDTH columns wide."""
        return _render(self)


def market_report(case: Case, scenario: Scenario) -> MarketReport:
    """Check the market of a case under a scenario: coverage, stranded targets, partner graph.

    >>> print(market_report(case, Scenario()).to_text())  # doctest: +SKIP
    """
    options = build_options(case, scenario)
    cover = coverage(case)
    cap = capacities(case, scenario)
    target = targets(case, scenario)
    values = case.contract["value"].astype(float).tolist()
    covered = {s: [int(u) for u in cover.loc[s].to_numpy().nonzero()[0]] for s in cover.index}
    units = _units(case, scenario, options, cover, cap, values)
    names = dict(zip(case.suppliers["supplier"], case.suppliers["name"], strict=True))
    return MarketReport(
        kinds=_kinds(case, scenario, cap),
        units=units,
        uncovered=units.loc[units["flag"] == NO_ONE, "unit"].tolist(),
        stranded=_stranded(case, scenario, options, covered, cap, target, values),
        components=_components(case),
        cliques=_cliques(case, scenario, covered, cap, target, values),
        warnings=tuple(case.warnings),
        scenario=scenario,
        sole_holders=_sole(case, options),
        reserve_short=_reserve_short(case, scenario, options),
        names=names,
    )


def _sole(case: Case, options: Sequence[Option]) -> pd.DataFrame:
    """Suppliers that alone can hold some unit: every option covering it has them as holder."""
    unit_ids, areas = case.contract["unit"].tolist(), case.contract["area"].tolist()
    rows = [
        {
            "supplier": supplier,
            "units": ";".join(unit_ids[u] for u in units),
            "areas": ";".join(sorted({areas[u] for u in units})),
        }
        for supplier, units in sole_holders(case, options).items()
    ]
    return pd.DataFrame(rows, columns=["supplier", "units", "areas"])


def _reserve_short(case: Case, scenario: Scenario, options: Sequence[Option]) -> pd.DataFrame:
    """Units short of min_bidders among reserve-kind options, even in a lot of their own."""
    judge = LotJudge(case, scenario, options)
    rows = []
    for u, unit in enumerate(case.contract["unit"]):
        count = judge.judge([u], reserved=True).bidders
        if count < max(1, scenario.min_bidders):
            rows.append(
                {
                    "unit": unit,
                    "reserve_kinds": ";".join(scenario.reserved_kinds),
                    "reserve_options": count,
                }
            )
    return pd.DataFrame(rows, columns=["unit", "reserve_kinds", "reserve_options"])


def _kinds(case: Case, scenario: Scenario, cap: pd.Series) -> pd.DataFrame:
    """Suppliers, total capacity and targets of each kind, every kind listed."""
    kinds = case.suppliers["kind"].to_numpy()
    rows = []
    for kind in KINDS:
        mask = kinds == kind
        count = int(mask.sum())
        rows.append(
            {
                "kind": kind,
                "suppliers": count,
                "capacity": float(cap.to_numpy()[mask].sum()),
                "targets": count if kind in scenario.target_kinds else 0,
            }
        )
    return pd.DataFrame(rows, columns=["kind", "suppliers", "capacity", "targets"])


def _units(
    case: Case,
    scenario: Scenario,
    options: Sequence[Option],
    cover: pd.DataFrame,
    cap: pd.Series,
    values: list[float],
) -> pd.DataFrame:
    """A row per unit: suppliers and options that could hold a lot of that unit alone."""
    reachable = frozenset().union(*(o.covers for o in options)) if options else frozenset()
    rows = []
    for position, row in enumerate(case.contract.itertuples(index=False)):
        value = values[position]
        alone = int(sum(fits(value, cap[s]) for s in cover.index[cover[row.unit].to_numpy()]))
        eligible = [o for o in options if o.is_eligible([position], values)]
        lead = sum(o.type == "lead" for o in eligible)
        total = len(eligible)
        if position not in reachable:
            flag = NO_ONE
        elif total < scenario.min_bidders:
            flag = f"fewer than min_bidders ({scenario.min_bidders}) options alone"
        else:
            flag = ""
        rows.append(
            {
                "unit": row.unit,
                "service": row.service,
                "area": row.area,
                "value": value,
                "suppliers_alone": alone,
                "lead_options": lead,
                "consortium_options": total - lead,
                "options": total,
                "target_options": sum(o.has_target for o in eligible),
                "flag": flag,
            }
        )
    return pd.DataFrame(rows, columns=list(_UNIT_COLUMNS))


def _consortia_on(scenario: Scenario) -> bool:
    """True when the scenario admits consortium options at all."""
    return scenario.consortia and scenario.max_consortium >= 2


def _stranded(
    case: Case,
    scenario: Scenario,
    options: Sequence[Option],
    covered: dict[str, list[int]],
    cap: pd.Series,
    target: set[str],
    values: list[float],
) -> pd.DataFrame:
    """Target suppliers whose lead option fits no single unit, why, and what would let them in."""
    leads = {o.id: o for o in options if o.type == "lead"}
    rows = []
    for supplier, kind in zip(case.suppliers["supplier"], case.suppliers["kind"], strict=True):
        if supplier not in target:
            continue
        lead = leads[supplier]
        if any(lead.is_eligible([u], values) for u in covered[supplier]):
            continue
        rows.append(
            {
                "supplier": supplier,
                "kind": kind,
                "capacity": float(cap[supplier]),
                "covers": len(covered[supplier]),
                "reason": _reason(lead, covered[supplier], cap[supplier], values),
                "would_help": _would_help(case, scenario, options, supplier, covered, cap, values),
            }
        )
    rows.sort(key=lambda r: r["supplier"])
    return pd.DataFrame(rows, columns=list(_STRANDED_COLUMNS))


def _smallest(units: list[int], values: list[float]) -> int:
    """Position of the least valuable unit (the first in contract order on a tie)."""
    return min(units, key=lambda u: (values[u], u))


def _reason(lead: Option, units: list[int], capacity: float, values: list[float]) -> str:
    """Why a supplier cannot lead a lot of any single unit."""
    if not units:
        return "covers no unit of the contract"
    smallest = values[_smallest(units, values)]
    if lead.chain:
        return (
            f"every unit it covers is worth more than it can lead even with its supply chain, "
            f"{_money(lead.value_limit)} (smallest {_money(smallest)})"
        )
    return (
        f"every unit it covers is worth more than its capacity {_money(capacity)} "
        f"(smallest {_money(smallest)})"
    )


def _would_help(
    case: Case,
    scenario: Scenario,
    options: Sequence[Option],
    supplier: str,
    covered: dict[str, list[int]],
    cap: pd.Series,
    values: list[float],
) -> str:
    """Consortia and supply chains that bring a stranded supplier in, else what partner would
    (suppliers by name)."""
    names = dict(zip(case.suppliers["supplier"], case.suppliers["name"], strict=True))
    everything = range(len(values))
    consortia = [
        o.id
        for o in options
        if o.type == "consortium"
        and supplier in o.holders
        and any(o.is_eligible([u], values) for u in everything)
    ]
    primes = [
        o.id
        for o in options
        if o.type == "lead"
        and supplier in o.chain
        and any(_leads_lot_with(o, u, values) for u in covered[supplier])
    ]
    helps = []
    if consortia:
        partners = [f"with {_partners(c, supplier, names)}" for c in consortia]
        helps.append(f"a consortium {_either(partners)}")
    if primes:
        helps.append(f"as a subcontractor {_either([f'to {names.get(p, p)}' for p in primes])}")
    if helps:
        return "; ".join(helps)
    where = "in the current partner graph" if _consortia_on(scenario) else "(consortia are off)"
    units = covered[supplier]
    if not units:
        return f"nothing {where}: it covers no unit, so only a consortium that can hold one would"
    u = _smallest(units, values)
    row = case.contract.iloc[u]
    need = max(values[u] - float(cap[supplier]), 0.0)
    return (
        f"nothing {where}: a consortium partner with capacity ≥ {_money(need)} would let it bid "
        f"for {row['unit']} ({row['service']} in {row['area']}, {_money(values[u])})"
    )


def _named(names: dict[str, str], supplier: str) -> str:
    """``Name (id; `` for a supplier with a name of its own, else ``id (``: the start of its line.

    >>> _named({"u1": "User One"}, "u1"), _named({}, "u2")
    ('User One (u1; ', 'u2 (')
    """
    name = names.get(supplier, supplier)
    return f"{supplier} (" if name == supplier else f"{name} ({supplier}; "


def _partners(clique_id: str, supplier: str, names: dict[str, str]) -> str:
    """A consortium named by the supplier's partners in it, e.g. ``A + B``."""
    return " + ".join(names.get(m, m) for m in clique_id.split("+") if m != supplier)


def _leads_lot_with(option: Option, unit: int, values: list[float]) -> bool:
    """Can the lead option bid for a lot of this unit, alone or with one unit of its own?"""
    if option.is_eligible([unit], values):
        return True
    return any(option.is_eligible([unit, w], values) for w in sorted(option.own) if w != unit)


def _link_graph(case: Case) -> nx.Graph:
    """Undirected graph of every partner link, consortium and subcontract alike."""
    graph = nx.Graph()
    graph.add_edges_from(zip(case.partners["a"], case.partners["b"], strict=True))
    return graph


def _kind_list(kinds: set[str]) -> str:
    """Kinds ';'-joined in the order of KINDS."""
    return ";".join(k for k in KINDS if k in kinds)


def _components(case: Case) -> pd.DataFrame:
    """Connected pieces of the partner graph, largest first, numbered from 1."""
    kind = dict(zip(case.suppliers["supplier"], case.suppliers["kind"], strict=True))
    pieces = sorted(
        (sorted(p) for p in nx.connected_components(_link_graph(case))),
        key=lambda p: (-len(p), p),
    )
    rows = [
        {
            "component": number,
            "size": len(members),
            "members": ";".join(members),
            "kinds": _kind_list({kind[m] for m in members}),
        }
        for number, members in enumerate(pieces, start=1)
    ]
    return pd.DataFrame(rows, columns=["component", "size", "members", "kinds"])


def _cliques(
    case: Case,
    scenario: Scenario,
    covered: dict[str, list[int]],
    cap: pd.Series,
    target: set[str],
    values: list[float],
) -> pd.DataFrame:
    """Consortium cliques of 2..max_consortium members: capacity, units covered and held alone."""
    kind = dict(zip(case.suppliers["supplier"], case.suppliers["kind"], strict=True))
    rows = []
    for clique in consortium_cliques(case, scenario.max_consortium):
        units = set().union(*(covered[m] for m in clique))
        capacity = float(sum(cap[m] for m in clique))
        rows.append(
            {
                "members": ";".join(clique),
                "kinds": _kind_list({kind[m] for m in clique}),
                "capacity": capacity,
                "units_covered": len(units),
                "units_alone": sum(fits(values[u], capacity) for u in units),
                "has_target": any(m in target for m in clique),
            }
        )
    columns = ["members", "kinds", "capacity", "units_covered", "units_alone", "has_target"]
    return pd.DataFrame(rows, columns=columns)


# --- Text ------------------------------------------------------------------------------------


def _money(value: float) -> str:
    """A value with thousands separators, and pence only when there are any."""
    value = float(value)
    return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"


def _either(items: Sequence[str]) -> str:
    """Alternatives as prose, ``a, b or c``, cut to MAX_NAMED."""
    if len(items) > MAX_NAMED or len(items) < 2:
        return cut_list(items, MAX_NAMED)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def _heading(title: str) -> list[str]:
    """A title underlined, after a blank line."""
    return ["", title, "-" * len(title)]


def _wrap(text: str, indent: str = "  ", hanging: str = "    ") -> list[str]:
    """A paragraph wrapped to WIDTH."""
    lines = textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=hanging, break_on_hyphens=False
    )
    return lines or [""]


def _table(df: pd.DataFrame, text: Sequence[str] = ()) -> list[str]:
    """A table as aligned lines: ``text`` columns left-aligned and cut to fit WIDTH, others right.

    Every other column must already hold formatted strings or integers.
    """
    if df.empty:
        return ["  (none)"]
    cells = df.astype(str)
    limits = {c: max(len(c), *cells[c].str.len()) for c in text if c in cells.columns}
    while True:
        shown = cells.copy()
        for column, limit in limits.items():
            cut = shown[column].map(lambda s, n=limit: s if len(s) <= n else s[: n - 3] + "...")
            width = max(len(column), *cut.str.len())
            shown[column] = cut.str.ljust(width)
        shown.columns = [c.ljust(limits[c]) if c in limits else c for c in shown.columns]
        lines = ["  " + line.rstrip() for line in shown.to_string(index=False).splitlines()]
        excess = max(len(line) for line in lines) - WIDTH
        wide = [c for c in limits if limits[c] > max(MIN_CELL, len(c))]
        if excess <= 0 or not wide:
            return lines
        widest = max(wide, key=lambda c: (limits[c], c))
        limits[widest] = max(MIN_CELL, len(widest), limits[widest] - excess)


def _members(text: str, width: int = MEMBERS_WIDTH) -> str:
    """A ';'-joined member list cut to what fits in ``width`` characters."""
    return fit_list(text.split(";"), width) if text else ""


def _render(report: MarketReport) -> str:
    """Every section of the report, in order."""
    s = report.scenario
    units = report.units
    flagged = units[units["flag"] != ""]
    lines = ["Market check", "============"]
    services, areas = units["service"].nunique(), units["area"].nunique()
    subcontracting = (
        f"subcontracting up to {s.max_sub_share:.0%} of a lot"
        if s.subcontracting
        else "no subcontracting"
    )
    consortia = f"consortia of up to {s.max_consortium}" if _consortia_on(s) else "no consortia"
    summary = [
        f"{len(units)} units worth {_money(units['value'].sum())} ({services} services, "
        f"{areas} areas); {int(report.kinds['suppliers'].sum())} suppliers.",
        f"Scenario: min_bidders {s.min_bidders}; {consortia}; {subcontracting}; "
        f"targets {', '.join(s.target_kinds)}.",
        f"Units no option covers: {cut_list(report.uncovered, MAX_NAMED) or 'none'}.",
        f"Units flagged: {len(flagged)}. Stranded target suppliers: {len(report.stranded)} of "
        f"{int(report.kinds['targets'].sum())}.",
    ]
    for sentence in summary:
        lines += _wrap(sentence, indent="", hanging="  ")

    lines += _heading("Warnings")
    for warning in report.warnings:
        lines += _wrap(f"- {warning}")
    if not report.warnings:
        lines.append("  (none)")

    lines += _heading("Suppliers by kind")
    kinds = report.kinds.assign(capacity=report.kinds["capacity"].map(_money))
    lines += _table(kinds, text=["kind"])

    lines += _heading("Units: bid options for a lot holding only that unit")
    lines += _wrap(
        "alone: suppliers covering the unit with enough capacity; lead, consort: bid options "
        "of each type (leads with their supply chains); target: options with a target holder.",
        hanging="  ",
    )
    shown = pd.DataFrame(
        {
            "unit": units["unit"],
            "service": units["service"],
            "area": units["area"],
            "value": units["value"].map(_money),
            "alone": units["suppliers_alone"],
            "lead": units["lead_options"],
            "consort": units["consortium_options"],
            "options": units["options"],
            "target": units["target_options"],
            "flag": units["flag"].map(
                lambda f: "" if not f else "uncovered" if f == NO_ONE else "too few"
            ),
        }
    )
    if flagged.empty:
        shown = shown.drop(columns=["flag"])
    lines += _table(shown, text=["unit", "service", "area", "flag"])

    lines += _heading("Flagged units")
    for row in flagged.itertuples(index=False):
        lines += _wrap(f"{row.unit} ({row.service} in {row.area}, {_money(row.value)}): {row.flag}")
    if flagged.empty:
        lines.append("  (none)")

    lines += _heading("Stranded target suppliers: they cannot lead a lot of any single unit")
    for row in report.stranded.itertuples(index=False):
        lines += _wrap(
            f"{_named(report.names, row.supplier)}{row.kind}, capacity {_money(row.capacity)}, "
            f"covers {row.covers} unit{'' if row.covers == 1 else 's'})"
        )
        lines += _wrap(f"why: {row.reason}", indent="    ", hanging="      ")
        lines += _wrap(f"would help: {row.would_help}", indent="    ", hanging="      ")
    if report.stranded.empty:
        lines.append("  (none)")

    lines += _heading("Award rules: suppliers who alone can hold some unit")
    lines += _wrap(
        "A cap on them (--max-awards) or their withdrawal (--robust) leaves these units with "
        "no other bidder.",
        hanging="  ",
    )
    for row in report.sole_holders.itertuples(index=False):
        name = report.names.get(row.supplier, row.supplier)
        lines += _wrap(f"{name}: {cut_list(row.units.split(';'))} (in {row.areas})")
    if report.sole_holders.empty:
        lines.append("  (none)")
    kinds = ", ".join(s.reserved_kinds)
    lines += _heading(f"Award rules: units a reserved lot ({kinds}) cannot hold")
    short = report.reserve_short
    if short.empty:
        lines.append("  (none)")
    else:
        lines += _wrap(
            f"Fewer than min_bidders {max(1, s.min_bidders)} options of the reserve kinds even "
            f"in a lot of their own: "
            + cut_list([f"{r.unit} ({r.reserve_options})" for r in short.itertuples(index=False)])
            + (f" ({len(short)} units)" if len(short) > MAX_NAMED else "")
            + ".",
            hanging="  ",
        )

    lines += _heading("Partner graph: connected components (consortium and subcontract links)")
    components = report.components.assign(members=report.components["members"].map(_members))
    lines += _table(components, text=["members", "kinds"])

    lines += _heading(f"Consortium cliques of 2 to {s.max_consortium} members")
    if not _consortia_on(s) and not report.cliques.empty:
        lines += _wrap("Consortia are off in this scenario; the cliques are shown for reference.")
    cliques = report.cliques.assign(
        members=report.cliques["members"].map(_members),
        capacity=report.cliques["capacity"].map(_money),
        has_target=report.cliques["has_target"].map({True: "yes", False: "no"}),
    ).rename(columns={"units_covered": "covered", "units_alone": "alone", "has_target": "target"})
    lines += _table(cliques, text=["members", "kinds", "target"])
    return "\n".join(lines) + "\n"
