# Every target creates .venv and installs accord (pinned by constraints.txt) on first use,
# so on a fresh machine `make demo` and `make test` are all the set-up there is.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# The registry bench's PostgreSQL store (skipped when no server answers there).
BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo test lint format typecheck install clean bench generate

$(STAMP): pyproject.toml constraints.txt accord/runtime/_speedups.c hatch_build.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@$(BIN)/python -c "from accord.runtime import speedups; speedups.AVAILABLE or print(speedups.NOT_BUILT)"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/accord demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict accord services

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

generate: $(STAMP)
	$(BIN)/accord generate

bench: $(STAMP)
	for b in compat lint serde; do $(BIN)/python bench/$$b.py || true; done
	$(BIN)/python bench/registry.py --store sqlite --store $(BENCH_POSTGRES) || true
	for b in runtime e2e; do $(BIN)/python bench/$$b.py || true; done
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist *.egg-info
