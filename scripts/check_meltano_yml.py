"""Validate meltano.yml against the JSON schema that ships inside the installed Meltano package.

Usage: python scripts/check_meltano_yml.py [meltano.yml ...]
The schema is `meltano/schemas/meltano.schema.json` of Meltano's venv (`make meltano` creates
`.venv-meltano`); set MELTANO_SCHEMA to use another copy. Exits 1 on the first invalid file.

`meltano_kind` gives the Meltano `kind` a tap setting needs so that a value given through
`meltano config set` or an environment variable reaches the tap as one it accepts.
"""

from __future__ import annotations

import copy
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
    """Every schema violation of a parsed meltano.yml, as `path: message`.

    One gap of Meltano's schema is bridged: it has no `capabilities` for loaders, yet Meltano
    reads a loader's `structured-logging` from there (`PluginInvoker.get_log_parser`), and the
    Hub lists loaders' capabilities. Those lists are checked here instead, against the names
    the schema allows an extractor plus the loader-only ones singer-sdk targets report.
    """
    document, found = _loader_capabilities_checked(document)
    validator = jsonschema.Draft202012Validator(schema)
    return found + [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]


LOADER_CAPABILITIES = frozenset(
    {"about", "stream-maps", "schema-flattening", "structured-logging", "validate-records"}
    | {"activate-version", "target-schema", "hard-delete", "batch", "soft-delete", "datatype-failsafe"}
)
"""What a singer-sdk target's `--about` may report (singer_sdk.helpers.capabilities)."""


def _loader_capabilities_checked(document: object) -> tuple[object, list[str]]:
    """The document without loaders' `capabilities`, and what is wrong in them."""
    if not isinstance(document, dict) or not isinstance(document.get("plugins"), dict):
        return document, []
    document = copy.deepcopy(document)
    found = []
    for index, loader in enumerate(document["plugins"].get("loaders") or []):
        if not isinstance(loader, dict) or "capabilities" not in loader:
            continue
        capabilities = loader.pop("capabilities")
        if not isinstance(capabilities, list) or not all(c in LOADER_CAPABILITIES for c in capabilities):
            found.append(
                f"plugins/loaders/{index}/capabilities: {capabilities!r} is not a list of capabilities"
            )
    return document, found


def meltano_kind(spec: dict) -> str:
    """The `kind` under which Meltano 4.4.1 passes a value of this JSON-schema setting intact.

    A `number` is `string`: `kind: integer` cannot hold 0.5 (Meltano fails with a traceback),
    and `kind: decimal` from an environment variable crashes Meltano ("Decimal is not JSON
    serializable"); as text it reaches the tap, which reads numbers given as text.
    """
    kinds = spec.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if "enum" in spec:
        return "options"
    if "string" in kinds and spec.get("format") == "date-time":
        return "date_iso8601"
    for json_kind, kind in (
        ("boolean", "boolean"),
        ("integer", "integer"),
        ("array", "array"),
        ("object", "object"),
    ):
        if json_kind in kinds:
            return kind
    return "string"


def kind_problems(settings: list[dict], properties: dict) -> list[str]:
    """Each declared setting whose `kind` is not the one `meltano_kind` gives for the tap's schema."""
    return [
        f"setting {setting['name']}: kind {setting.get('kind', 'string')!r}, "
        f"needs {meltano_kind(properties[setting['name']])!r}"
        for setting in settings
        if setting["name"] in properties
        and setting.get("kind", "string") != meltano_kind(properties[setting["name"]])
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
