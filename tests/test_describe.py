"""A lot's schedule in words, checked on hand-written pairs."""

from __future__ import annotations

from lotting.rules.describe import fit_schedule, names_of, schedule, schedule_parts


def test_each_service_with_its_own_areas():
    pairs = [("peer_support", "Perth and Kinross"), ("employability", "Angus")]
    assert schedule(pairs) == "employability: Angus; peer support: Perth and Kinross"


def test_services_over_the_same_areas_are_named_together():
    pairs = [(s, a) for s in ("employability", "peer_support") for a in ("Fife", "Angus")]
    assert schedule_parts(pairs) == [("employability and peer support", ["Angus", "Fife"])]
    assert schedule(pairs) == "employability and peer support: Angus, Fife"


def test_fit_schedule_cuts_areas_and_says_so():
    pairs = [("jobs", f"Area {i}") for i in range(10)] + [("care", "Area 0")]
    text = fit_schedule(pairs, 45)
    assert len(text) <= 45
    assert text.startswith("care: Area 0; jobs: Area 0") and "more" in text
    assert fit_schedule(pairs, 1000) == schedule(pairs)


def test_names_fall_back_to_the_identifier():
    assert names_of(["a", "b"], {"a": "Alpha Ltd"}) == ["Alpha Ltd", "b"]
