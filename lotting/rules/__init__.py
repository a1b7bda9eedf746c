"""Rules: the model's definitions (docs/model.md), each in one place: coverage and capacity,
bid options, the one value tolerance, the lot rules (eligibility, bidders, breaches) and the exact
scoring of a division. Nothing here solves anything."""
