"""Award caps: can one option be chosen for every lot so that no supplier wins more than K?

DESIGN.md: with ``max_awards`` K a division is feasible only when it is *awardable*: one eligible
option per lot, chosen at the same time, with no supplier a holder of more than K chosen options
(subcontractors are not holders). A consortium uses one award of each of its holders, so this is
a small search, not a plain matching: lots are tried most constrained first.
"""

from __future__ import annotations

from collections.abc import Sequence

from lotting.rules.options import Option


def award_witness(lots: Sequence[Sequence[Option]], cap: int) -> list[Option] | None:
    """One option per lot (in lot order) with no holder over ``cap`` awards, or None if none.

    >>> from lotting.rules.options import Option
    >>> a = Option("a", "lead", ("a",), (), frozenset(), frozenset(), 9, 9, 0, ())
    >>> b = Option("b", "lead", ("b",), (), frozenset(), frozenset(), 9, 9, 0, ())
    >>> [o.id for o in award_witness([[a], [a, b]], 1)], award_witness([[a], [a]], 1)
    (['a', 'b'], None)
    """
    chosen: list[Option | None] = [None] * len(lots)
    used: dict[str, int] = {}

    def free(option: Option) -> bool:
        return all(used.get(s, 0) < cap for s in option.holders)

    def search(left: list[int]) -> bool:
        if not left:
            return True
        # the lot with fewest options still open, then its options least used first
        lot = min(left, key=lambda i: (sum(1 for o in lots[i] if free(o)), i))
        rest = [i for i in left if i != lot]
        tries = sorted(
            (o for o in lots[lot] if free(o)),
            key=lambda o: (sum(used.get(s, 0) for s in o.holders), len(o.holders), o.id),
        )
        for option in tries:
            for s in option.holders:
                used[s] = used.get(s, 0) + 1
            chosen[lot] = option
            if search(rest):
                return True
            for s in option.holders:
                used[s] -= 1
        return False

    if not search(list(range(len(lots)))):
        return None
    return [o for o in chosen if o is not None]


def award_blockers(lots: Sequence[Sequence[Option]], cap: int) -> tuple[list[int], list[str]]:
    """Why no award exists: a smallest-by-deletion set of lots (indexes) that cannot all be
    awarded, and the suppliers holding every option of some of them.

    >>> from lotting.rules.options import Option
    >>> a = Option("a", "lead", ("a",), (), frozenset(), frozenset(), 9, 9, 0, ())
    >>> b = Option("b", "lead", ("b",), (), frozenset(), frozenset(), 9, 9, 0, ())
    >>> award_blockers([[a], [b], [a]], 1)
    ([0, 2], ['a'])
    """
    keep = list(range(len(lots)))
    for i in range(len(lots)):
        trial = [j for j in keep if j != i]
        if award_witness([lots[j] for j in trial], cap) is None:
            keep = trial
    suppliers: set[str] = set()
    for j in keep:
        common = set.intersection(*(set(o.holders) for o in lots[j])) if lots[j] else set()
        suppliers |= common
    if not suppliers:
        suppliers = {s for j in keep for o in lots[j] for s in o.holders}
    return keep, sorted(suppliers)
