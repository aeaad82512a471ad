# Every target installs what it needs into .venv first; only python3 is assumed.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP_VERSION := 26.3

.PHONY: install try test lint lock about clean

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q pip==$(PIP_VERSION)
	$(PY) -m pip install -q -c requirements/constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## Run the tap against the local emulator, twice (backfill, then from state), and summarize.
try: install
	$(PY) scripts/try_tap.py

## The whole test suite, with lint and type checks.
test: install lint
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy tap_wolkvox wolkvox_emulator

## Settings table for the README.
about: install
	$(VENV)/bin/tap-wolkvox --about --format=markdown

lock: install
	$(PY) -m pip freeze --exclude-editable | { echo "# Exact versions CI and \`make install\` use (pip install -c). Regenerate: make lock"; cat; } > requirements/constraints.txt

clean:
	rm -rf $(VENV) output .pytest_cache .mypy_cache .ruff_cache
