"""The "divide or explain" statement: the reasons for the lots (or for one lot), from the figures.

UK Procurement Act 2023 s.18 and Directive 2014/24/EU Art. 46(1) ask a contracting authority that
does not divide a contract to say why, and lot decisions are challenged. The text is drafted from
the plan and its frontier only, so every number in it can be traced to plan.json or the frontier
table (a test checks this), and is ready to paste into the tender notice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lotting.inputs.case import Case
from lotting.plan import Plan
from lotting.rules.lots import LotJudge
from lotting.rules.options import build_options

#: The law the statement answers to; quoted as is (its numbers are not figures of the plan).
LAW = "UK Procurement Act 2023 s.18; Directive 2014/24/EU Art. 46(1)"
#: How each supplier kind is named in the text.
KIND_WORDS = {
    "user_led": ("user-led organisation", "user-led organisations"),
    "vcse": (
        "voluntary, community or social enterprise",
        "voluntary, community and social enterprises",
    ),
    "sme": ("small or medium firm", "small and medium firms"),
    "large": ("large firm", "large firms"),
}
SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@dataclass(frozen=True)
class LotAccess:
    """Who among the target suppliers each lot lets bid, and how.

    ``alone``: targets that can lead a bid (alone or with their supply chain); ``consortium``:
    further targets that can bid only jointly; ``subcontract``: targets that appear only as
    subcontractors of an eligible prime. Names are display names where the market gives one.
    """

    lot: int
    value: float
    services: tuple[str, ...]
    areas: tuple[str, ...]
    schedule: str
    bidders: int
    alone: tuple[str, ...]
    consortium: tuple[str, ...]
    subcontract: tuple[str, ...]

    @property
    def open(self) -> bool:
        """True when some target supplier can hold a bid for the lot."""
        return bool(self.alone or self.consortium)


@dataclass(frozen=True)
class Statement:
    """The statement as paragraphs (``lots`` holds the lot-by-lot access it describes)."""

    divided: bool
    paragraphs: tuple[str, ...]
    lot_lines: tuple[str, ...]
    closing: tuple[str, ...]
    lots: tuple[LotAccess, ...]

    def text(self) -> str:
        """Plain text for the tender notice: paragraphs, the lot list, closing paragraphs."""
        lines = [*self.paragraphs, "\n".join(f"- {line}" for line in self.lot_lines)]
        return "\n\n".join(part for part in [*lines, *self.closing] if part) + "\n"


def lot_access(case: Case, plan: Plan) -> tuple[LotAccess, ...]:
    """Lot by lot, the target suppliers that can bid alone, in a consortium, or only as
    subcontractors (judged again from the division by :class:`LotJudge`)."""
    judge = LotJudge(case, plan.scenario, build_options(case, plan.scenario))
    position = {u: i for i, u in enumerate(case.units)}
    names = _names(case)
    out = []
    for row in plan.evaluation.lots.itertuples():
        check = judge.judge([position[u] for u in str(row.units).split(";")])
        leads = {t for o in check.eligible if o.type == "lead" for t in o.targets}
        joint = {t for o in check.eligible if o.type != "lead" for t in o.targets} - leads
        subs = set(check.sub_holders) - leads - joint
        out.append(
            LotAccess(
                lot=int(row.lot),
                value=float(row.value),
                services=tuple(str(row.services).split(";")),
                areas=tuple(str(row.areas).split(";")),
                schedule=str(getattr(row, "schedule", "") or ""),
                bidders=int(row.bidders),
                alone=tuple(sorted(names[s] for s in leads)),
                consortium=tuple(sorted(names[s] for s in joint)),
                subcontract=tuple(sorted(names[s] for s in subs)),
            )
        )
    return tuple(out)


def divide_or_explain(
    case: Case, plan: Plan, frontier: pd.DataFrame, currency: str = "GBP"
) -> Statement:
    """Draft the statement: for a divided contract, who each lot lets bid, what the extra lots
    cost against one lot, and what fewer lots would lose; for one lot, the reasons with numbers.

    ``frontier`` is the table of :func:`lotting.frontier` (any subset of its rows; the rows for
    one lot, one lot fewer than the plan, and two lots when the plan has one are used; a
    sentence whose row was not computed is left out).
    """
    money = money_format(currency)
    access = lot_access(case, plan)
    m, s = plan.metrics, plan.scenario
    who = _kind_words(s.target_kinds)  # plural, for the general sentences
    rows = {int(r["k"]): r for r in frontier.to_dict("records")}
    n = int(m["n_lots"])
    total = float(m["total_value"])
    units = sum(int(v) for v in plan.evaluation.lots["n_units"])
    proof = _proof(plan)
    paragraphs: list[str] = []
    closing: list[str] = []
    if n > 1:
        paragraphs.append(
            f"The contract, worth {money(total)} a year in {units} units, is divided into {n} "
            f"lots ({LAW}). The division was chosen to let {who} bid while keeping the number of "
            f"lots, each of which costs about {money(s.lot_cost)} a year to tender and manage, in "
            f"proportion. {proof}"
        )
        paragraphs.append(_access_sentence(plan, money))
        paragraphs.append("Who each lot lets bid:")
        if 1 in rows:
            closing.append(_cost_of_division(plan, rows[1], money, _one_lot_breaks(case, plan)))
        if n - 1 in rows:
            closing.append(_fewer_lots(plan, rows[n - 1], money))
    else:
        lot = access[0]
        paragraphs.append(
            f"The contract, worth {money(total)} a year in {units} units, is not divided into "
            f"lots. The reasons for not dividing it ({LAW}) are these. {proof}"
        )
        paragraphs.append(
            f"As one lot it has {lot.bidders} eligible bid options, and "
            f"{_kind_words(s.target_kinds, int(m['reach']))} can bid as a lead or consortium member"
            + (f" ({m['sub_reach']} more only as subcontractors)." if m["sub_reach"] else ".")
        )
        paragraphs.append("Who the single lot lets bid:")
        if 2 in rows:
            closing.append(_more_lots(plan, rows[2], money))
    lot_lines = tuple(_lot_line(lot, money) for lot in access)
    return Statement(n > 1, tuple(paragraphs), lot_lines, tuple(closing), access)


def _proof(plan: Plan) -> str:
    """Whether the division is proven best, or the proven gap."""
    if plan.status == "optimal":
        return "It is proven to be the best division under the stated assumptions."
    if plan.gap is None:
        return "It is the best division found in the time allowed; no bound on the gap was proven."
    return (
        "It is the best division found in the time allowed, within "
        f"{_percent(plan.gap)}% of the best possible."
    )


def _access_sentence(plan: Plan, money: Any) -> str:
    """Reach, sub-reach and open value of the division."""
    m = plan.metrics
    share = _percent(m["open_value"] / m["total_value"]) if m["total_value"] else "0"
    subs = (
        f", and {m['sub_reach']} more can take part only as subcontractors"
        if m["sub_reach"]
        else ""
    )
    return (
        f"{_kind_words(plan.scenario.target_kinds, int(m['reach']))} can bid for at least one "
        f"lot, alone or in a consortium{subs}. "
        f"Lots worth {money(m['open_value'])} of the {money(m['total_value'])} a year "
        f"({share}%) are open to them. Every lot has at least {m['fewest_bidders']} eligible "
        "bid options."
    )


def _lot_line(lot: LotAccess, money: Any) -> str:
    """One lot: its shape, value, bid options and who of the targets can bid."""
    shape = lot.schedule or f"{', '.join(lot.services)} in {_join(lot.areas)}"
    parts = []
    if lot.alone:
        parts.append(f"alone: {_join(lot.alone)}")
    if lot.consortium:
        parts.append(f"in a consortium: {_join(lot.consortium)}")
    if lot.subcontract:
        parts.append(f"only as subcontractors: {_join(lot.subcontract)}")
    whom = "; ".join(parts) if parts else "no target organisation can bid; larger providers only"
    return f"Lot {lot.lot} ({shape}; {money(lot.value)} a year; {lot.bidders} bid options): {whom}."


def _one_lot_breaks(case: Case, plan: Plan) -> list[str]:
    """Why the whole contract cannot be one lot, in words whose only numbers are the scenario's."""
    s = plan.scenario
    check = LotJudge(case, s).judge(range(len(case.units)))
    money = money_format(getattr(s, "currency", "GBP"))
    out = []
    if check.bidders < s.min_bidders:
        out.append(f"fewer than {s.min_bidders} eligible bid options")
    if s.max_lot_value is not None and any("max_lot_value" in b for b in check.breaches):
        out.append(f"a value above the largest lot allowed ({money(s.max_lot_value)})")
    if any("not connected" in b for b in check.breaches):
        out.append("areas that are not connected to one another")
    return out


