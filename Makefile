# Järjestöportaali. `make run` starts the demo portal; `make test` runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PYTHON_BIN ?= python3.11
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_WORKERS ?= 2
MANAGE := DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py
CATALOGUE_IGNORES := --ignore='.venv/*' --ignore='var/*' --ignore='staticfiles/*' --ignore='tests/*'

.PHONY: install system-packages run test bench faults lint format messages compilemessages clean

install: system-packages $(VENV)/.installed compilemessages

system-packages:
	@scripts/install-system-packages.sh

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON_BIN) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

compilemessages: $(VENV)/.installed
	@$(MANAGE) compilemessages --ignore='.venv/*' -v0

# Extract new strings, then translate the fi and sv entries that makemessages added.
messages: $(VENV)/.installed
	$(MANAGE) makemessages --no-obsolete $(CATALOGUE_IGNORES) -l fi -l sv -l en
	$(PY) scripts/finish_catalogues.py
	$(MANAGE) compilemessages --ignore='.venv/*' -v0

run: install
	@PORT=$(PORT) PY=$(PY) scripts/run-demo.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The django-stubs plugin loads portal.settings, which wants a secret key unless DEBUG is on.
	DJANGO_DEBUG=true $(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install lint
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_DEBUG=true $(PY) -m pytest -n $(TEST_WORKERS)

# The national data set under gunicorn on PostgreSQL, against the budgets; writes bench/results.json.
bench: install
	$(PY) -m bench.run

# Faults injected into the portal on production settings (its own PostgreSQL cluster and Redis on
# spare ports, gunicorn, a worker and beat); writes bench/faults.json and fails when a case does.
faults: install
	$(PY) -m bench.faults

clean:
	rm -rf $(VENV) var staticfiles
