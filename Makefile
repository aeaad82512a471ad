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

# One lock for every claimed Python (markers pick each Python's pins): the tap, its dev tools, Meltano.
LOCK := requirements/lock.txt

# target-duckdb runs on this Python whatever runs Meltano: its pinned duckdb 1.0.0 (the last that
# loses no row) has wheels up to 3.12 only. meltano.yml names it (`python:`); uv finds or fetches it.
LOADER_PYTHON := 3.12
# pyenv machines: make every installed pyenv Python reachable by its pythonX.Y name, not just the
# selected one, so uv (Meltano's venv backend) finds $(LOADER_PYTHON).
ifneq ($(shell command -v pyenv 2>/dev/null),)
ifeq ($(PYENV_VERSION),)
export PYENV_VERSION := $(shell pyenv version-name 2>/dev/null | tr : '\n' | head -1):$(shell pyenv versions --bare --skip-aliases 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$$' | sort -rV | paste -sd: -)
endif
endif

.PHONY: install meltano postgres chromium dashboard try demo test lint lock about bench clean

# -- Installs. Every install line of the project is here; each step says what it does and about how long
# it takes the first time (PyPI, 2 cores). Later runs skip a step while its stamp file is newer than
# its inputs.

# The tap, the emulator and the dev tools (pytest, ruff, mypy, fakesnow) in .venv: make test, try, lint.
$(VENV)/.installed: pyproject.toml emulator/pyproject.toml $(LOCK)
	@echo "== Installing the tap and the emulator with the dev tools into $(VENV) (first time: about 2 minutes, 500 MB)"
	python3 -m venv $(VENV)
	$(PY) -m pip install -q 'pip>=25.1'  # dev tools are a PEP 735 group: pip install --group
	$(PY) -m pip install -q -c $(LOCK) -e . -e ./emulator --group dev
	touch $@

install: $(VENV)/.installed

# Meltano itself, in its own venv.
$(MELTANO_VENV)/.installed: requirements/meltano.in $(LOCK)
	@echo "== Installing Meltano into $(MELTANO_VENV) (first time: about 1.5 minutes, 160 MB)"
	python3 -m venv $(MELTANO_VENV)
	$(MELTANO_VENV)/bin/python -m pip install -q -c $(LOCK) -r requirements/meltano.in
	touch $@

# The loader's Python: found on this machine, else fetched by uv (where python.org builds are reachable).
$(MELTANO_VENV)/.python-$(LOADER_PYTHON): $(MELTANO_VENV)/.installed
	@$(MELTANO_VENV)/bin/uv python find $(LOADER_PYTHON) >/dev/null 2>&1 \
	  || $(MELTANO_VENV)/bin/uv python install $(LOADER_PYTHON) \
	  || { echo "target-duckdb needs Python $(LOADER_PYTHON) (duckdb 1.0.0 has no wheel for later ones):" \
	         "install python$(LOADER_PYTHON) (e.g. apt, pyenv or https://www.python.org) and run make again." >&2; exit 1; }
	touch $@

# What make demo uses: the tap (no dev extras; it brings the emulator), target-duckdb and dbt-duckdb.
.meltano/.installed-demo: $(MELTANO_VENV)/.python-$(LOADER_PYTHON) meltano.yml pyproject.toml emulator/pyproject.toml $(LOCK) requirements/dbt-constraints.txt
	@echo "== Installing the demo's plugins: tap-wolkvox, target-duckdb, dbt-duckdb (first time: about 1 minute, 250 MB)"
	$(MELTANO) install --plugin-type extractor tap-wolkvox
	$(MELTANO) install --plugin-type loader target-duckdb
	$(MELTANO) install --plugin-type transformer dbt-duckdb
	touch $@

# Every plugin of meltano.yml (the tests load DuckDB, PostgreSQL and Snowflake and build the dbt models).
.meltano/.installed: $(MELTANO_VENV)/.python-$(LOADER_PYTHON) meltano.yml pyproject.toml emulator/pyproject.toml $(LOCK) requirements/dbt-constraints.txt
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
$(VENV)/.installed-dashboard: $(VENV)/.installed dashboard/requirements.txt dashboard/requirements-test.txt dashboard/constraints.txt
	$(PY) -m pip install -q -c $(LOCK) -c dashboard/constraints.txt -r dashboard/requirements-test.txt
	touch $@

## Meltano and every plugin of meltano.yml.
meltano: .meltano/.installed

## Emulator + `meltano run tap-wolkvox target-duckdb` (demo environment) + what the run did + the dbt models
## and their KPIs + the coordinator's dashboard. Run it twice.
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

## requirements/lock.txt: the newest versions that fit, for every Python of requires-python (uv, --universal);
## requirements/dbt-constraints.txt the same for the dbt transformers (meltano.yml pins each with it).
lock: install
	$(VENV)/bin/uv pip compile --universal --python-version 3.10 --upgrade --quiet \
	  pyproject.toml requirements/meltano.in --group pyproject.toml:dev \
	  --custom-compile-command "make lock" -o $(LOCK)
	$(VENV)/bin/uv pip compile --universal --python-version 3.10 --upgrade --quiet \
	  requirements/dbt.in --custom-compile-command "make lock" -o requirements/dbt-constraints.txt
	$(VENV)/bin/uv pip compile --universal --python-version 3.10 --upgrade --quiet \
	  dashboard/requirements-test.txt --custom-compile-command "make lock" -o dashboard/constraints.txt

clean:
	rm -rf $(VENV) $(MELTANO_VENV) $(DASHBOARD_VENV) .meltano output .pytest_cache .mypy_cache .ruff_cache transform/target transform/logs

## Benchmark: throughput against a hand-written floor, peak memory, API calls, and the dbt models' build
## time on DuckDB for 90 days of 200 agents (prints figures).
bench: install .meltano/.installed-demo
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/dbt_build.py
