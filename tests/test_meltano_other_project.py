"""Another team's Meltano project, as its user sets it up: `meltano init`, the extractor added from
this repository's tap-wolkvox.yml (its pip_url pointed at the wheel just built from this checkout),
target-jsonl added inline (Meltano Hub is not reachable here), the three settings a real operation
needs, then `meltano run tap-wolkvox target-jsonl` against the emulator: every row arrives once."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from built_dist import build_wheel
from conftest import TOKEN
from meltano_project import MELTANO, ROOT

from wolkvox_emulator import Campaign

START = dt.datetime(2026, 2, 1)
END = dt.datetime(2026, 2, 28, 23, 59, 59)
CAMPAIGNS = ["101", "202"]


class UserProject:
    """`meltano` in a new project folder, with nothing from this repository but what a user copies."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("MELTANO_", "TAP_WOLKVOX_")) and k != "PYTHONPATH"
            },
            "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def __call__(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(MELTANO), *args],
            cwd=cwd or self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, f"meltano {' '.join(args)} failed:\n{result.stderr[-4000:]}"
        return result


def install_loader(meltano: UserProject) -> None:
    """target-jsonl's venv: this repository's (make meltano installed it, same pip_url) when there is one,
    else a fresh install. The extractor is always installed afresh, from the wheel."""
    ours = ROOT / ".meltano/loaders/target-jsonl/venv"
    if (ours / "bin/target-jsonl").exists():
        theirs = meltano.folder / ".meltano/loaders/target-jsonl/venv"
        theirs.parent.mkdir(parents=True)
        theirs.symlink_to(ours)
    else:
        meltano("install", "--plugin-type", "loader", "target-jsonl")


def test_a_new_project_adds_the_tap_from_its_definition_and_loads_every_row(tmp_path, emulator):
    if not MELTANO.exists():
        pytest.fail("Meltano is not installed: run `make meltano` (make test does)")
    emulator.campaigns = [
        Campaign(c, f"C{c}", rows_per_hour=r) for c, r in zip(CAMPAIGNS, (6, 3), strict=True)
    ]
    wheel = build_wheel(tmp_path / "dist")
    meltano = UserProject(tmp_path / "their-project")
    meltano("init", "their-project", "--no_usage_stats", cwd=tmp_path)

    # The definition as published, pointed at this checkout's wheel (and the lock's versions).
    definition = yaml.safe_load((ROOT / "tap-wolkvox.yml").read_text(encoding="utf-8"))
    definition["pip_url"] = f"{wheel} -c {ROOT / 'requirements/lock.txt'}"
    (tmp_path / "tap-wolkvox.yml").write_text(yaml.safe_dump(definition), encoding="utf-8")
    meltano(
        "add", "--plugin-type", "extractor", "tap-wolkvox", "--from-ref", str(tmp_path / "tap-wolkvox.yml")
    )
    loader = {
        "name": "target-jsonl",
        "namespace": "target_jsonl",
        "variant": "andyh1203",
        "pip_url": "target-jsonl==0.1.4",
        "executable": "target-jsonl",
        "settings": [{"name": "destination_path", "kind": "string"}],
    }
    loader_file = tmp_path / "target-jsonl.yml"
    loader_file.write_text(yaml.safe_dump(loader), encoding="utf-8")
    meltano("add", "--no-install", "--plugin-type", "loader", "target-jsonl", "--from-ref", str(loader_file))
    install_loader(meltano)

    # The three settings of a real operation (api_url stands for `server` here), as the README
    # sets them; the test's bounds through env vars, as a scheduler would.
    meltano("config", "set", "tap-wolkvox", "api_url", emulator.url)
    meltano("config", "set", "tap-wolkvox", "token", TOKEN)
    meltano("config", "set", "tap-wolkvox", "start_date", START.isoformat())
    meltano("select", "tap-wolkvox", "campaign_3", "*")
    assert TOKEN in (meltano.folder / ".env").read_text(encoding="utf-8")  # not in meltano.yml
    assert TOKEN not in (meltano.folder / "meltano.yml").read_text(encoding="utf-8")
    meltano.env |= {
        "TAP_WOLKVOX_END_DATE": END.isoformat(),
        "TAP_WOLKVOX_CAMPAIGN_IDS": json.dumps(CAMPAIGNS),
        "TARGET_JSONL_DESTINATION_PATH": "output",
    }

    run = meltano("run", "tap-wolkvox", "target-jsonl")
    assert TOKEN not in run.stdout + run.stderr

    (output,) = (meltano.folder / "output").glob("campaign_3*.jsonl")  # target-jsonl stamps the name
    lines = output.read_text(encoding="utf-8").splitlines()
    loaded = sorted((r["campaign_id"], r["conn_id"]) for r in map(json.loads, lines))
    expected = sorted(
        (r["campaign_id"], r["conn_id"]) for c in CAMPAIGNS for r in emulator.rows(c, START, END)
    )
    assert len(loaded) == len(expected) > 1000
    assert loaded == expected
