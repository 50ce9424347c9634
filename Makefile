# Jianguan: `make run` serves the demo city; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTIFACTS := test-artifacts
# make run PORT=8080 HOST=0.0.0.0
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench bench-peer wrk schema clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py seed-demo --if-empty --base-url http://$(HOST):$(PORT)
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Browser tests need Debian's chromium (and CJK fonts for readable screenshots).
# Installed with apt where we are root, as on CI; elsewhere the browser tests skip and say why.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
		echo "chromium is not installed and cannot be installed here (not root, or no apt): browser tests will skip"; \
	fi

# The suite in TEST_WORKERS processes (pytest-xdist; CI has 2 cores): each builds its own template
# databases and starts its servers on ports of its own; an idle worker takes tests from a busy one.
# Tests marked `alone` (a bound in seconds) run after, in one process, with the cores to themselves.
# `make test TEST_WORKERS=0` runs it in one process; `pytest tests/test_x.py` runs a file alone.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal -m "not alone"
PYTEST_ALONE := $(BIN)/pytest -m alone

test: $(STAMP) lint chromium
	mkdir -p $(ARTIFACTS)
	JIANGUAN_TEST_DB=sqlite $(PYTEST)
	JIANGUAN_TEST_DB=sqlite $(PYTEST_ALONE)
	@if [ -n "$$JIANGUAN_TEST_POSTGRES_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		JIANGUAN_TEST_DB=postgres $(PYTEST) && JIANGUAN_TEST_DB=postgres $(PYTEST_ALONE); \
	else \
		echo "JIANGUAN_TEST_POSTGRES_URL is not set: the PostgreSQL run was skipped"; \
	fi

bench: $(STAMP)
	$(BIN)/python -m bench

# Jianguan beside PostGraphile 5 on one PostgreSQL database (JIANGUAN_PEER_DATABASE_URL, default
# postgresql://postgres@127.0.0.1:5432/jianguan_peer, dropped and rebuilt when not seeded as asked).
# PostGraphile and Node 22 come from the npm registry into bench/peer/node_modules (no global install);
# the load generator is Debian's wrk. Options: make bench-peer PEER_ARGS="--seconds 5 --rounds 1".
PEER_ARGS ?=
wrk:
	@if command -v wrk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's wrk for bench-peer"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else \
		echo "wrk is not installed and cannot be installed here (not root, or no apt): bench-peer will skip"; \
	fi

bench/peer/node_modules/.package-lock.json: bench/peer/package.json bench/peer/package-lock.json
	cd bench/peer && npm ci --no-audit --no-fund

bench-peer: $(STAMP) wrk bench/peer/node_modules/.package-lock.json
	$(BIN)/python -m bench.peer $(PEER_ARGS)

schema: $(STAMP)
	$(BIN)/python manage.py export-schema

clean:
	rm -rf $(VENV) $(ARTIFACTS) .pytest_cache .mypy_cache .ruff_cache
