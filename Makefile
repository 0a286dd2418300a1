# The two commands a newcomer needs: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WW     := $(BIN)/whalewatch

.PHONY: setup demo test eval bench bench-quick clean

$(STAMP): pyproject.toml scripts/setup-system.sh Makefile
	bash scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@4
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(WW) --config samples/feeds.yaml fetch
	$(WW) --config samples/feeds.yaml build --week 2025-W05
	$(WW) --config samples/feeds.yaml build --week 2025-W09
	@echo
	@echo "Sample issues written to samples/briefings/ (open samples/briefings/index.html)"

test: setup
	$(BIN)/ruff check --quiet --select F,E9 src tests scripts
	$(BIN)/python -m pytest -q

eval: setup
	$(BIN)/python scripts/eval.py $(if $(VERBOSE),--verbose)

bench: setup
	$(BIN)/python scripts/bench.py

bench-quick: setup
	$(BIN)/python scripts/bench.py --quick

clean:
	rm -rf $(VENV) samples/briefings samples/.whalewatch .pytest_cache .bench
