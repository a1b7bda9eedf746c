"""Lists as people read them: cut to a few names, saying how many more there are."""

from __future__ import annotations

from collections.abc import Sequence

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
