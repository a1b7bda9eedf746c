"""Scenario parameters: DESIGN.md defaults, variants, and values no scenario can mean."""

from __future__ import annotations

import dataclasses

import pytest

from lotting import Scenario, ScenarioError


def test_defaults_are_designs():
    s = Scenario()
    assert (s.lot_cost, s.reach_value, s.open_rate) == (20_000, 10_000, 0.05)
    assert (s.min_bidders, s.max_lots, s.max_consortium) == (2, 20, 3)
    assert (s.max_sub_share, s.turnover_ratio) == (0.5, 0.5)
    assert s.target_kinds == ("user_led",)
    assert s.min_lot_value is None and s.max_lot_value is None
    assert s.consortia and s.subcontracting


def test_frozen_and_replace():
    s = Scenario()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lot_cost = 1  # type: ignore[misc]
    t = s.replace(lot_cost=30_000, max_lots=8)
    assert (t.lot_cost, t.max_lots, s.lot_cost) == (30_000, 8, 20_000)


def test_target_kinds_from_text_are_sorted_and_deduplicated():
    assert Scenario(target_kinds="vcse, user_led,vcse").target_kinds == ("user_led", "vcse")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"lot_cost": -1}, "lot_cost"),
        ({"open_rate": float("nan")}, "open_rate"),
        ({"min_bidders": 1.5}, "min_bidders"),
        ({"max_lots": 0}, "max_lots"),
        ({"max_sub_share": 2}, "max_sub_share"),
        ({"turnover_ratio": 0}, "turnover_ratio"),
        ({"min_lot_value": 10, "max_lot_value": 5}, "larger than max_lot_value"),
        ({"target_kinds": ("nobody",)}, "unknown kind"),
        ({"target_kinds": ()}, "empty"),
    ],
)
def test_bad_values_are_refused(changes, words):
    with pytest.raises(ScenarioError, match=words):
        Scenario(**changes)


def test_to_dict_lists_every_parameter():
    data = Scenario().to_dict()
    assert set(data) == {f.name for f in dataclasses.fields(Scenario)}
    assert data["target_kinds"] == ["user_led"]


def test_errors_name_the_field_for_the_cli_to_translate():
    from lotting.errors import ScenarioError

    with pytest.raises(ScenarioError) as err:
        Scenario(max_sub_share=2)
    assert err.value.field == "max_sub_share" and "max_sub_share" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        Scenario(target_kinds=("user-led",))
    assert err.value.field == "target_kinds" and "Did you mean 'user_led'?" in str(err.value)


def test_currency_defaults_to_gbp_and_must_be_a_code():
    from lotting.errors import ScenarioError

    assert Scenario().currency == "GBP" and Scenario(currency="EUR").to_dict()["currency"] == "EUR"
    for bad in ("", "pounds sterling"):
        with pytest.raises(ScenarioError) as err:
            Scenario(currency=bad)
        assert err.value.field == "currency"


def test_min_bidders_zero_is_allowed_with_a_warning():
    assert Scenario().warnings() == []
    (warning,) = Scenario(min_bidders=0).warnings()
    assert "min_bidders 0" in warning
