"""Lists and money as people read them: lists cut to a few names, saying how many more there are;
amounts with their currency."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

#: Names shown before "and N more".
MAX_NAMED = 8


def cut_list(items: Sequence[str], most: int = MAX_NAMED, sep: str = ", ") -> str:
    """At most ``most`` items joined by ``sep``, then "and N more": never a silent cut.

    >>> cut_list(["a", "b", "c", "d"], 2)
    'a, b and 2 more'
    >>> cut_list(["a", "b"])
    'a, b'
    """
    shown = sep.join(items[:most])
    extra = len(items) - most
    return shown + (f" and {extra} more" if extra > 0 else "")


def fit_list(items: Sequence[str], width: int, sep: str = "; ") -> str:
    """As many items as fit in ``width`` characters, then "and N more" (at least one item).

    >>> fit_list(["Angus", "Fife", "Moray"], 14)
    'Angus and 2 more'
    """
    for count in range(len(items), 0, -1):
        text = cut_list(items, count, sep)
        if len(text) <= width:
            return text
    return cut_list(items, 1, sep)


def money(value: Any, currency: str = "GBP") -> str:
    """An amount as a person reads it: ``GBP 1,234``; pence only when there are any; a blank
    for no value.

    >>> money(1234.0), money(-0.5, "EUR"), money(None)
    ('GBP 1,234', 'EUR -0.50', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    text = f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"
    return f"{currency} {text}"
