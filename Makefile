# The few targets people type. `make run` and `make test` need nothing but Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test e2e lint format bench worker clean audit faults faults-ci load

# pip is brought up to date only in a venv made here: an existing one (a shared venv that
# .venv links to) may serve other checkouts, and a fresh clone's requirements.txt is newer
# than its mark. Not echoed: `make prod`'s first lines are the production log's, which
# holds log lines only (pip -q still says what failed).
$(BIN)/.installed-run: requirements.txt
	@test -x $(BIN)/python || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install -q --upgrade pip; }
	@$(BIN)/python -m pip install -q -r requirements.txt
	@touch $@

$(BIN)/.installed-dev: $(BIN)/.installed-run requirements-dev.txt
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

# Links in e-mails follow the port: `make run HOST=127.0.0.1:8001` (issue 12).
run: export SITE_URL ?= http://$(HOST)
run: $(BIN)/.installed-run
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compile_translations
	$(BIN)/python manage.py load_demo
	@if [ -n "$$REDIS_URL" ]; then \
		echo "Starting a Celery worker with beat (REDIS_URL is set)"; \
		$(BIN)/celery -A opo_portal worker --beat --loglevel=INFO -s var/celerybeat-schedule & \
		trap "kill $$!" EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST); \
	else \
		$(BIN)/python manage.py runserver $(HOST); \
	fi

test: $(BIN)/.installed-dev
	$(BIN)/python manage.py compile_translations
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

# The browser journeys: Debian's /usr/bin/chromium and chromedriver (.ci/install-browser
# installs them) and axe-core from npm (package-lock.json). Screenshots: e2e-screenshots/.
e2e: $(BIN)/.installed-dev
	npm ci --no-audit --no-fund
	$(BIN)/python manage.py compile_translations
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy $(MYPY_FILES)

# Types: every module of the apps and of the deploy and fault tools (not tests, not
# migrations); settings in mypy.ini. Issue 10 asked for them where a wrong type is a wrong
# permission (access helpers, services, consent rules, views); since 2026-12-07 they cover
# the rest too, every module (the last three since later that day).
MYPY_FILES := $(shell find accounts consent monitoring policy schools outbox ops opo_portal \
	faults deploy -name '*.py' -not -path '*/tests/*' -not -path '*/migrations/*' | sort)

# Known vulnerabilities in the installed (pinned) packages; --strict fails when a package
# could not be looked up. .ci/audit explains what CI does when the data is unreachable.
audit: $(BIN)/.installed-dev
	$(BIN)/pip-audit --strict --progress-spinner off

format: $(BIN)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/.installed-dev
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# Beat is embedded here and in `make run`; the Redis lock (opo_portal/beat.py) keeps all
# but one beat idle. Its own schedule file: two processes must not share one shelve.
worker: $(BIN)/.installed-run
	mkdir -p var
	$(BIN)/celery -A opo_portal worker --beat --loglevel=INFO -s var/celerybeat-schedule-worker

# Reliability (README "Reliability"): fault injection against real processes — our own
# redis-server, SMTP sink, gunicorn, Celery worker and beat, and a PostgreSQL cluster for the
# postgres-* scenarios (initdb). Needs DATABASE_URL (PostgreSQL; a scratch database is made
# and dropped) and, for the pytest part, REDIS_URL.
faults: $(BIN)/.installed-dev
	$(BIN)/python manage.py compile_translations
	$(BIN)/python faults/run.py
	$(BIN)/python -m pytest -m services $(PYTEST_ARGS) \
		monitoring/tests/test_worker.py monitoring/tests/test_concurrent_cases.py \
		opo_portal/tests/test_beat_lock.py outbox/tests/test_worker.py \
		outbox/tests/test_redis_dead_writes.py

faults-ci: $(BIN)/.installed-dev
	$(BIN)/python manage.py compile_translations
	$(BIN)/python faults/run.py --reduced

# 200 simulated parents for 60 s against gunicorn (bounded: at most 500 parents, 300 s).
LOAD_ARGS ?= --parents 200 --seconds 60 --think 5 15
load: $(BIN)/.installed-dev
	$(BIN)/python manage.py compile_translations
	$(BIN)/python faults/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var

# --- Production (README "Production"): release steps, then gunicorn + worker + one beat.
# Needs DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL and SITE_URL; see deploy/run-prod.
.PHONY: prod prod-smoke two-node backup-test
# Not echoed: the production log holds log lines only (README "Logs and errors").
prod: $(BIN)/.installed-run
	@deploy/run-prod all

# The CI checks of the production topology, runnable by hand (PostgreSQL + Redis needed).
prod-smoke: $(BIN)/.installed-dev
	.ci/prod-smoke

backup-test: $(BIN)/.installed-dev
	.ci/backup-restore

two-node: $(BIN)/.installed-dev
	$(BIN)/python deploy/two_node.py
# --- Web benchmark only (issue 17): gunicorn + PostgreSQL + wrk, CPU per request against a
# bare view. Needs PostgreSQL at BENCH_PG_URL; installs wrk with apt-get when root.
# Examples: make bench-web BENCH_ARGS="--sizes small --rounds 3"; BENCH_ARGS=--national
.PHONY: bench-web
bench-web: $(BIN)/.installed-dev
	$(BIN)/python bench/web_bench.py $(BENCH_ARGS)
