"""Presentation beyond one plan: the market check, and the files of evaluate, frontier and check."""
