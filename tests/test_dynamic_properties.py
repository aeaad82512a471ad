"""Fields beyond the documented ones (opt13, ...) reach the target, announced by SCHEMA."""

from __future__ import annotations

import json

from conftest import base_config, run_tap

from tap_wolkvox.tap import TapWolkvox
from wolkvox_emulator import Campaign


def first_record_index_with(run, field):
    return next(
        i
        for i, m in enumerate(run.messages)
        if m["type"] == "RECORD" and m["stream"] == "campaign_3" and field in m["record"]
    )


def last_schema_before(run, index):
    return [m for m in run.messages[:index] if m["type"] == "SCHEMA" and m["stream"] == "campaign_3"][-1]


def test_opt13_and_opt14_come_with_a_schema_that_has_them(emulator):
    emulator.campaigns = [
        Campaign("101", "Uno", rows_per_hour=2),
        Campaign("202", "Dos", rows_per_hour=2, extra_opts=2),
    ]
    run = run_tap(base_config(emulator, campaign_ids=["101", "202"], start_date="2026-02-01"))
    index = first_record_index_with(run, "opt13")
    schema = last_schema_before(run, index)["schema"]["properties"]
    assert schema["opt13"] == {"type": ["string", "null"]}
    assert schema["opt14"] == {"type": ["string", "null"]}
    with_opts = [r for r in run.records if r["campaign_id"] == "202"]
    assert with_opts and all("opt13" in r and "opt14" in r for r in with_opts)
    assert any(r["opt13"] for r in with_opts)
    # The first SCHEMA, sent before any data, has only the documented fields.
    assert "opt13" not in run.messages[0]["schema"]["properties"]


def test_new_opts_survive_an_input_catalog_that_does_not_list_them(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2, extra_opts=1)]
    config = base_config(emulator, campaign_ids=["101"], start_date="2026-02-20")
    catalog = json.loads(TapWolkvox(config=config, parse_env_config=False).catalog_json_text)
    for entry in catalog["streams"]:
        for md in entry["metadata"]:
            if md["breadcrumb"] == []:
                md["metadata"]["selected"] = True
    run = run_tap(config, catalog=catalog)
    assert run.records and all("opt13" in r for r in run.records)
    index = first_record_index_with(run, "opt13")
    assert "opt13" in last_schema_before(run, index)["schema"]["properties"]


def test_every_record_is_announced_when_a_new_field_first_appears_mid_answer(emulator):
    """In `all` mode one answer mixes both campaigns: rows with opt13 follow rows without it."""
    emulator.campaigns = [
        Campaign("101", "Uno", rows_per_hour=6),
        Campaign("202", "Dos", rows_per_hour=2, extra_opts=1),
    ]
    config = base_config(emulator, campaign_ids=["101", "202"], campaign_calls="all", start_date="2026-02-20")
    run = run_tap(config)
    first = first_record_index_with(run, "opt13")
    assert any(m["type"] == "RECORD" for m in run.messages[:first])  # it is mid-answer
    properties: set[str] = set()
    for message in run.messages:
        if message["type"] == "SCHEMA" and message["stream"] == "campaign_3":
            properties = set(message["schema"]["properties"])
        elif message["type"] == "RECORD" and message["stream"] == "campaign_3":
            assert set(message["record"]) <= properties
