# The two set-up commands of the README are `make run` and `make test`; everything else here
# is what they are made of, plus tools for developers.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Management commands of the tool chain run with development settings (no SECRET_KEY needed).
MANAGE := DEBUG=true $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# The suite runs in this many pytest-xdist workers, one test database each (tests/scheduling.py
# says how the tests are shared); TEST_WORKERS=0 runs it in one process. It keeps Python's
# compiled files (__pycache__/, ignored by git) even where the environment says not to write
# them: without them every run rewrites the asserts of every test module again (5 s of each
# worker's 8 s of collection), and each command a test starts compiles the project again.
TEST_WORKERS ?= 2

.PHONY: run test install migrate seed lint format messages bench loadtest ci clean backup restore

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install only when the requirements change.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

# Front-end packages (Bootstrap, htmx, ECharts) from the npm registry, exactly as locked.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed
	@$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules >/dev/null

migrate: install
	$(MANAGE) migrate --no-input

seed: migrate
	$(MANAGE) seed_demo --url http://$(HOST):$(PORT)/

# The server as a user meets it: production settings (DEBUG off, so errors show the site's own
# Chinese pages, never Django's debug page), a key generated once for this machine
# (var/local_secret_key, never committed), plain HTTP on this host only. Beside it the task
# worker that imports large workbooks in the background; both stop with Ctrl-C.
LOCAL_KEY := var/local_secret_key
RUN_ENV = DEBUG=false SECRET_KEY="$$(cat $(LOCAL_KEY))" ALLOWED_HOSTS=$(HOST),localhost \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	SECURE_HSTS_SECONDS=0

$(LOCAL_KEY): | $(PY)
	@mkdir -p var
	@$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

run: seed $(LOCAL_KEY)
	@$(RUN_ENV) $(PY) manage.py collectstatic --no-input >/dev/null
	@echo "Starting the server at http://$(HOST):$(PORT)/ (admin site: http://$(HOST):$(PORT)/admin/) and the import worker. Stop with Ctrl-C."
	@$(RUN_ENV) $(PY) manage.py recover_import_jobs >/dev/null
	@$(RUN_ENV) $(PY) manage.py db_worker --no-startup-delay --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "*****************************************************************"; \
	  echo "* Chromium is missing ($(CHROMIUM)): the browser tests are SKIPPED. *"; \
	  echo "* Install it with: apt-get install chromium                     *"; \
	  echo "*****************************************************************"; \
	fi
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# mypy's Django plugin imports the settings: DEBUG=true lets them load without a SECRET_KEY.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the Chinese message catalogue after changing user-facing strings.
messages: install
	$(MANAGE) makemessages --locale zh_Hans --ignore=.venv --ignore=node_modules --ignore=tests --no-obsolete --add-location file
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

ci:
	.ci/run

clean:
	rm -rf $(VENV) node_modules staticfiles

# City-scale timings of the results computation (benchmarks/compute.py), of importing a
# 100,000-row evidence workbook (benchmarks/imports.py) and of a what-if on a draft scheme
# (benchmarks/whatif.py), against their goals, each in a
# throwaway database: a temporary SQLite file under /tmp, or with DATABASE_URL set, a separate
# `district_bench` database on that PostgreSQL server. Prints only. BENCH_ARGS=--profile adds
# a cProfile listing of the computation; IMPORT_BENCH_ARGS is for the import benchmark (e.g.
# --rows 10000, --tracemalloc, --profile); WHATIF_BENCH_ARGS for the what-if (e.g. --units 100
# for a quick run); SIGNALS_BENCH_ARGS for every integrity signal of the city (benchmarks/
# signals.py, goal < 10 s; e.g. --profile); SEALING_BENCH_ARGS for audited writes from
# concurrent writers with and without sealing (benchmarks/sealing.py, PostgreSQL only; e.g.
# --writers 8 --records 100). BENCH_DATABASE names the PostgreSQL database
# (default district_bench) where several benchmarks share one server.
bench: install
	DEBUG=true $(PY) -m benchmarks.compute $(BENCH_ARGS)
	DEBUG=true $(PY) -m benchmarks.imports $(IMPORT_BENCH_ARGS)
	DEBUG=true $(PY) -m benchmarks.whatif $(WHATIF_BENCH_ARGS)
	DEBUG=true $(PY) -m benchmarks.warnings $(WARNINGS_BENCH_ARGS)
	DEBUG=true $(PY) -m benchmarks.signals $(SIGNALS_BENCH_ARGS)
	DEBUG=true $(PY) -m benchmarks.sealing $(SEALING_BENCH_ARGS)

# Load test of the whole stack (loadtest/run.py, ~2 minutes): gunicorn with production
# settings against a scratch `district_load` database on the local PostgreSQL server
# (127.0.0.1:5432, user postgres; dropped before and after, no other database is touched),
# 50 simulated users for 60 s; prints requests/s and p50/p95/p99 latency per page kind and
# exits non-zero on any failed request. LOADTEST_ARGS: --users, --seconds, --think, --workers,
# --threads; --month-end for the month-end rush (loadtest/month_end.py: 180 people for 120 s
# after their logins, each page kind beside its goal).
loadtest: install
	$(PY) -m loadtest.run $(LOADTEST_ARGS)

# Backup of the SQLite database (online, consistent) and of MEDIA_ROOT, with a SHA-256
# manifest, into var/backups/backup-<timestamp>/ (or BACKUP=DIR); restore one with
# `make restore BACKUP=var/backups/backup-...` (server and worker stopped). PostgreSQL:
# docs/backup.md.
backup: install
	$(MANAGE) backup_sqlite $(if $(BACKUP),--output "$(BACKUP)")

restore: install
	@if [ -z "$(BACKUP)" ]; then echo "Name the backup: make restore BACKUP=var/backups/backup-..."; exit 2; fi
	$(MANAGE) restore_sqlite "$(BACKUP)"
