"""Kill the tap mid-run, rerun from the last STATE it wrote, and lose nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys

from conftest import base_config, catalog_selecting, expected_keys, key

from wolkvox_emulator import Campaign


def run_cli(
    tmp_path,
    config: dict,
    state: dict | None,
    kill_after_states: int | None,
    kill_after_records: int | None = None,
) -> list[dict]:
    """Run `python -m tap_wolkvox`; SIGKILL it once it has written that many STATE (or RECORD) messages."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps(catalog_selecting(config, ["campaign_3"])))
    args = [sys.executable, "-m", "tap_wolkvox", "--config", str(config_file), "--catalog", str(catalog_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "LOGLEVEL": "WARNING"}
    )
    messages, states, records = [], 0, 0
    assert proc.stdout is not None
    for line in proc.stdout:
        if not line.endswith(b"\n"):
            break  # a line cut by the kill
        message = json.loads(line)
        messages.append(message)
        states += message["type"] == "STATE"
        records += message["type"] == "RECORD"
        if (kill_after_states is not None and states >= kill_after_states) or (
            kill_after_records is not None and records >= kill_after_records
        ):
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    return messages


def test_a_killed_run_resumes_from_its_last_state_with_nothing_lost(tmp_path, emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=8), Campaign("202", "Dos", rows_per_hour=4)]
    config = base_config(emulator, campaign_ids=["101", "202"], window_days=10)
    first = run_cli(tmp_path, config, None, kill_after_states=5)
    last_state = [m["value"] for m in first if m["type"] == "STATE"][-1]
    assert last_state["bookmarks"]["campaign_3"]["partitions"], "killed before any window completed"

    second = run_cli(tmp_path, config, last_state, kill_after_states=None)
    assert [m["type"] for m in second][-1] == "STATE"
    records = [m["record"] for m in first + second if m["type"] == "RECORD" and m["stream"] == "campaign_3"]
    expected = set(expected_keys(emulator, ("101", "202")))
    assert {key(r) for r in records} == expected
    # The rerun did not start over: it re-read at most the window's bookmark second.
    assert len(records) - len(expected) <= 4


def test_killed_at_a_random_record_and_resumed_loses_nothing(tmp_path, emulator):
    seed = int(os.environ.get("RESUME_SEED", random.SystemRandom().randrange(10**6)))
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=8), Campaign("202", "Dos", rows_per_hour=4)]
    config = base_config(emulator, campaign_ids=["101", "202"], window_days=10)
    expected = set(expected_keys(emulator, ("101", "202")))
    kill_at = random.Random(seed).randrange(1, len(expected))
    first = run_cli(tmp_path, config, None, kill_after_states=None, kill_after_records=kill_at)
    states = [m["value"] for m in first if m["type"] == "STATE"]
    second = run_cli(tmp_path, config, states[-1] if states else None, kill_after_states=None)
    records = [m["record"] for m in first + second if m["type"] == "RECORD" and m["stream"] == "campaign_3"]
    assert {key(r) for r in records} == expected, (
        f"lost rows killing at record {kill_at} (RESUME_SEED={seed})"
    )
