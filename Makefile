# Aiguillage — the two commands: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_ENV := DEBUG=1 AIGUILLAGE_DEMO=1
HOST ?= 127.0.0.1:8000

.PHONY: install demo demo-data serve test lint format quality browser-deps bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 requis")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## make demo: install, migrate, load territories and demo data, print the logins, serve on :8000
demo: demo-data serve

demo-data: install
	$(DEMO_ENV) $(BIN)/aiguillage migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/aiguillage demo

serve: install
	@echo "Aiguillage : http://$(HOST)/  (Ctrl-C pour arrêter)"
	$(DEMO_ENV) $(BIN)/aiguillage runserver $(HOST)

## make test: lint + the whole suite (SQLite by default; DATABASE_URL=postgres://… for PostgreSQL)
test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 AIGUILLAGE_VAR_DIR=$$(mktemp -d) $(BIN)/aiguillage makemigrations --check --dry-run -v0

quality: test

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Debian's Chromium for the browser tests (root; CI runs it when missing)
browser-deps:
	test -x /usr/bin/chromium || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