def _cost_of_division(plan: Plan, one: dict[str, Any], money: Any, breaks: list[str]) -> str:
    """What the extra lots cost against a single-lot tender, and what they buy."""
    s, m = plan.scenario, plan.metrics
    n = int(m["n_lots"])
    extra = (
        f"The {n - 1} extra lots cost {money(s.lot_cost * (n - 1))} a year against a "
        "single-lot tender."
    )
    if _missing(one):
        why = _join(tuple(breaks)) if breaks else "a lot that breaks the rules set"
        return f"{extra} A single lot is not an option here: one lot would have {why}."
    return (
        f"{extra} A single lot {_access(one, money)} to them; it scores "
        f"{money(one['objective'])} on the assessment against {money(plan.objective)} for this "
        f"division, {money(plan.objective - one['objective'])} a year less{_found(one)}."
    )


def _fewer_lots(plan: Plan, fewer: dict[str, Any], money: Any) -> str:
    """What one lot fewer would lose, from the frontier."""
    n = int(plan.metrics["n_lots"])
    if _missing(fewer):
        return _none_with(n - 1, fewer, ", so fewer lots are not an option.")
    loss = plan.objective - fewer["objective"]
    proven = fewer["status"] == "optimal"
    return (
        f"With {n - 1} lots the best division{'' if proven else ' found'} "
        f"{_access(fewer, money)}, scoring {money(fewer['objective'])}: "
        f"{'' if proven else 'up to '}{money(loss)} a year less than this division{_found(fewer)}."
    )


