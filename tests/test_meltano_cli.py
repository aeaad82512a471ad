"""Meltano itself reads this project as intended: a value of every setting through `meltano
config set` and through its env var reaches the tap as meant, and `meltano config set`
rewrites one line of meltano.yml, not the whole file."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
import yaml
from conftest import TOKEN
from meltano_project import MELTANO, ROOT, MeltanoProject

from tap_wolkvox.settings import normalize_config, parse_settings
from tap_wolkvox.tap import TapWolkvox

sys.path.insert(0, str(ROOT / "scripts"))
import check_meltano_yml

# One value of every setting through `meltano config set`, another through its environment
# variable: (text given to Meltano, what the tap reads). Numbers of seconds as fractions, the
# array env var comma-separated, booleans as words: the forms the issue found broken.
VALUES: dict[str, tuple[tuple[str, t.Any], tuple[str, t.Any]]] = {
    "token": ((TOKEN, TOKEN), (TOKEN, TOKEN)),
    "server": (("0004", "0004"), ("0005", "0005")),
    "api_url": (("", ""),) * 2,  # the test's emulator
    "campaign_ids": (('["101", "202"]', ["101", "202"]), ("101,202", ["101", "202"])),
    "campaign_calls": (("each", "each"), ("all", "all")),
    "include_stopped_campaigns": (("false", False), ("true", True)),
    "start_date": (("2026-02-01", "2026-02-01"), ("2026-02-02T00:00:00", "2026-02-02T00:00:00")),
    "end_date": (("2026-02-28", "2026-02-28"), ("2026-02-27", "2026-02-27")),
    "timezone": (("America/Lima", "America/Lima"), ("America/Bogota", "America/Bogota")),
    "window_days": (("7", 7), ("5", 5)),
    "lookback_minutes": (("20", 20), ("10", 10)),
    "request_timeout": (("30.5", 30.5), ("20.5", 20.5)),
    "max_retries": (("1", 1), ("2", 2)),
    "retry_wait_seconds": (("0.5", 0.5), ("1.5", 1.5)),
    "busy_retries": (("1", 1), ("2", 2)),
    "busy_wait_seconds": (("1.5", 1.5), ("2.5", 2.5)),
    "max_calls_per_run": (("50", 50), ("60", 60)),
    "check_quota": (("true", True), ("true", True)),
    "min_call_interval_seconds": (("0.5", 0.5), ("0.25", 0.25)),
    "emit_activate_version_messages": (("true", True), ("true", True)),
    "stream_maps": (('{"campaign_3": {"x": "conn_id"}}', {"campaign_3": {"x": "conn_id"}}),) * 2,
    "stream_map_config": (('{"who": "ops"}', {"who": "ops"}),) * 2,
    "faker_config": (('{"locale": "es_CO"}', {"locale": "es_CO"}),) * 2,
    "flattening_enabled": (("false", False), ("false", False)),
    "flattening_max_depth": (("2", 2), ("3", 3)),
    "flattening_max_key_length": (("100", 100), ("90", 90)),
    "flattening_separator": (("__", "__"), ("_", "_")),
    "batch_config": (("", ""),) * 2,  # a folder of the test's own
}


def settings_schema() -> dict:
    return TapWolkvox.settings_schema()


def project_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of meltano.yml using this checkout's installed plugins, and a clean environment."""
    if not (MELTANO.exists() and (ROOT / ".meltano/.installed").exists()):
        pytest.fail("Meltano and its plugins are not installed: run `make meltano` (make test does)")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "meltano.yml", project / "meltano.yml")
    (project / ".meltano").symlink_to(ROOT / ".meltano")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
    }
    return project, env


def run_meltano(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(MELTANO), *args], cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"meltano {' '.join(args[:4])} failed:\n{result.stderr[-3000:]}"
    return result


def test_every_setting_table_row_has_the_kind_derived_from_the_taps_schema():
    properties = settings_schema()["properties"]
    assert set(VALUES) == set(properties)  # a new setting needs a row here
    declared = {
        s["name"]: s
        for s in yaml.safe_load((ROOT / "meltano.yml").read_text())["plugins"]["extractors"][0]["settings"]
    }
    for name, spec in properties.items():
        assert declared[name].get("kind", "string") == check_meltano_yml.meltano_kind(spec), name


@pytest.mark.parametrize("way", ["config set", "env var"])
def test_a_value_of_every_setting_reaches_the_tap_through_meltano_and_is_accepted(tmp_path, emulator, way):
    project, env = project_copy(tmp_path)
    batch = json.dumps({"encoding": {"format": "jsonl"}, "storage": {"root": f"file://{tmp_path}"}})
    given = {}
    for name, pair in VALUES.items():
        text, meant = pair[way == "env var"]
        if name == "api_url":
            text = meant = emulator.url
        elif name == "batch_config":
            text, meant = batch, json.loads(batch)
        given[name] = meant
        if way == "config set":
            run_meltano(project, env, "config", "set", "tap-wolkvox", name, text)
        else:
            env[f"TAP_WOLKVOX_{name.upper()}"] = text

    dumped = json.loads(run_meltano(project, env, "invoke", "--dump=config", "tap-wolkvox").stdout)
    read = normalize_config(dumped, settings_schema())
    assert {name: read.get(name) for name in VALUES} == given
    assert parse_settings(dumped).campaign_ids == ("101", "202")

    # The tap itself, as Meltano runs it, accepts every value: --check validates all, then one call.
    check = run_meltano(project, env, "invoke", "tap-wolkvox", "--check")
    assert "Token accepted" in check.stdout + check.stderr
    assert "Unknown setting" not in check.stderr
    assert [call.api for call in emulator.calls] == ["campaigns"]


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
