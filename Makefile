# Stride's commands. Each target creates .venv at the project root when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --universal --generate-hashes \
	--custom-compile-command "make requirements"

.PHONY: install requirements run test lint format bench clean messages compilemessages

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

## make requirements: recompile requirements/{base,dev}.txt (with hashes) from pyproject.toml.
## Pins already in the files are kept; add --upgrade-package NAME to move one.
requirements: $(STAMP)
	$(UV_COMPILE) pyproject.toml -o requirements/base.txt
	$(UV_COMPILE) --extra dev -c requirements/base.txt pyproject.toml -o requirements/dev.txt

## make run: migrate, seed demo data, then web + Celery worker + beat together (Ctrl-C stops all).
## make run PORT=8001 HOST=0.0.0.0 serves on another port or address.
HOST ?= 127.0.0.1
PORT ?= 8000
run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(PY) scripts/run_local.py

## make test: the whole suite (PostgreSQL and Redis on 127.0.0.1 when they answer).
test: $(STAMP)
	$(PY) scripts/run_tests.py $(PYTEST_ARGS)

## make lint: ruff, ruff format, mypy (config in pyproject.toml) and the migrations check.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) bench/run.py

## make messages: refresh the Spanish catalogues from the code and templates (locale/) and
## from the clinical rules (intake/triage/locale/, one per rules version); then translate.
## Needs GNU gettext (Debian: gettext).
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules --ignore=intake/triage/*
messages: $(STAMP)
	$(PY) manage.py makemessages --locale=es --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(PY) scripts/rules_messages.py

## make compilemessages: compile every .po to the .mo committed beside it (msgfmt).
compilemessages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

clean:
	rm -rf var/celery var/test .pytest_cache
