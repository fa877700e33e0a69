# PSSM: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo demo-depot test bench lint install install-dev messages serve clean

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

## demo-depot: after `make demo`, make its database the national node and serve a depot node
## of site ML-SEV beside it on port 8001 (its own SQLite database under var/demo-depot)
DEPOT := var/demo-depot
DEPOT_ENV := PSSM_HOME=$(CURDIR)/$(DEPOT) PSSM_NODE_ID=ml-sev-depot DATABASE_URL=sqlite:///$(CURDIR)/$(DEPOT)/pssm.sqlite3
demo-depot: install
	@test -f var/pssm.sqlite3 || { echo "Run 'make demo' first: the depot is made from its national node."; exit 1; }
	@$(BIN)/pssm sync status --json | grep -q '"role": "national"' || $(BIN)/pssm node init --national
	@if [ ! -f $(DEPOT)/pssm.sqlite3 ]; then \
	  mkdir -p $(DEPOT) && \
	  $(BIN)/pssm sync bootstrap --site ML-SEV --node ml-sev-depot --out $(DEPOT)/bootstrap.pssm && \
	  $(DEPOT_ENV) $(BIN)/pssm migrate --noinput -v 0 && \
	  $(DEPOT_ENV) $(BIN)/pssm node join $(DEPOT)/bootstrap.pssm && rm -f $(DEPOT)/bootstrap.pssm; fi
	@echo ""
	@echo "Depot node ml-sev-depot (site ML-SEV) at http://$(HOST):8001/ - sign in as mag.sev or cdt.sev."
	@echo "Synchronisation page on both nodes: /sync/ (carry the bundles by download and upload)."
	@echo "The depot also synchronises over the network with the national node on port $(PORT)"
	@echo "every 5 minutes while that node is served (a background worker; see the README)."
	@$(DEPOT_ENV) $(BIN)/pssm collectstatic --noinput -v 0
	@$(DEPOT_ENV) $(BIN)/pssm sync schedule --as cdt.sev --url http://$(HOST):$(PORT) --every 5
	$(DEPOT_ENV) $(BIN)/pssm db_worker --queue-name sync --interval 10 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(DEPOT_ENV) $(BIN)/gunicorn pssm.config.wsgi --bind $(HOST):8001 --workers 2 --threads 4 \
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
