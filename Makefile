# Jiefen developer tasks. Every tool is called through .venv/bin; nothing needs activating.
#
#   make run     set up, migrate, seed demo data, serve on http://127.0.0.1:5000
#   make test    the whole suite on SQLite and on a throwaway PostgreSQL, side by side
#   make lint    ruff check + ruff format --check
#   make bench   run every bench/*.py
#
# pyproject.toml is the single source of truth for dependencies; the venv is reinstalled
# whenever it changes. Extra pytest options: make test PYTEST_ARGS="-x -k dispatch"

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help run test test-sqlite test-postgresql lint bench translations

help:
	@echo "make run              set up, migrate, seed, serve on http://$(HOST):$(PORT)"
	@echo "make test             whole suite on SQLite, then on PostgreSQL"
	@echo "make test-sqlite      only the SQLite pass"
	@echo "make test-postgresql  only the PostgreSQL pass"
	@echo "make lint             ruff check + ruff format --check"
	@echo "make bench            run bench/*.py"

# --- environment -------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The project itself has no importable modules to install (py-modules = []): the editable
# install only pulls in the pinned dependencies. setuptools leaves jiefen.egg-info behind as a
# build by-product; the installed metadata lives in the venv, so drop it.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	rm -rf jiefen.egg-info
	touch $@

# Compile .po -> .mo when catalogs exist (the .mo files are not committed).
translations: $(STAMP)
	@if compgen -G 'translations/*/LC_MESSAGES/*.po' >/dev/null; then \
		$(BIN)/pybabel -q compile -d translations; \
	else \
		echo "translations: no catalogs yet, nothing to compile"; \
	fi

# --- run ---------------------------------------------------------------------------------

run: export JIEFEN_ENV := development
run: export FLASK_APP := app.py
run: $(STAMP) translations
	@test -d migrations || { echo "migrations/ is missing: nothing to upgrade to" >&2; exit 1; }
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	@echo "Serving Jiefen on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# --- tests -------------------------------------------------------------------------------

# Both passes always run, so one CI log shows failures on either database; the target fails
# if either pass fails. conftest.py starts PostgreSQL itself (tests/pg.py). The two passes run
# side by side (each is one process and the machines have two cores), each into its own log
# under test-artifacts/, printed whole when it ends. Every test of domain/, blueprints/ and
# the rest runs on both databases; three slow kinds run once each, where they find most (and
# the two passes take about as long): the Chromium tests and the document layouts (tests/
# documents: WeasyPrint's pages, not the database) on SQLite, the embedded default a new user
# runs; the fuzz on PostgreSQL, strict about types, lengths and NUL bytes where SQLite lets
# them pass. `make test-sqlite` and `make test-postgresql` run everything on one database.
SQLITE_PASS := --ignore=tests/fuzz
POSTGRESQL_PASS := --ignore=tests/e2e --ignore=tests/documents
test: $(STAMP) translations
	@mkdir -p test-artifacts; \
	echo "=== pytest on SQLite and on PostgreSQL, side by side ==="; \
	JIEFEN_TEST_DB=sqlite $(BIN)/pytest $(SQLITE_PASS) $(PYTEST_ARGS) > test-artifacts/pytest-sqlite.log 2>&1 & sqlite=$$!; \
	JIEFEN_TEST_DB=postgresql $(BIN)/pytest $(POSTGRESQL_PASS) $(PYTEST_ARGS) > test-artifacts/pytest-postgresql.log 2>&1 & pg=$$!; \
	status=0; \
	wait $$sqlite || status=1; \
	echo "=== pytest on SQLite ==="; cat test-artifacts/pytest-sqlite.log; \
	wait $$pg || status=1; \
	echo "=== pytest on PostgreSQL ==="; cat test-artifacts/pytest-postgresql.log; \
	exit $$status

test-sqlite: $(STAMP) translations
	JIEFEN_TEST_DB=sqlite $(BIN)/pytest $(PYTEST_ARGS)

test-postgresql: $(STAMP) translations
	JIEFEN_TEST_DB=postgresql $(BIN)/pytest $(PYTEST_ARGS)

# --- quality -----------------------------------------------------------------------------

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN)/python bench/build_world.py "$$tmp/bench.sqlite3" --cases $${BENCH_CASES:-20000} && \
	$(BIN)/python bench/plans.py "$$tmp/bench.sqlite3" > "$$tmp/plans.md" && \
	sed -n '/^# Flagged/,$$p' "$$tmp/plans.md" && \
	$(BIN)/python bench/pages.py "$$tmp/bench.sqlite3" --repeat 10 --max-median-ms $${BENCH_MAX_MS:-250}
