"""The one list-cutting helper: never a silent cut."""

from __future__ import annotations

import pytest

from lotting.text import MAX_NAMED, cut_list, fit_list


@pytest.mark.parametrize(
    ("items", "most", "expected"),
    [
        ([], 3, ""),
        (["a"], 3, "a"),
        (["a", "b", "c"], 3, "a, b, c"),
        (["a", "b", "c", "d", "e"], 3, "a, b, c and 2 more"),
    ],
)
def test_cut_list_says_how_many_more(items, most, expected):
    assert cut_list(items, most) == expected


def test_cut_list_default_and_separator():
    items = [str(i) for i in range(MAX_NAMED + 5)]
    assert cut_list(items).endswith(" and 5 more")
    assert cut_list(["a", "b", "c"], 2, "; ") == "a; b and 1 more"


def test_fit_list_fits_the_width_but_keeps_one_item():
    items = ["Aberdeen City", "Aberdeenshire", "Moray"]
    assert fit_list(items, 100, ", ") == "Aberdeen City, Aberdeenshire, Moray"
    assert fit_list(items, 30, ", ") == "Aberdeen City and 2 more"
    assert fit_list(items, 5, ", ") == "Aberdeen City and 2 more"


def test_the_old_copies_are_gone():
    """diagnose, market_check and division cut lists with lotting.text only."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "lotting"
    for path in ("mip/diagnose.py", "present/market_check.py", "inputs/division.py"):
        text = (root / path).read_text(encoding="utf-8")
        assert "def _cut" not in text and "def _names" not in text
        assert "from lotting.text import" in text
