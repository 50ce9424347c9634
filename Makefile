# Jianguan: `make run` serves the demo city; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTIFACTS := test-artifacts

.PHONY: run test lint bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py seed-demo --if-empty
	$(BIN)/python manage.py serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) lint
	mkdir -p $(ARTIFACTS)
	JIANGUAN_TEST_DB=sqlite $(BIN)/pytest
	@if [ -n "$$JIANGUAN_TEST_POSTGRES_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		JIANGUAN_TEST_DB=postgres $(BIN)/pytest; \
	else \
		echo "JIANGUAN_TEST_POSTGRES_URL is not set: the PostgreSQL run was skipped"; \
	fi

bench: $(STAMP)
	$(BIN)/python -m bench

schema: $(STAMP)
	$(BIN)/python manage.py export-schema

clean:
	rm -rf $(VENV) $(ARTIFACTS) .pytest_cache .mypy_cache .ruff_cache
