# The two commands: `make run` (the app with demo data on SQLite) and `make test` (every test,
# on SQLite and again on PostgreSQL). Both install what they need themselves.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := circles

.PHONY: run test test-sqlite test-postgres translations lint stress bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d circles/translations

run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	MAIL_BACKEND=console $(BIN)/flask run --host 127.0.0.1 --port 5000

chromium:
	@command -v chromium >/dev/null 2>&1 || scripts/install-chromium.sh

test: $(VENV)/.installed-test translations chromium
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Both runs spread the test files over one worker per CPU (pytest-xdist); each worker has its own
# databases (SQLite files per test; a PostgreSQL database per worker), SMTP server and browser.
XDIST ?= -n auto --dist loadfile

# The form fuzzer (tests/hostile/test_fuzz_forms.py, 200 inputs for each of 85 forms) runs in the PostgreSQL
# pass only, where the browser tests do not run: it balances the two passes and checks "the database is
# unchanged after a rejected input" on the stricter database.
test-sqlite:
	@echo "=== Test run 1 of 2: SQLite (the form fuzzer runs in run 2) ==="
	$(BIN)/pytest $(XDIST) --ignore=tests/hostile/test_fuzz_forms.py $(PYTEST_ARGS)

# The browser tests (real Chromium, axe) run in the SQLite pass only: what they prove (pages, forms,
# keyboard, accessibility) does not depend on the database, and every database path they use is
# covered by the other tests, which run on both. This keeps `make test` within 15 minutes.
test-postgres:
	@echo "=== Test run 2 of 2: PostgreSQL (browser tests ran in run 1) ==="
	scripts/with-postgres.sh $(BIN)/pytest $(XDIST) --ignore=tests/browser $(PYTEST_ARGS)

# The benchmarks (not part of `make test`); figures go to bench/RESULTS.md. The newsletter benchmark needs
# aiosmtpd (a test dependency) for its local SMTP server.
bench: $(VENV)/.installed-test translations
	-$(BIN)/python -m bench.pages --scale 1 --scale 10  # exits 1 when a budget is missed; the rest still runs
	$(BIN)/python -m bench.search --packages 50000
	$(BIN)/python -m bench.newsletter --packages 5000 --subscribers 20000
	$(BIN)/python -m bench.progress --organisations 2000

# Load with nothing lost and faults survived (issue 9): gunicorn on SQLite and on a throw-away PostgreSQL,
# 50 users for 60 s, then the database restarted, SMTP down, upload storage unwritable; bench/RELIABILITY.md.
stress: $(VENV)/.installed-test translations
	$(BIN)/python -m bench.stress

lint: $(VENV)/.installed-test
	$(BIN)/ruff check circles tests bench

clean:
	rm -rf $(VENV) instance/circles.db*
