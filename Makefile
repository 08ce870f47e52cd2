# Each target creates .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint fix bench docs holidays catalog screenshots clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/postme demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Fix what the linter can fix by itself, then format.
fix: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

docs: $(STAMP)
	$(BIN)/python -m postme.docgen > docs/cli.md
	$(BIN)/python -m postme.rules > docs/rules.md

# The shipped table of Indonesian public holidays (postme/data/holidays_id.json).
holidays: $(STAMP)
	$(BIN)/python scripts/make_holidays_table.py

# Refresh the message catalog from the code (then translate what is new or fuzzy).
catalog: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k _ --no-location \
		--sort-output -w 100 --project postme -o postme/locale/postme.pot postme
	$(BIN)/pybabel update -i postme/locale/postme.pot -d postme/locale -D postme -l id \
		--ignore-obsolete -w 100

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) postme-demo .pytest_cache .mypy_cache .ruff_cache
