"""BATCH messages (`batch_config`): no STATE ever covers rows that no BATCH has delivered yet."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import base_config, key, run_tap

from wolkvox_emulator import Campaign


def batch_config(root: Path, batch_size: int) -> dict:
    return {
        "batch_config": {
            "encoding": {"format": "jsonl", "compression": "gzip"},
            "storage": {"root": root.as_uri(), "prefix": "wolkvox-"},
            "batch_size": batch_size,
        }
    }


def batch_rows(message: dict) -> list[dict]:
    rows = []
    for manifest in message["manifest"]:
        with gzip.open(Path(urlsplit(manifest).path), "rt", encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    return rows


def window_ends_delivered(messages: list[dict]) -> None:
    """Replay the output: each STATE's bookmarks may cover only rows some earlier BATCH held."""
    delivered: list[dict] = []
    for message in messages:
        if message["type"] == "BATCH":
            delivered += batch_rows(message)
        elif message["type"] == "STATE":
            partitions = message["value"]["bookmarks"].get("campaign_3", {}).get("partitions", [])
            for partition in partitions:
                mark = partition.get("replication_key_value")
                campaign = partition["context"]["campaign_id"]
                if mark is None:
                    continue
                covered = [r for r in ALL_ROWS[campaign] if r["date"] <= mark]
                got = {key(r) for r in delivered if r["campaign_id"] == campaign}
                missing = [r for r in covered if key(r) not in got]
                assert not missing, f"STATE covers {len(missing)} rows of {campaign} not yet in a BATCH"


ALL_ROWS: dict[str, list[dict]] = {}


@pytest.mark.parametrize("batch_size", [7, 100_000])
def test_each_state_follows_the_batch_holding_its_rows(tmp_path, emulator, batch_size):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=3), Campaign("202", "Dos", rows_per_hour=2)]
    config = base_config(emulator, campaign_ids=["101", "202"], **batch_config(tmp_path, batch_size))
    run = run_tap(config)
    assert not [m for m in run.messages if m["type"] == "RECORD"]  # rows go in BATCH files
    batches = [m for m in run.messages if m["type"] == "BATCH"]
    assert batches and all(m["stream"] == "campaign_3" for m in batches)
    rows = [row for message in batches for row in batch_rows(message)]
    # Every row once, as the RECORD path emits them.
    plain = run_tap(base_config(emulator, campaign_ids=["101", "202"]))
    assert sorted(map(key, rows)) == sorted(map(key, plain.records))
    ALL_ROWS.clear()
    for row in plain.records:
        ALL_ROWS.setdefault(row["campaign_id"], []).append(row)
    window_ends_delivered(run.messages)
    if batch_size < 10:  # many BATCHes: bookmarks move after them, not only at the end
        # (the SDK writes STATE after each BATCH, the tap none of its own while batching)
        marks = {json.dumps(m["value"]) for m in run.messages if m["type"] == "STATE"}
        assert len(marks) >= 8  # a bookmark per window at least: 4 windows of 2 campaigns
    assert run.messages[-1]["type"] == "STATE"  # and the bookmarks are where the RECORD path ends
    assert run.messages[-1]["value"] == plain.messages[-1]["value"]
