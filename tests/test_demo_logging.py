"""The demo environment's logging files: quiet tap and target logs that still show what matters."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import base_config

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
    assert "Skipping parse of env var settings" in loud
    assert "Wolkvox API usage" in loud
