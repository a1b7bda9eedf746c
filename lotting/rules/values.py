"""The one comparison of money values every rule uses, so sums taken in another order agree.

>>> fits(100.0, 100.0 - 1e-12), above(100.1, 100.0), below(99.9, 100.0)
(True, True, True)
"""

from __future__ import annotations

#: Relative tolerance of value comparisons.
TOLERANCE = 1e-9


def slack(*amounts: float) -> float:
    """Rounding allowed when comparing these amounts: relative to the largest, at least absolute."""
    return TOLERANCE * max(1.0, *map(abs, amounts))


def fits(value: float, limit: float) -> bool:
    """``value ≤ limit`` up to rounding: a lot's value within a capacity or a bound."""
    return value <= limit + TOLERANCE * max(1.0, abs(value), abs(limit))  # slack(value, limit)


def above(value: float, limit: float) -> bool:
    """``value > limit`` beyond rounding: the negation of :func:`fits`."""
    return not fits(value, limit)


def below(value: float, floor: float) -> bool:
    """``value < floor`` beyond rounding."""
    return not fits(floor, value)
