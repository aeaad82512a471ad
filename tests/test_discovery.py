"""Campaign discovery, the `campaigns` parent stream, per-campaign bookmarks, and quota visibility."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from conftest import base_config, bookmarks, expected_keys, key, run_tap, state_with

from tap_wolkvox.errors import QuotaExhaustedError
from wolkvox_emulator import Campaign

START = dt.datetime(2026, 2, 1)
END = dt.datetime(2026, 2, 28, 23, 59, 59)


def operation(emulator):
    emulator.campaigns = [
        Campaign("101", "Cobranza", rows_per_hour=3),
        Campaign("202", "Renovación", rows_per_hour=2),
        Campaign("303", "Encuesta", status="Stopped", rows_per_hour=2),
        Campaign("404", "Preview", type_campaign="preview", rows_per_hour=2),
    ]


def discovering(emulator, **overrides):
    config = base_config(
        emulator, **{"start_date": START.isoformat(), "end_date": END.isoformat(), **overrides}
    )
    del config["campaign_ids"]
    return config


def test_without_campaign_ids_every_predictive_campaign_is_extracted_stopped_ones_included(emulator):
    operation(emulator)
    run = run_tap(discovering(emulator))
    assert Counter(key(r) for r in run.records) == expected_keys(emulator, ["101", "202", "303"], START, END)
    assert set(bookmarks(run.last_state)) == {"101", "202", "303"}
    assert [call.api for call in emulator.calls].count("campaigns") == 1


def test_stopped_campaigns_can_be_left_out(emulator):
    operation(emulator)
    run = run_tap(discovering(emulator, include_stopped_campaigns=False))
    assert Counter(key(r) for r in run.records) == expected_keys(emulator, ["101", "202"], START, END)


def test_the_campaigns_stream_carries_every_documented_field(emulator):
    operation(emulator)
    run = run_tap(discovering(emulator), select=("campaigns", "campaign_3"))
    campaigns = run.records_of("campaigns")
    assert sorted(c["campaign_id"] for c in campaigns) == ["101", "202", "303", "404"]
    documented = {
        "campaign_id", "campaign_name", "campaign_description", "type_campaign", "status", "records",
        "speed", "dial_mode", "last_use", "recycled", "turbo_dial", "skill_id",
    }  # fmt: skip
    assert all(set(c) == documented for c in campaigns)
    schema = next(m for m in run.messages if m["type"] == "SCHEMA" and m["stream"] == "campaigns")
    assert schema["key_properties"] == ["campaign_id"]
    assert Counter(key(r) for r in run.records) == expected_keys(emulator, ["101", "202", "303"], START, END)


def test_explicit_campaign_ids_still_work_and_cost_no_campaign_list_call(emulator):
    operation(emulator)
    config = base_config(
        emulator, campaign_ids=["202", "101"], start_date=START.isoformat(), end_date=END.isoformat()
    )
    run = run_tap(config)  # campaign_3 selected, campaigns not: as meltano.yml selects
    # (A listed campaign of another type, with no rows, costs one list call: test_campaign_calls.py.)
    assert Counter(key(r) for r in run.records) == expected_keys(emulator, ["202", "101"], START, END)
    assert "campaigns" not in [call.api for call in emulator.calls]


def test_a_campaign_added_between_runs_starts_at_start_date_and_a_removed_one_keeps_its_bookmark(emulator):
    operation(emulator)
    first = run_tap(discovering(emulator, end_date="2026-02-14T23:59:59"))
    emulator.campaigns = [c for c in emulator.campaigns if c.campaign_id != "303"]  # 303 disappears
    emulator.campaigns.append(Campaign("505", "Nueva", rows_per_hour=2))  # 505 appears
    second = run_tap(discovering(emulator), state=first.last_state)
    marks = bookmarks(second.last_state)
    assert marks["303"] == bookmarks(first.last_state)["303"] == "2026-02-15T04:59:59+00:00"
    assert marks["505"] == marks["101"] == "2026-03-01T04:59:59+00:00"
    new = [r for r in second.records if r["campaign_id"] == "505"]
    assert Counter(key(r) for r in new) == expected_keys(emulator, ["505"], START, END)
    assert min(r["date_local"] for r in new) < "2026-02-02"


def test_a_state_written_before_discovery_resumes_each_campaign_where_it_was(emulator):
    operation(emulator)

    # What tap-wolkvox wrote with explicit campaign_ids before campaign_3 had a parent stream.
    state = state_with({"101": "2026-02-20T05:00:00+00:00", "202": "2026-02-10T05:00:00+00:00"})
    run = run_tap(discovering(emulator), state=state)
    first_read = {
        c: min(r["date_local"] for r in run.records if r["campaign_id"] == c) for c in ("101", "202", "303")
    }
    assert first_read["101"] >= "2026-02-20 00:00:00"
    assert first_read["202"] >= "2026-02-10 00:00:00"
    assert first_read["303"] < "2026-02-02 00:00:00"  # new to the state: from start_date
    assert set(bookmarks(run.last_state)) == {"101", "202", "303"}


def test_max_calls_per_run_stops_cleanly_with_state_and_the_next_run_continues(emulator, caplog):
    operation(emulator)
    caplog.set_level(logging.INFO)
    config = discovering(emulator, window_days=7, max_calls_per_run=6)
    runs, records = [], []
    state = None
    for _ in range(10):
        run = run_tap(config, state=state)
        runs.append(run)
        records += run.records
        state = run.last_state
        if len(set(bookmarks(state))) == 3 and set(bookmarks(state).values()) == {
            "2026-03-01T04:59:59+00:00"
        }:
            break
    assert len(runs) > 1
    assert {key(r) for r in records} == set(expected_keys(emulator, ["101", "202", "303"], START, END))
    assert "stopped at max_calls_per_run=6" in caplog.text


def test_every_run_ends_with_one_quota_line(emulator, caplog):
    operation(emulator)
    caplog.set_level(logging.INFO)
    run = run_tap(discovering(emulator))
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Wolkvox API usage")]
    assert lines == [f"Wolkvox API usage: {len(emulator.calls)} calls, {len(run.records)} rows emitted, "
                     f"{1000 * len(emulator.calls) / len(run.records):.2f} calls per 1,000 rows"]  # fmt: skip


def test_check_quota_warns_when_todays_use_is_near_the_limit(emulator, caplog):
    operation(emulator)
    caplog.set_level(logging.INFO)
    emulator.quota = 20
    run_tap(discovering(emulator, check_quota=True, end_date="2026-02-03T00:00:00"))
    assert emulator.calls[0].api == "token_info"
    assert "nearly used" not in caplog.text
    emulator.quota = 6  # the first run already used 5 calls of today
    run_tap(
        discovering(emulator, check_quota=True, end_date="2026-02-03T00:00:00"), expect=QuotaExhaustedError
    )
    assert "Daily call quota nearly used: 6 of 6" in caplog.text
