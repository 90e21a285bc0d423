# Two commands on a fresh clone: `make demo` and `make test`. Each installs what it needs
# into a local virtual environment (.venv) first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What is installed, one stamp each: `make demo` needs soviet and its runtime dependencies
# only; `make test` and `make lint` add the development extras (pytest, mypy, ruff, …).
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: demo serve test lint check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

demo: $(RUNTIME)
	$(BIN)/soviet demo --force  # an earlier run's files are moved aside, not overwritten

# The notice board and the API over the demo's database (run `make demo` first).
serve: $(RUNTIME)
	@test -f soviet-demo/soviet.db || $(BIN)/soviet demo
	SOVIET_DB=sqlite:///soviet-demo/soviet.db $(BIN)/soviet serve --port $${PORT:-8000}

test: $(DEV)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q  # a group (xdist_group) runs on one worker

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

check: lint test

bench: $(DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/tally.py
	$(BIN)/python benchmarks/ledger.py
	$(BIN)/python benchmarks/ledger_events.py
	$(BIN)/python benchmarks/signatures.py
	$(BIN)/python benchmarks/serve.py
	command -v belenios-tool >/dev/null || apt-get install -y -q belenios-tool
	$(BIN)/python benchmarks/belenios.py
	$(BIN)/python benchmarks/national.py
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) soviet-demo .pytest_cache .mypy_cache .ruff_cache
