"""Inputs: the contract, the supplier market, the partner and border graphs, boundaries and
divisions, read from files and validated (errors name the file, line and column)."""
