# Two entry points for a fresh machine: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed
SPEC_TOOLS := openapi/node_modules/.installed
TS_TOOLS := interop/typescript/node_modules/.installed
HANDWRITTEN := auth_plugin client emulator pytest_plugin tests tools bench
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install demo test check generate check-generated lint-spec lint typecheck pytest postgres-server interop bench constraints clean

help:
	@echo "make demo   - set up, then play three orders' lives against the embedded emulator"
	@echo "make test   - set up, then every check CI runs"
	@echo "make generate | check-generated | lint-spec | lint | typecheck | pytest | interop | bench"

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python >= 3.11 is needed: run make PYTHON=python3.11 ..." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[emulator,dev,bench,postgres]'
	touch $@

$(SPEC_TOOLS): openapi/package-lock.json
	cd openapi && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(TS_TOOLS): interop/typescript/package-lock.json
	cd interop/typescript && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	$(PY) tools/demo.py

test: check

check: check-generated lint-spec lint typecheck pytest interop
	@echo "make test: every check passed"

# Rebuild generated/ from the contract (the pinned ruff beside $(PY) serves the generator's post-hooks).
generate: $(INSTALLED)
	PATH="$(abspath $(BIN)):$$PATH" $(PY) tools/generate.py

check-generated: $(INSTALLED)
	PATH="$(abspath $(BIN)):$$PATH" $(PY) tools/generate.py --check

lint-spec: $(INSTALLED) $(SPEC_TOOLS)
	$(PY) tools/lint_spec.py

# The import rules of the house (pyproject.toml [tool.importlinter]); import-linter sees imports inside functions.
lint: $(INSTALLED)
	$(BIN)/ruff check $(HANDWRITTEN)
	$(BIN)/ruff format --check $(HANDWRITTEN)
	$(BIN)/lint-imports --no-cache --no-logo

typecheck: $(INSTALLED)
	$(BIN)/mypy generated auth_plugin client emulator pytest_plugin tests tools bench

pytest: $(INSTALLED) postgres-server
	$(BIN)/pytest --cov --cov-report=term
	$(BIN)/coverage report --include='*/auth_plugin/wechatpay_auth/*' --fail-under=100 --skip-covered

# Debian's PostgreSQL server, for the journal tests (tests/postgres start and remove a throwaway cluster of it):
# installed only when no server binaries are there; apt needs root, so sudo when make does not run as root.
postgres-server:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; \
	fi

interop: $(INSTALLED) $(TS_TOOLS)
	cd interop/typescript && npm run --silent check-generated && PYTHON="$(abspath $(PY))" npm test

bench: $(INSTALLED)
	$(PY) -m bench

constraints: $(INSTALLED)
	{ head -2 constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v '^-e'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) openapi/node_modules interop/typescript/node_modules interop/typescript/dist .mypy_cache .ruff_cache .pytest_cache .coverage
