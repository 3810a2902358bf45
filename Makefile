# The few targets people type. `make run` and `make test` need nothing but Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test e2e lint format bench worker clean

$(BIN)/.installed-run: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

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

format: $(BIN)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/.installed-dev
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

worker: $(BIN)/.installed-run
	$(BIN)/celery -A opo_portal worker --beat --loglevel=INFO -s var/celerybeat-schedule

clean:
	rm -rf $(VENV) var
