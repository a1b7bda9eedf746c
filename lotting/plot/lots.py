"""The allocation chart: areas × service lines, each unit coloured by its lot."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from lotting.plot.style import lot_colours, new_axes, side_legend
from lotting.rules.scoring import Evaluation

#: Hatching of reserved lots (limited to the reserve kinds' organisations).
RESERVED_HATCH = "////"


def plot_lots(evaluation: Evaluation, ax: Axes | None = None) -> Axes:
    """Areas (rows) × service lines (columns), each unit coloured by its lot and labelled with it.

    The legend gives each lot's value, bidders (and robust bidders: those left whichever one
    supplier withdraws) and target holders; reserved lots are hatched.

    >>> ax = plot_lots(solve(case, Scenario()).evaluation)  # doctest: +SKIP
    """
    units = evaluation.assignment
    lots = evaluation.lots
    areas = sorted(units["area"].unique(), reverse=True)
    services = sorted(units["service"].unique())
    if ax is None:
        height = max(3.0, 0.32 * len(areas) + 1.5)
        width = 2.0 + 1.3 * len(services) + 5.0
        ax = new_axes(figsize=(width, height))
    colours = lot_colours(len(lots))
    row = {a: i for i, a in enumerate(areas)}
    col = {s: j for j, s in enumerate(services)}
    reserved = set(lots.loc[lots["reserved"], "lot"]) if "reserved" in lots else set()
    for unit in units.itertuples():
        x, y = col[unit.service], row[unit.area]
        colour = colours[unit.lot - 1]
        hatch = RESERVED_HATCH if unit.lot in reserved else None
        ax.add_patch(
            Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.5, hatch=hatch)
        )
        ax.text(x + 0.5, y + 0.5, str(unit.lot), ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(services))
    ax.set_ylim(0, len(areas))
    ax.set_xticks([j + 0.5 for j in range(len(services))], services)
    ax.set_yticks([i + 0.5 for i in range(len(areas))], areas, fontsize=8)
    ax.tick_params(length=0)
    ax.set_xlabel("Service line")
    ax.set_ylabel("Area")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    handles = [
        Patch(
            facecolor=colours[r.lot - 1],
            hatch=RESERVED_HATCH if r.lot in reserved else None,
            label=_lot_label(
                r.lot, r.value, r.bidders, r.target_holders, r.robust_bidders, r.lot in reserved
            ),
        )
        for r in lots.itertuples()
    ]
    side_legend(ax, handles, "Lot · value per year · bidders · target holders · robust bidders")
    m = evaluation.metrics
    ax.set_title(
        f"{m['n_lots']} lots · reach {m['reach']} · open value {m['open_value']:,.0f} "
        f"of {m['total_value']:,.0f} per year"
    )
    return ax


def _lot_label(
    lot: int, value: float, bidders: int, holders: str, robust: int = 0, reserved: bool = False
) -> str:
    """Legend text of one lot: ``3 (reserved): 450,000 · 4 bidders · ulo-a · 2 robust``."""
    who = holders.replace(";", ", ") if holders else "none"
    if len(who) > 40:
        who = who[:37] + "..."
    name = f"{lot} (reserved)" if reserved else str(lot)
    return f"{name}: {value:,.0f} · {bidders} bidders · {who} · {robust} robust"
