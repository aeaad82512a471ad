"""campaign_3 end to end against the emulator: every row once, sorted, in UTC, with STATE."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from conftest import base_config, bookmarks, expected_keys, key, run_tap, state_with

from wolkvox_emulator import Campaign

START = dt.datetime(2025, 11, 21)
END = dt.datetime(2026, 2, 28, 23, 59, 59)


def test_100_days_of_three_campaigns_arrive_once_each_with_one_bookmark_per_campaign(emulator):
    run = run_tap(base_config(emulator))
    got = Counter(key(r) for r in run.records)
    assert got == expected_keys(emulator, ["101", "202", "303"])
    assert max(got.values()) == 1
    assert len(got) > 50_000
    assert bookmarks(run.last_state) == dict.fromkeys(["101", "202", "303"], "2026-03-01T04:59:59+00:00")
    # 100 days in windows of 31: four calls per campaign, and no other.
    assert len(emulator.calls_to("campaign_3")) == 12


def test_dates_are_rfc3339_utc_and_the_local_text_is_kept(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2)]
    run = run_tap(base_config(emulator, campaign_ids=["101"]))
    assert run.records
    for record in run.records:
        local = dt.datetime.strptime(record["date_local"], "%Y-%m-%d %H:%M:%S")
        assert record["date"] == (local + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert any("ñ" in r["customer_last_name"] or "á" in r["customer_last_name"] for r in run.records)


def test_rows_come_out_sorted_by_date_although_the_api_does_not_sort_them(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=6)]
    api_order = [row["date"] for row in emulator.rows("101", START, END)]
    assert api_order != sorted(api_order)
    run = run_tap(base_config(emulator, campaign_ids=["101"]))
    dates = [r["date"] for r in run.records]
    assert dates == sorted(dates)


def test_a_state_message_follows_every_window(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2)]
    run = run_tap(base_config(emulator, campaign_ids=["101"], window_days=7))
    window_ends = [bookmarks(state).get("101") for state in run.states if state.get("bookmarks")]
    # 100 days in 7-day windows: 15 windows, each closed by a STATE with its end.
    assert len(set(window_ends) - {None}) == 15
    messages = [m["type"] for m in run.messages]
    assert messages[-1] == "STATE"


def test_second_run_reads_from_bookmark_minus_lookback_and_loses_nothing(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=10), Campaign("202", "Dos", rows_per_hour=3)]
    first = run_tap(base_config(emulator, campaign_ids=["101", "202"], end_date="2026-02-10T10:00:00"))
    state = first.last_state
    second = run_tap(base_config(emulator, campaign_ids=["101", "202"], lookback_minutes=30), state=state)
    floor = (
        dt.datetime(2026, 2, 10, 10) + dt.timedelta(hours=5) - dt.timedelta(minutes=30)
    ).isoformat() + "+00:00"
    assert second.records
    assert all(r["date"] >= floor for r in second.records)
    union = {key(r) for r in first.records + second.records}
    assert union == set(expected_keys(emulator, ["101", "202"]))
    # Only the lookback's 30 minutes are read twice.
    overlap = {key(r) for r in first.records} & {key(r) for r in second.records}
    assert all(k[3] >= "2026-02-10 09:30:00" for k in overlap)


def test_start_date_later_than_the_bookmark_wins(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2)]
    state = state_with({"101": "2025-12-01T00:00:00+00:00"})
    run = run_tap(base_config(emulator, campaign_ids=["101"], start_date="2026-02-01"), state=state)
    assert run.records
    assert min(r["date_local"] for r in run.records) >= "2026-02-01 00:00:00"


def test_unparseable_dates_are_emitted_with_null_date_and_their_raw_text(emulator, caplog):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=8, bad_date_every=5)]
    run = run_tap(base_config(emulator, campaign_ids=["101"], start_date="2026-02-20"))
    bad = [r for r in run.records if r["date"] is None]
    assert bad and all(
        r["date_local"] in {"(none)", "0000-00-00 00:00:00", "2026-13-45 99:99:99"} for r in bad
    )
    assert len(run.records) == len(emulator.rows("101", dt.datetime(2026, 2, 20), END))
    assert "have a date-time that cannot be parsed" in caplog.text
