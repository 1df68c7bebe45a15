# Heard: `make run` sets up and serves the demo; `make test` runs the whole test suite.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt package-lock.json | cksum | cut -d' ' -f1)

.PHONY: install run test lint validator-903 schema bench bench-quick bench-tools screenshots

$(STAMP): requirements.txt requirements-dev.txt package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	# axe-core for the accessibility tests, when Node is here (the tests say so when it is not).
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; fi
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# The embedded default: SQLite, in-memory channel layer, tasks in process, console SMS and email.
# The seed writes its emails and texts to var/demo-outbox.txt; the addresses to open are printed
# once the server answers. `make run PORT=8001` serves on another port.
run: PORT ?= 8000
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	HEARD_DEBUG=1 $(PY) manage.py migrate --noinput --verbosity 0
	HEARD_DEBUG=1 $(PY) manage.py consultation_forms_sync
	HEARD_DEBUG=1 $(PY) manage.py seed_demo
	@HEARD_DEBUG=1 $(PY) manage.py heard_scheduler & scheduler=$$!; \
	( until $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", $(PORT)), 1)' 2>/dev/null; \
	  do sleep 0.5; done; \
	  printf '\nHeard is ready (Ctrl-C stops it). Sign in with the demo logins in README.md:\n'; \
	  printf '  site      http://127.0.0.1:$(PORT)/\n'; \
	  printf '  API docs  http://127.0.0.1:$(PORT)/api/docs/  (OpenAPI: /api/schema/)\n'; \
	  printf '  admin     http://127.0.0.1:$(PORT)/admin/\n\n' ) & ready=$$!; \
	trap 'kill $$scheduler $$ready 2>/dev/null' EXIT INT TERM; \
	HEARD_DEBUG=1 $(VENV)/bin/uvicorn backend.asgi:application --host 127.0.0.1 --port $(PORT) --loop uvloop \
	  --http httptools --ws websockets --lifespan off --no-proxy-headers --no-server-header --timeout-graceful-shutdown 5

test: install
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

# The DfE's SSDA903 validator pins an old pandas, so it lives in a virtualenv of its own.
validator-903: .venv-903/bin/python

.venv-903/bin/python:
	$(PYTHON) -m venv .venv-903
	.venv-903/bin/python -m pip install --quiet csc-validator-be-903==0.1.17

# The API's OpenAPI description, committed; tests/api/test_openapi_schema.py fails when it and the code disagree.
schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file mobile_api/openapi.yaml

# The benchmark (bench/__main__.py): national-scale data, reports against SQL, query counts, plans,
# API and SMS load against bare endpoints, and a scale-out run. Needs PostgreSQL and Redis
# (DATABASE_URL / REDIS_URL, default the local ones) and wrk, the load generator.
bench: install bench-tools
	$(PY) -m bench

bench-quick: install bench-tools
	$(PY) -m bench --quick

bench-tools:
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

# Screenshots of the main pages (docs/screenshots/, linked from the README): the demo council in
# Debian's Chromium, children's pages at phone size. Noto draws Arabic, Pashto and Tigrinya.
screenshots: install
	test -x /usr/bin/chromium && fc-list | grep -qi "Noto Sans Ethiopic" || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null)
	$(PY) -m docs.make_screenshots
