"""Meltano itself reads this project as intended: number settings from env vars, and
`meltano config set` rewriting one line of meltano.yml, not the whole file."""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess

import pytest
from conftest import TOKEN
from meltano_project import MELTANO, ROOT, MeltanoProject

NUMBER_ENV = {
    "TAP_WOLKVOX_REQUEST_TIMEOUT": "30",
    "TAP_WOLKVOX_RETRY_WAIT_SECONDS": "1",
    "TAP_WOLKVOX_BUSY_WAIT_SECONDS": "5",
    "TAP_WOLKVOX_MIN_CALL_INTERVAL_SECONDS": "0",
    "TAP_WOLKVOX_WINDOW_DAYS": "7",
    "TAP_WOLKVOX_MAX_CALLS_PER_RUN": "50",
}


def test_number_settings_from_env_vars_reach_the_tap_as_numbers(tmp_path, emulator):
    meltano = MeltanoProject(
        tmp_path, {"TAP_WOLKVOX_API_URL": emulator.url, "TAP_WOLKVOX_TOKEN": TOKEN, **NUMBER_ENV}
    )
    config = json.loads(meltano("invoke", "--dump=config", "tap-wolkvox").stdout)
    for env, text in NUMBER_ENV.items():
        name = env.removeprefix("TAP_WOLKVOX_").lower()
        assert config[name] == int(text), name
        assert type(config[name]) is int, name
    # The crash of issue 13 was here: "Object of type Decimal is not JSON serializable".
    catalog = json.loads(meltano("invoke", "tap-wolkvox", "--discover").stdout)
    assert "campaign_3" in {s["tap_stream_id"] for s in catalog["streams"]}


def test_defaults_are_what_meltano_shows(tmp_path):
    meltano = MeltanoProject(tmp_path, {})
    config = json.loads(meltano("invoke", "--dump=config", "tap-wolkvox").stdout)
    # Not set anywhere in meltano.yml's config: these come from each setting's `value`.
    assert config["request_timeout"] == 90
    assert config["window_days"] == 31
    assert config["timezone"] == "America/Bogota"


@pytest.mark.parametrize(
    "args",
    [
        ("--environment=demo", "config", "set", "tap-wolkvox", "window_days", "7"),
        ("--environment=demo", "config", "set", "tap-wolkvox", "lookback_minutes", "20"),
        ("config", "set", "tap-wolkvox--sales", "lookback_minutes", "20"),
        ("config", "set", "target-postgres", "default_target_schema", "raw"),
        # The base extractor has no `config:` block yet: Meltano adds that key line too.
        ("config", "set", "tap-wolkvox", "lookback_minutes", "20"),
    ],
)
def test_meltano_config_set_changes_one_line_of_meltano_yml(tmp_path, args):
    if not MELTANO.exists():
        pytest.fail("Meltano is not installed: run `make meltano` (make test does)")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "meltano.yml", project / "meltano.yml")
    before = (project / "meltano.yml").read_text(encoding="utf-8").splitlines()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run(
        [str(MELTANO), *args], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    after = (project / "meltano.yml").read_text(encoding="utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    added = [line for line in changed if line.startswith("+") and line.strip() != "+    config:"]
    removed = [line for line in changed if line.startswith("-")]
    assert len(added) == 1, "\n".join(changed)  # the setting's line, and nothing else rewritten
    assert added[0].endswith(f"{args[-2]}: {args[-1]}"), changed
    assert len(removed) <= 1, "\n".join(changed)  # the setting's old value, if it had one
    assert all(line.lstrip("-").split(":")[0] == added[0].lstrip("+").split(":")[0] for line in removed)
