# Every target installs what it needs first; only python3 and make are assumed.
VENV ?= .venv
PY := $(VENV)/bin/python
MELTANO_VENV ?= .venv-meltano
MELTANO := $(MELTANO_VENV)/bin/meltano

# Nothing leaves the machine but package installs.
export MELTANO_CLI_DISABLE_VERSION_CHECK := true
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false
export SNOWFLAKE_DISABLE_PLATFORM_DETECTION := true

.PHONY: install meltano try demo test lint lock about bench clean

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

$(MELTANO_VENV)/.installed: requirements/meltano-constraints.txt
	python3 -m venv $(MELTANO_VENV)
	$(MELTANO_VENV)/bin/python -m pip install -q -c requirements/meltano-constraints.txt meltano
	touch $@

.meltano/.installed: $(MELTANO_VENV)/.installed meltano.yml pyproject.toml requirements/constraints.txt
	$(MELTANO) install
	touch $@

## Meltano and every plugin of meltano.yml.
meltano: .meltano/.installed

## Emulator + `meltano run tap-wolkvox target-duckdb` (demo environment) + a summary. Run it twice.
demo: install meltano
	$(PY) scripts/demo.py

## Run the tap against the local emulator, twice (backfill, then from state), and summarize.
try: install
	$(PY) scripts/try_tap.py

## The whole test suite, with lint and type checks.
test: install meltano lint
	$(PY) -m pytest

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
	rm -rf $(VENV) $(MELTANO_VENV) .meltano output .pytest_cache .mypy_cache .ruff_cache

## Benchmark: throughput against a hand-written floor, peak memory, API calls (prints figures).
bench: install
	$(PY) benchmarks/bench.py