def _access(row: dict[str, Any], money: Any) -> str:
    """What a frontier point opens: how many targets could bid, and the value open to them."""
    return f"would let {int(row['reach'])} of them bid and open {money(row['open_value'])} a year"


def _more_lots(plan: Plan, two: dict[str, Any], money: Any) -> str:
    """For one lot: what dividing into two would buy and cost."""
    s = plan.scenario
    if _missing(two):
        rules = f"at least {s.min_bidders} eligible bid options per lot, and the other limits set"
        why = f" ({rules}), so the contract cannot be divided without shutting out competition."
        return _none_with(2, two, why)
    gain = int(two["reach"]) - int(plan.metrics["reach"])
    loss = plan.objective - two["objective"]
    return (
        "The best division into 2 lots would let "
        f"{_kind_words(s.target_kinds, int(two['reach']))} bid "
        f"({gain:+d}) and open {money(two['open_value'])} a year to them, but a second lot costs "
        f"{money(s.lot_cost)} a year to tender and manage, and it scores "
        f"{money(two['objective'])} against {money(plan.objective)} for one lot: "
        f"{money(loss)} a year less{_found(two)}. Dividing would cost more than the access it buys."
    )


def _none_with(k: int, row: dict[str, Any], consequence: str) -> str:
    """Why the frontier has no division into k lots: none found in time, or none meets the rules
    (then ``consequence`` follows)."""
    if row["status"] != "infeasible":
        return f"No division into {k} lots was found in the time allowed."
    return f"No division into {k} lots meets the rules{consequence}"


def _found(row: dict[str, Any]) -> str:
    """A note when a frontier point is only the best found, not proven."""
    if row["status"] == "optimal":
        return ""
    gap = row.get("gap")
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return " (best found in the time allowed)"
    return f" (best found in the time allowed, within {_percent(gap)}% of the best possible)"


def _missing(row: dict[str, Any]) -> bool:
    """True for a frontier row with no division (infeasible or none found)."""
    value = row.get("objective")
    return value is None or (isinstance(value, float) and math.isnan(value))


def _percent(share: float) -> str:
    """A share as a percentage with at most one decimal (2.0 → '2', 0.345 → '34.5')."""
    text = f"{100 * share:.1f}"
    return text[:-2] if text.endswith(".0") else text


def money_format(currency: str) -> Any:
    """Amounts as whole currency units with thousands separators: £1,234,000."""
    symbol = SYMBOLS.get(currency)

    def money(amount: float) -> str:
        sign = "−" if amount < 0 else ""
        digits = f"{abs(amount):,.0f}"
        return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency} {digits}"

    return money


def _kind_words(kinds: tuple[str, ...], count: int | None = None) -> str:
    """The target kinds in words, after ``count`` when given ('1 user-led organisation')."""
    words = _join(tuple(KIND_WORDS[k][count != 1] for k in kinds), "or")
    return words if count is None else f"{count} {words}"


def _join(items: tuple[str, ...], word: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 2:
        return f" {word} ".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _names(case: Case) -> dict[str, str]:
    """Supplier id → display name (the id when no name is given)."""
    suppliers = case.suppliers
    names = suppliers["name"] if "name" in suppliers else suppliers["supplier"]
    return {
        str(sid): (str(name).strip() or str(sid)) if isinstance(name, str) else str(sid)
        for sid, name in zip(suppliers["supplier"], names, strict=True)
    }
