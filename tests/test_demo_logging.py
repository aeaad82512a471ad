"""The demo environment's logging files: quiet tap and target logs that still show what matters."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import TOKEN, base_config
from meltano_project import MeltanoProject, plugin_python
from postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
TAP_LOGGING = ROOT / "scripts/demo-logging.yaml"
TARGET_LOGGING = ROOT / "scripts/demo-target-logging.conf"
PROJECT = yaml.safe_load((ROOT / "meltano.yml").read_text(encoding="utf-8"))


def demo_env() -> dict:
    return next(e for e in PROJECT["environments"] if e["name"] == "demo")["env"]


def run_tap(tmp_path: Path, emulator, env: dict[str, str]) -> str:
    config = base_config(emulator, start_date="2026-02-27T00:00:00", end_date="2026-02-28T00:00:00")
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k != "SINGER_SDK_LOG_CONFIG"}
    result = subprocess.run(
        [sys.executable, "-m", "tap_wolkvox", "--config", str(tmp_path / "config.json")],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stderr


def test_the_demo_environment_uses_the_two_files_from_any_folder():
    root = "${MELTANO_PROJECT_ROOT}/"
    assert demo_env()["SINGER_SDK_LOG_CONFIG"] == root + str(TAP_LOGGING.relative_to(ROOT))
    assert demo_env()["LOGGING_CONF_FILE"] == root + str(TARGET_LOGGING.relative_to(ROOT))


def test_the_tap_logging_format_is_the_one_meltano_parses():
    """With the `structured-logging` capability Meltano expects the SDK's JSON lines, else plain ones."""
    tap = next(p for p in PROJECT["plugins"]["extractors"] if p["name"] == "tap-wolkvox")
    formatter = yaml.safe_load(TAP_LOGGING.read_text(encoding="utf-8"))["formatters"]["singer_formatter"]
    if "structured-logging" in tap.get("capabilities", []):
        assert formatter == {"()": "singer_sdk.logging.StructuredFormatter"}
    else:
        assert formatter == {"format": "%(message)s"}


def test_with_the_demo_file_the_tap_logs_no_metrics_nor_setup_lines_but_its_usage_line(tmp_path, emulator):
    quiet = run_tap(tmp_path, emulator, {"SINGER_SDK_LOG_CONFIG": str(TAP_LOGGING)})
    assert "METRIC" not in quiet
    assert "Skipping parse of env var settings" not in quiet
    assert "as child stream" not in quiet
    assert re.search(r"Wolkvox API usage: \d+ calls, \d+ rows emitted", quiet)
    assert "Beginning sync of 'campaign_3'" in quiet


def test_without_it_the_same_run_shows_those_lines(tmp_path, emulator):
    """The control: the lines the demo file hides are there without it."""
    loud = run_tap(tmp_path, emulator, {})
    assert "METRIC" in loud
    assert "as child stream" in loud
    assert "Wolkvox API usage" in loud


def test_check_prints_its_answer_under_the_demo_logging_file(tmp_path, emulator):
    config = base_config(emulator)
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tap_wolkvox", "--config", str(tmp_path / "config.json"), "--check"],
        env={**os.environ, "SINGER_SDK_LOG_CONFIG": str(TAP_LOGGING)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.startswith(f"Token accepted by {emulator.url}: the operation has ")


def test_meltano_invoke_check_in_the_demo_environment_prints_the_answer(tmp_path, emulator):
    meltano = MeltanoProject(tmp_path, {"TAP_WOLKVOX_API_URL": emulator.url, "TAP_WOLKVOX_TOKEN": TOKEN})
    result = meltano("--environment=demo", "invoke", "tap-wolkvox", "--check")
    assert f"Token accepted by {emulator.url}" in result.stdout


def sdk_about(loader: str) -> dict | None:
    """A loader's `--about` from its own venv, if it is a singer-sdk plugin; else None."""
    python = plugin_python("loaders", loader)
    probe = "import importlib.util as u; print(bool(u.find_spec('singer_sdk')))"
    if (
        subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
        != "True"
    ):
        return None
    executable = python.parent / loader
    out = subprocess.run([executable, "--about", "--format=json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_each_sdk_loader_declares_the_capabilities_it_has_so_meltano_reads_its_json_log_lines():
    """The demo's SINGER_SDK_LOG_CONFIG gives every SDK plugin the JSON formatter; Meltano parses
    those lines only for plugins that declare `structured-logging`."""
    sdk_loaders = 0
    for loader in PROJECT["plugins"]["loaders"]:
        about = sdk_about(loader["name"])
        if about is None:
            assert "structured-logging" not in loader.get("capabilities", []), loader["name"]
            continue
        sdk_loaders += 1
        assert "structured-logging" in about["capabilities"], loader["name"]
        assert sorted(loader.get("capabilities", [])) == sorted(about["capabilities"]), loader["name"]
    assert sdk_loaders >= 2  # target-postgres and target-snowflake


def test_in_the_demo_environment_meltano_shows_target_postgres_lines_as_log_lines_not_json(
    tmp_path, emulator
):
    server = PostgresServer()
    try:
        meltano = MeltanoProject(
            tmp_path,
            {
                "TAP_WOLKVOX_API_URL": emulator.url,
                "TAP_WOLKVOX_TOKEN": TOKEN,
                "TAP_WOLKVOX_START_DATE": "2026-02-27T00:00:00",
                "TAP_WOLKVOX_END_DATE": "2026-02-28T00:00:00",
                "TARGET_POSTGRES_HOST": "127.0.0.1",
                "TARGET_POSTGRES_PORT": str(server.port),
                "TARGET_POSTGRES_USER": "postgres",
                "TARGET_POSTGRES_PASSWORD": "unused-trust-auth",
                "TARGET_POSTGRES_DATABASE": "postgres",
            },
        )
        result = meltano("--environment=demo", "run", "tap-wolkvox", "target-postgres")
    finally:
        server.stop()
    # Meltano's line: `TIME [level] PLUGIN MESSAGE`; unparsed, MESSAGE is the target's JSON.
    target_lines = [line for line in result.stderr.splitlines() if re.search(r"\]\s+target-postgres\s", line)]
    assert target_lines, result.stderr[-3000:]
    raw_json = [line for line in target_lines if re.search(r"target-postgres\s+\{", line)]
    assert raw_json == [], raw_json[:3]
    print("\n".join(target_lines[:5]))
