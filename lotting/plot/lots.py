"""The allocation chart: areas × service lines, each unit coloured by its lot."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from lotting.inputs.boundaries import Boundaries
from lotting.plot.style import lot_colours, new_axes, side_legend
from lotting.rules.describe import names_of
from lotting.rules.scoring import Evaluation
from lotting.text import fit_list, money

HOLDERS_WIDTH = 48  # characters of target holders' names in a legend line
HATCH = "////"  # a reserved lot's cells and legend patch
RESERVED = "reserved lot (reserve kinds only)"  # the legend key of that hatch


def plot_lots(
    evaluation: Evaluation,
    ax: Axes | None = None,
    currency: str = "GBP",
    names: Mapping[str, str] | None = None,
    boundaries: Boundaries | None = None,
) -> Axes:
    """Areas (rows) × service lines (columns), each unit coloured by its lot and labelled with it.

    The legend gives each lot's value (in ``currency``), bidders and target holders, by name
    when ``names`` (supplier → name) are given. Colours are
    :func:`lotting.plot.style.lot_colours` (``boundaries`` make them match map.png's beyond 20
    lots). Reserved lots are hatched.

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
    colours = lot_colours(units, boundaries)
    row = {a: i for i, a in enumerate(areas)}
    col = {s: j for j, s in enumerate(services)}
    reserved = set(lots.loc[lots["reserved"], "lot"]) if "reserved" in lots else set()
    for unit in units.itertuples():
        x, y = col[unit.service], row[unit.area]
        colour = colours[int(unit.lot)]
        hatch = HATCH if unit.lot in reserved else None  # a reserved lot (issue 11)
        ax.add_patch(
            Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=1.5, hatch=hatch)
        )
        ax.text(x + 0.5, y + 0.5, str(unit.lot), ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(services))
    ax.set_ylim(0, len(areas))
    ax.set_xticks([j + 0.5 for j in range(len(services))], [s.replace("_", " ") for s in services])
    ax.set_yticks([i + 0.5 for i in range(len(areas))], areas, fontsize=8)
    ax.tick_params(length=0)
    ax.set_xlabel("Service line")
    ax.set_ylabel("Area")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    handles: list[Artist] = [
        Patch(
            facecolor=colours[int(r.lot)],
            hatch=HATCH if r.lot in reserved else None,
            label=_lot_label(
                r.lot,
                r.value,
                r.bidders,
                r.target_holders,
                currency,
                names,
                getattr(r, "robust_bidders", None),
                r.lot in reserved,
            ),
        )
        for r in lots.itertuples()
    ]
    if reserved:
        handles.append(Patch(facecolor="white", edgecolor="black", hatch=HATCH, label=RESERVED))
    side_legend(ax, handles, "Lot · value per year · bidders · target holders")
    ax.set_title(title(evaluation, currency))
    return ax


def title(evaluation: Evaluation, currency: str = "GBP") -> str:
    """The headline of a division, as lots.png and map.png print it."""
    m = evaluation.metrics
    return (
        f"{m['n_lots']} lots · reach {m['reach']} · open value "
        f"{money(m['open_value'], currency)} of {money(m['total_value'], currency)} per year"
    )


def competition(bidders: int, robust: int | None = None, reserved: bool = False) -> str:
    """A lot's bidders as charts print them: "4 bidders, 3 robust" (robust: the bidders left
    whichever one supplier withdraws), then "reserved" for a reserved lot.

    >>> competition(4, 3), competition(1, 0, reserved=True)
    ('4 bidders, 3 robust', '1 bidder, 0 robust · reserved')
    """
    text = f"{bidders} bidder{'' if bidders == 1 else 's'}"
    text += "" if robust is None else f", {robust} robust"
    return text + (" · reserved" if reserved else "")


def _lot_label(
    lot: int,
    value: float,
    bidders: int,
    holders: str,
    currency: str,
    names: Mapping[str, str] | None,
    robust: int | None = None,
    reserved: bool = False,
) -> str:
    """Legend text of one lot, holders by name."""
    who = names_of(holders.split(";"), names or {}) if holders else []
    text = fit_list(who, HOLDERS_WIDTH, ", ") if who else "none"
    return f"{lot}: {money(value, currency)} · {competition(bidders, robust, reserved)} · {text}"
