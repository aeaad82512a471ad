# Every target installs what it needs first; only python3 and make are assumed.
VENV ?= .venv
PY := $(VENV)/bin/python
MELTANO_VENV ?= .venv-meltano
MELTANO := $(MELTANO_VENV)/bin/meltano

# Nothing leaves the machine but package installs.
export MELTANO_CLI_DISABLE_VERSION_CHECK := true
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
export SNOWFLAKE_DISABLE_PLATFORM_DETECTION := true

.PHONY: install meltano postgres try demo test lint lock about bench clean

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

# What make demo uses: the tap (no dev extras; it brings the emulator), target-duckdb and dbt-duckdb.
.meltano/.installed-demo: $(MELTANO_VENV)/.installed meltano.yml pyproject.toml requirements/constraints.txt requirements/dbt-constraints.txt
	@echo "== Installing the demo's plugins: tap-wolkvox, target-duckdb, dbt-duckdb (first time: about 1 minute, 250 MB)"
	$(MELTANO) install --plugin-type extractor tap-wolkvox
	$(MELTANO) install --plugin-type loader target-duckdb
	$(MELTANO) install --plugin-type transformer dbt-duckdb
	touch $@

# Every plugin of meltano.yml (the tests load DuckDB, PostgreSQL and Snowflake and build the dbt models).
.meltano/.installed: $(MELTANO_VENV)/.installed meltano.yml pyproject.toml requirements/constraints.txt requirements/dbt-constraints.txt
	@echo "== Installing every plugin of meltano.yml (first time: about 1 minute, 400 MB)"
	$(MELTANO) install
	touch $@

## Meltano and every plugin of meltano.yml.
meltano: .meltano/.installed

## Emulator + `meltano run tap-wolkvox target-duckdb` (demo environment) + what the run did + the dbt models
## and their KPIs. Run it twice.
demo: .meltano/.installed-demo
	python3 scripts/demo.py

## Run the tap against the local emulator, twice (backfill, then from state), and summarize.
try: install
	$(PY) scripts/try_tap.py

## The whole test suite, with lint and type checks.
test: install meltano postgres lint
	$(PY) -m pytest

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

# The dbt transformers' packages, locked together (meltano.yml pins each plugin with this file).
DBT_PACKAGES := 'dbt-core~=1.10.0' 'dbt-duckdb~=1.10.0' 'dbt-postgres~=1.10.0' 'dbt-snowflake~=1.10.0'

lock: install $(MELTANO_VENV)/.installed
	$(PY) -m pip freeze --exclude-editable | { echo "# Exact versions CI and \`make install\` use (pip install -c). Regenerate: make lock"; cat; } > requirements/constraints.txt
	$(MELTANO_VENV)/bin/python -m pip freeze | { echo "# Exact versions of Meltano's own venv. Regenerate: make lock"; cat; } > requirements/meltano-constraints.txt
	rm -rf .venv-dbt-lock && python3 -m venv .venv-dbt-lock
	.venv-dbt-lock/bin/python -m pip install -q $(DBT_PACKAGES)
	.venv-dbt-lock/bin/python -m pip freeze | { echo "# Exact versions of the dbt transformers' venvs (meltano.yml: dbt-duckdb, dbt-postgres, dbt-snowflake). Regenerate: make lock"; echo "# dbt-core 1.10: 1.12 cannot be installed offline (dbt-core-experimental-parser downloads a binary)."; cat; } > requirements/dbt-constraints.txt
	rm -rf .venv-dbt-lock

clean:
	rm -rf $(VENV) $(MELTANO_VENV) .meltano output .pytest_cache .mypy_cache .ruff_cache transform/target transform/logs

## Benchmark: throughput against a hand-written floor, peak memory, API calls, and the dbt models' build
## time on DuckDB for 90 days of 200 agents (prints figures).
bench: install .meltano/.installed-demo
	$(PY) benchmarks/bench.py
	$(PY) benchmarks/dbt_build.py
