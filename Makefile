# The two commands the README shows: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint worker bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the demo site on http://127.0.0.1:8000 (SQLite, tasks in-process unless DATABASE_URL/REDIS_URL are set).
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole test suite (see scripts/test.sh for how it picks its database and browser).
test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .

## Celery worker + beat for notifications and reminders (needs REDIS_URL, e.g. redis://127.0.0.1:6379/0).
worker: $(STAMP)
	@test -n "$$REDIS_URL$$CELERY_BROKER_URL" || { echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker"; exit 2; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/celery -A config worker -B --concurrency=2 --loglevel=INFO

## All benchmarks in order (bench/README.md): dataset, transitions, pages, report, drain. PostgreSQL.
bench: $(STAMP)
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL, e.g. DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench make bench"; exit 2; }
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/transitions.py --peer
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/report.py
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/7} $(BIN)/python bench/drain.py
	$(BIN)/python bench/explain.py
