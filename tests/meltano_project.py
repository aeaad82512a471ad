"""Run this repository's Meltano project against a test emulator, isolated per test."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MELTANO = Path(os.environ.get("MELTANO", ROOT / ".venv-meltano/bin/meltano"))


class MeltanoProject:
    """`meltano` in the repo's project, with its own system database (state) and outputs."""

    def __init__(self, tmp_path: Path, env: dict[str, str], environment: str | None = "demo") -> None:
        if not (MELTANO.exists() and (ROOT / ".meltano/.installed").exists()):
            pytest.fail("Meltano and its plugins are not installed: run `make meltano` (make test does)")
        self.tmp_path = tmp_path
        self.env = {
            **{name: value for name, value in os.environ.items() if name != "MELTANO_ENVIRONMENT"},
            **({"MELTANO_ENVIRONMENT": environment} if environment else {}),
            "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "SNOWFLAKE_DISABLE_PLATFORM_DETECTION": "true",
            "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
            # The demo environment selects every stream the dbt models read; these tests load
            # campaign_3 unless they select otherwise.
            "TAP_WOLKVOX__SELECT": '["campaign_3.*"]',
            **env,
        }

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(MELTANO), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0 or not check, (
            f"meltano {' '.join(args)} failed:\n{result.stderr[-4000:]}"
        )
        return result

    def bookmarks(self, state_id: str) -> dict[str, str]:
        state = json.loads(self("state", "get", state_id).stdout)
        partitions = state["singer_state"]["bookmarks"]["campaign_3"]["partitions"]
        return {p["context"]["campaign_id"]: p["replication_key_value"] for p in partitions}


def plugin_python(kind: str, name: str) -> Path:
    """The Python of a plugin's venv, to use the library it was installed with."""
    return ROOT / ".meltano" / kind / name / "venv" / "bin" / "python"
