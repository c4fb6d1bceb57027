# Atelier: `make run` serves the demo, `make test` runs the test suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A local wheel folder (when the machine has one) saves downloading torch.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/atelier
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
# DEBUG is off unless asked for; the local demo asks (platform/run-dev.sh too).
DEV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test test-fast check install lint migrate demo clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(FIND_LINKS) -r requirements-dev.txt
	touch $@

# axe-core (package.json, pinned in package-lock.json) for the browser tests'
# accessibility check; skipped where npm is missing.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility browser test needs it (apt-get install npm)"; fi

install: $(BIN)/.installed node_modules/.installed

migrate: install
	mkdir -p var/media var/broker var/broker-processed var/broker-control
	$(DEV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV) $(BIN)/python manage.py setup_demo

run: demo
	$(DEV) bash platform/run-dev.sh

test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	$(BIN)/pytest $(PYTEST_ARGS)

# The inner loop: everything but the browser, real-worker and fuzz tests.
test-fast: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	$(BIN)/pytest -m "not browser and not worker and not fuzz" $(PYTEST_ARGS)

# Static checks CI runs before the tests: lint, formatting and the import
# contracts in pyproject.toml (the app layers).
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

lint: check

clean:
	rm -rf var staticfiles test-artifacts
