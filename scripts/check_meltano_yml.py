"""Validate meltano.yml against the JSON schema that ships inside the installed Meltano package.

Usage: python scripts/check_meltano_yml.py [meltano.yml ...]
The schema is `meltano/schemas/meltano.schema.json` of Meltano's venv (`make meltano` creates
`.venv-meltano`); set MELTANO_SCHEMA to use another copy. Exits 1 on the first invalid file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]


def schema_path() -> Path:
    """Meltano's own schema, from the environment or from `.venv-meltano`."""
    if os.environ.get("MELTANO_SCHEMA"):
        return Path(os.environ["MELTANO_SCHEMA"])
    found = sorted(ROOT.glob(".venv-meltano/lib/python*/site-packages/meltano/schemas/meltano.schema.json"))
    if not found:
        raise SystemExit("Meltano's schema was not found: run `make meltano` (or set MELTANO_SCHEMA)")
    return found[-1]


def errors(document: object, schema: dict) -> list[str]:
    """Every schema violation of a parsed meltano.yml, as `path: message`."""
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]


def main(argv: list[str]) -> int:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    status = 0
    for name in argv or ["meltano.yml"]:
        found = errors(yaml.safe_load(Path(name).read_text(encoding="utf-8")), schema)
        for line in found:
            print(f"{name}: {line}", file=sys.stderr)
        status = status or bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
