# PSSM: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test bench lint install install-dev messages serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## demo: install, migrate the SQLite database, load the demo data and serve on 127.0.0.1:8000
## with gunicorn, as production does
demo: install
	@echo "preparing the database (var/pssm.sqlite3)..."
	$(BIN)/pssm migrate --noinput -v 0
	@echo "compressing the static files..."
	$(BIN)/pssm collectstatic --noinput -v 0
	$(BIN)/pssm demo
	@echo ""
	@echo "PSSM is starting at http://$(HOST):$(PORT)/  (sign in with a demo login above; Ctrl+C stops it)"
	$(BIN)/gunicorn pssm.config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - --log-level warning

serve: install
	$(BIN)/pssm runserver $(HOST):$(PORT)

## test: the whole suite, on SQLite and on PostgreSQL (when reachable), plus lint and browser tests
test: install-dev
	@bash scripts/test.sh

## bench: performance benchmarks (results as tables with the dataset size)
bench: install-dev
	$(BIN)/python bench/run.py

lint: install-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/compile_messages.py --check

## messages: extract translatable strings (needs GNU gettext) and compile them (pure Python)
messages: install-dev
	cd src/pssm && ../../$(BIN)/pssm makemessages -l fr -l en --no-location -i "*/migrations/*"
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
