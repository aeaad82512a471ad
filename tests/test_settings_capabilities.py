"""Every capability the tap declares is usable from a documented setting, and the SDK's own
settings are taken as known: no "Unknown setting" warning for what is applied."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys

import singer_sdk.plugin_base
from conftest import TOKEN, base_config, run_cli, run_tap

from tap_wolkvox.tap import SDK_SKIPPED_ENV_LINE, TapWolkvox

SDK_SETTINGS = {
    "stream_maps": {"campaign_3": {"conn_id_again": "conn_id"}},
    "stream_map_config": {"prefix": "x"},
    "faker_config": {"locale": "es_CO"},
    "flattening_enabled": False,
    "flattening_max_depth": 1,
    "flattening_max_key_length": 64,
    "flattening_separator": "__",
    "batch_config": None,
    "emit_activate_version_messages": False,
}


def about() -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tap_wolkvox", "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def test_the_sdks_settings_are_not_called_unknown_and_a_real_typo_still_is(tmp_path, emulator):
    config = {**base_config(emulator), **{k: v for k, v in SDK_SETTINGS.items() if v is not None}}
    result = run_cli(tmp_path, {**config, "lookback_minute": 5}, "--check")
    assert result.returncode == 0, result.stderr
    unknown = [line for line in result.stderr.splitlines() if "Unknown setting" in line]
    assert len(unknown) == 1, unknown
    assert "`lookback_minute`" in unknown[0] and "`lookback_minutes`" in unknown[0]


def test_every_declared_capability_has_its_settings_in_about():
    described = about()
    properties = described["settings"]["properties"]
    by_capability = {
        "stream-maps": ["stream_maps", "stream_map_config", "faker_config"],
        "schema-flattening": ["flattening_enabled", "flattening_max_depth"],
        "batch": ["batch_config"],
        "activate-version": ["emit_activate_version_messages"],
    }
    for capability, names in by_capability.items():
        assert capability in described["capabilities"]
        for name in names:
            assert properties[name]["description"], (capability, name)


def test_emit_activate_version_messages_turns_them_on_for_the_full_table_lists(emulator):
    off = run_tap(base_config(emulator), select=["agents"])
    on = run_tap(base_config(emulator, emit_activate_version_messages=True), select=["agents"])
    assert "ACTIVATE_VERSION" not in {m["type"] for m in off.messages}
    versions = [m for m in on.messages if m["type"] == "ACTIVATE_VERSION"]
    assert [m["stream"] for m in versions] == ["agents"]
    assert len(on.records_of("agents")) == len(off.records_of("agents")) > 0
    # The records carry the version the message activates, so a target can drop older ones.
    assert {m.get("version") for m in on.messages if m["type"] == "RECORD"} == {versions[0]["version"]}


def test_sdk_settings_from_env_vars_are_read_and_typed(tmp_path, emulator, monkeypatch):
    monkeypatch.setenv("TAP_WOLKVOX_TOKEN", TOKEN)
    monkeypatch.setenv("TAP_WOLKVOX_API_URL", emulator.url)
    monkeypatch.setenv("TAP_WOLKVOX_START_DATE", "2026-02-01")
    monkeypatch.setenv("TAP_WOLKVOX_FLATTENING_ENABLED", "true")
    monkeypatch.setenv("TAP_WOLKVOX_FLATTENING_MAX_DEPTH", "2")
    monkeypatch.setenv("TAP_WOLKVOX_EMIT_ACTIVATE_VERSION_MESSAGES", "yes")
    tap = TapWolkvox(config=None, parse_env_config=True)
    assert tap.config["flattening_enabled"] is True
    assert tap.config["flattening_max_depth"] == 2
    assert tap.config["emit_activate_version_messages"] is True


def test_no_line_says_env_vars_were_skipped_and_the_ones_read_are_named(tmp_path, emulator):
    env = {
        "TAP_WOLKVOX_TOKEN": TOKEN,
        "TAP_WOLKVOX_API_URL": emulator.url,
        "TAP_WOLKVOX_START_DATE": "2026-02-01",
    }
    from_env = subprocess.run(
        [sys.executable, "-m", "tap_wolkvox", "--config", "ENV", "--discover"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )
    from_file = run_cli(tmp_path, base_config(emulator), "--discover")
    for result in (from_env, from_file):
        assert result.returncode == 0, result.stderr
        # Not the SDK's "Skipping parse of env var settings...", which it says even when they were read.
        assert "env var" not in result.stderr.lower(), result.stderr
    named = [line for line in from_env.stderr.splitlines() if "Settings from environment variables" in line]
    assert len(named) == 1, from_env.stderr
    assert "TAP_WOLKVOX_API_URL" in named[0] and "TAP_WOLKVOX_TOKEN" in named[0]
    assert TOKEN not in from_env.stderr


def test_the_sdk_line_dropped_is_still_the_one_the_sdk_logs():
    # tap.py drops this exact line (the SDK says it when told not to parse env vars, which the
    # tap does itself); an SDK upgrade that rewords it would bring a misleading line back.
    assert f'"{SDK_SKIPPED_ENV_LINE}"' in inspect.getsource(singer_sdk.plugin_base)


def test_a_stream_map_that_cannot_apply_is_one_message_not_a_traceback(tmp_path, emulator):
    config = base_config(emulator, stream_maps={"campaign_3": {"__else__": None, "x": "conn_id"}})
    result = run_cli(tmp_path, config, "--check")
    assert result.returncode == 1
    assert "`stream_maps` cannot be applied" in result.stderr and "campaign_3" in result.stderr
    assert "Traceback" not in result.stderr
    assert emulator.calls == []
