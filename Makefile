# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-quick bench-national docs notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lotting split data/example/contract.csv

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n auto

# docs/*.png from the example: solves it afresh (a few minutes), then draws; tests/test_docs.py
# fails when the committed images are not what these tables draw.
docs: $(STAMP)
	$(BIN)/python docs/build.py --solve

# Jupyter in the venv (the `notebooks` extra), then every notebook run and stored with its
# outputs; open them with `.venv/bin/jupyter lab notebooks/`.
NB_STAMP := $(VENV)/.notebooks
$(NB_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,notebooks]'
	touch $(NB_STAMP)

notebooks: $(NB_STAMP)
	$(BIN)/python notebooks/execute.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

# S and M, one run each (a few minutes); the long rows: 600 and 1,140 units (about 13 minutes).
bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --quick

bench-national: $(STAMP)
	$(BIN)/python bench/national.py

clean:
	rm -rf $(VENV) build *.egg-info data/example/contract-lots
