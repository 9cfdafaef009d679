# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format install install-dev browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Development server on SQLite with tasks on a background thread, seeded with demo data on first run, and
# the sandbox accounting platform beside it for retries to write to (stopped with the server).
# SANDBOX_ARGS adds faults, e.g. make run SANDBOX_ARGS="--latency-ms 300 --unavailable-rate 0.3"
run: SANDBOX_HOST ?= 127.0.0.1:8001
run: export DJANGO_DEBUG ?= true
run: export TASKS_IN_BACKGROUND ?= true
run: export PLATFORM_API_URL ?= http://$(SANDBOX_HOST)/
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py demo_login --url http://$(HOST)/
	$(BIN)/python manage.py run_sandbox --bind $(SANDBOX_HOST) $(SANDBOX_ARGS) & sandbox=$$!; \
	trap 'kill $$sandbox 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Browser tests drive Debian's chromium; it is installed here when missing and we may.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Browser tests will be skipped: install Debian's chromium (apt-get install chromium)."; \
		fi; \
	fi

test: lint browser
	$(BIN)/pytest
