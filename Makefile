# Every target installs what it needs first; only python3 and make are assumed.
VENV ?= .venv
PY := $(VENV)/bin/python
MELTANO_VENV ?= .venv-meltano
MELTANO := $(MELTANO_VENV)/bin/meltano
DASHBOARD_VENV ?= .venv-dashboard

# Nothing leaves the machine but package installs.
export MELTANO_CLI_DISABLE_VERSION_CHECK := true
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
export SNOWFLAKE_DISABLE_PLATFORM_DETECTION := true

.PHONY: install meltano postgres chromium dashboard try demo test lint lock about bench clean

# -- Installs. Every install line of the project is here; each step says what it does and about how long
# it takes the first time (PyPI, 2 cores). Later runs skip a step while its stamp file is newer than
# its inputs.

# The tap, the emulator and the dev tools (pytest, ruff, mypy, fakesnow) in .venv: make test, try, lint.
$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	@echo "== Installing the tap with its dev tools into $(VENV) (first time: about 2 minutes, 500 MB)"
	python3 -m venv $(VENV)
	$(PY) -m pip install -q 'pip>=25.1'  # dev tools are a PEP 735 group: pip install --group
	$(PY) -m pip install -q -c requirements/constraints.txt -e . --group dev
	touch $@

install: $(VENV)/.installed

# Meltano itself, in its own venv.
$(MELTANO_VENV)/.installed: requirements/meltano-constraints.txt
	@echo "== Installing Meltano into $(MELTANO_VENV) (first time: about 1.5 minutes, 160 MB)"
	python3 -m venv $(MELTANO_VENV)
	$(MELTANO_VENV)/bin/python -m pip install -q -c requirements/meltano-constraints.txt meltano
	touch $@

# What make demo uses: the tap (no dev extras; it brings the emulator) and target-duckdb.
.meltano/.installed-demo: $(MELTANO_VENV)/.installed meltano.yml pyproject.toml requirements/constraints.txt
	@echo "== Installing the demo's plugins: tap-wolkvox, target-duckdb (first time: about 15 s, 100 MB)"
	$(MELTANO) install --plugin-type extractor tap-wolkvox
	$(MELTANO) install --plugin-type loader target-duckdb
	touch $@

# Every plugin of meltano.yml (the tests load DuckDB and Snowflake).
.meltano/.installed: $(MELTANO_VENV)/.installed meltano.yml pyproject.toml requirements/constraints.txt
	@echo "== Installing every plugin of meltano.yml (first time: about 1 minute, 400 MB)"
	$(MELTANO) install
	touch $@

# The dashboard's build (bokeh, duckdb) in its own venv: make dashboard, make demo.
$(DASHBOARD_VENV)/.installed: dashboard/requirements.txt dashboard/constraints.txt
	@echo "== Installing the dashboard's build (bokeh, duckdb) into $(DASHBOARD_VENV) (first time: about 40 s, 240 MB)"
	python3 -m venv $(DASHBOARD_VENV)
	$(DASHBOARD_VENV)/bin/python -m pip install -q -c dashboard/constraints.txt -r dashboard/requirements.txt
	touch $@

# The dashboard's libraries and playwright in .venv, for its browser tests (about 30 s, 150 MB).
$(VENV)/.installed-dashboard: $(VENV)/.installed dashboard/requirements.txt dashboard/requirements-test.txt
	$(PY) -m pip install -q -c requirements/constraints.txt -c dashboard/constraints.txt -r dashboard/requirements-test.txt
	touch $@

## Meltano and every plugin of meltano.yml.
meltano: .meltano/.installed

## Emulator + `meltano run tap-wolkvox target-duckdb` (demo environment) + what the run did. Run it twice.
demo: .meltano/.installed-demo $(DASHBOARD_VENV)/.installed
	python3 scripts/demo.py
	$(DASHBOARD_VENV)/bin/python scripts/build_dashboard.py

## The coordinator's dashboard from the warehouse's analytics marts: output/dashboard/index.html.
dashboard: $(DASHBOARD_VENV)/.installed
	$(DASHBOARD_VENV)/bin/python scripts/build_dashboard.py

## Run the tap against the local emulator, twice (backfill, then from state), and summarize.
try: install
	$(PY) scripts/try_tap.py

## The whole test suite, with lint and type checks.
test: install meltano postgres chromium $(VENV)/.installed-dashboard lint
	$(PY) -m pytest

## Debian's chromium for the dashboard's browser tests (apt, when missing).
chromium:
	bash scripts/install-chromium.sh

## PostgreSQL server binaries for the target-postgres end-to-end test (apt, when missing).
postgres:
	bash scripts/install-postgres.sh

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy tap_wolkvox wolkvox_emulator

## Settings table for the README.
about: install
	$(VENV)/bin/tap-wolkvox --about --format=markdown

lock: install $(MELTANO_VENV)/.installed
	$(PY) -m pip freeze --exclude-editable | { echo "# Exact versions CI and \`make install\` use (pip install -c). Regenerate: make lock"; cat; } > requirements/constraints.txt
	$(MELTANO_VENV)/bin/python -m pip freeze | { echo "# Exact versions of Meltano's own venv. Regenerate: make lock"; cat; } > requirements/meltano-constraints.txt

clean:
	rm -rf $(VENV) $(MELTANO_VENV) $(DASHBOARD_VENV) .meltano output .pytest_cache .mypy_cache .ruff_cache

## Benchmark: throughput against a hand-written floor, peak memory, API calls (prints figures).
bench: install
	$(PY) benchmarks/bench.py
