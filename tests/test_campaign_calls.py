"""`campaign_calls`: one call for all campaigns (`all`) or one per campaign (`each`); no loss on a switch."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest
from conftest import base_config, expected_keys, key, run_tap

from tap_wolkvox.streams import Campaign3Stream
from wolkvox_emulator import Campaign

START = dt.datetime(2026, 1, 1)
MIDDLE = dt.datetime(2026, 1, 20, 12)
END = dt.datetime(2026, 2, 10)


def twelve_campaigns(emulator) -> list[str]:
    emulator.campaigns = [Campaign(str(100 + n), f"C{n}", rows_per_hour=2) for n in range(12)]
    return [c.campaign_id for c in emulator.campaigns]


def config(emulator, mode: str, end: dt.datetime = END, **overrides) -> dict:
    settings = base_config(
        emulator, campaign_calls=mode, start_date=START.isoformat(), end_date=end.isoformat(), **overrides
    )
    if settings.get("campaign_ids") is None:
        del settings["campaign_ids"]
    return settings


def partitions_of(state: dict) -> dict[str, dict]:
    return {p["context"]["campaign_id"]: p for p in state["bookmarks"]["campaign_3"]["partitions"]}


def test_all_mode_reads_every_campaign_with_one_call_per_window_and_no_campaign_list(emulator):
    ids = twelve_campaigns(emulator)
    run = run_tap(config(emulator, "all", campaign_ids=None))
    assert Counter(key(r) for r in run.records) == expected_keys(emulator, ids, START, END)
    calls = emulator.calls
    assert [c.api for c in calls] == ["campaign_3"] * len(calls) and len(calls) == 2  # 41 days
    assert all(c.params["campaign_id"] == "all" for c in calls)
    assert partitions_of(run.last_state)["all"]["covers"] == "all"
    emulator.advance(dt.timedelta(minutes=5))
    incremental = run_tap(
        config(emulator, "all", end=END + dt.timedelta(minutes=5), campaign_ids=None), state=run.last_state
    )
    assert len(emulator.calls) == 3  # an incremental run is one call, whatever the number of campaigns
    assert incremental.records is not None


def test_all_mode_with_campaign_ids_emits_only_those_campaigns(emulator, caplog):
    caplog.set_level(logging.INFO)
    twelve_campaigns(emulator)
    run = run_tap(config(emulator, "all", campaign_ids=["101", "105"]))
    assert Counter(key(r) for r in run.records) == expected_keys(emulator, ["101", "105"], START, END)
    assert len(emulator.calls) == 2
    assert "of campaigns not in campaign_ids skipped" in caplog.text
    assert partitions_of(run.last_state)["all"]["covers"] == ["101", "105"]


def test_all_mode_splits_a_combined_answer_that_was_cut(emulator, monkeypatch):
    ids = twelve_campaigns(emulator)
    emulator.max_rows = 500
    monkeypatch.setattr(Campaign3Stream, "max_rows_per_call", 500)
    run = run_tap(config(emulator, "all", campaign_ids=None, end=dt.datetime(2026, 1, 5)))
    assert any(c.rows == 500 for c in emulator.calls), "the emulator never cut an answer"
    assert Counter(key(r) for r in run.records) == expected_keys(
        emulator, ids, START, dt.datetime(2026, 1, 5)
    )


@pytest.mark.parametrize(("first", "second"), [("each", "all"), ("all", "each")])
def test_switching_modes_loses_nothing(emulator, first, second):
    emulator.campaigns = [Campaign(c, c, rows_per_hour=6) for c in ("101", "202", "303")]
    ids = ["101", "202", "303"]
    before = run_tap(config(emulator, first, end=MIDDLE))
    after = run_tap(config(emulator, second), state=before.last_state)
    got = {key(r) for r in before.records + after.records}
    assert got == set(expected_keys(emulator, ids, START, END))
    # The second run starts where the first stopped (lookback 0): it does not read everything again.
    assert min(r["date_local"] for r in after.records) >= "2026-01-20 12:00:00"


def test_a_campaign_added_later_is_caught_up_once_on_its_own(emulator):
    emulator.campaigns = [Campaign(c, c, rows_per_hour=6) for c in ("101", "202", "303")]
    first = run_tap(config(emulator, "all", end=MIDDLE, campaign_ids=["101"]))
    calls_before = len(emulator.calls)
    second = run_tap(config(emulator, "all", campaign_ids=["101", "202"]), state=first.last_state)
    catch_up = [c for c in emulator.calls[calls_before:] if c.params["campaign_id"] == "202"]
    assert len(catch_up) == 1  # 19.5 days: one window, from start_date to where `all` starts
    assert catch_up[0].params["date_ini"] == "20260101000000"
    got = {key(r) for r in first.records + second.records}
    assert got == set(expected_keys(emulator, ["101", "202"], START, END))
    calls_before = len(emulator.calls)
    run_tap(config(emulator, "all", campaign_ids=["101", "202"]), state=second.last_state)
    assert [c.params["campaign_id"] for c in emulator.calls[calls_before:]] == ["all"]  # once only


def test_under_each_with_campaign_ids_each_report_is_called_only_for_campaigns_of_its_type(emulator, caplog):
    caplog.set_level(logging.WARNING)  # default campaigns: 101, 202 predictive, 404 preview
    settings = config(emulator, "each", end=dt.datetime(2026, 1, 10), campaign_ids=["101", "202", "404"])
    run = run_tap(settings, select=("campaign_3", "campaign_5", "campaign_7"))
    called = {(c.api, c.params.get("campaign_id")) for c in emulator.calls}
    assert called == {
        ("campaigns", None),  # one list call, for the types
        ("campaign_3", "101"),
        ("campaign_3", "202"),
        ("campaign_7", "101"),
        ("campaign_7", "202"),
        ("campaign_5", "404"),
    }
    assert [c.api for c in emulator.calls].count("campaigns") == 1
    assert all(c.status == 200 for c in emulator.calls)
    assert "may not be enabled" not in caplog.text
    assert {r["campaign_id"] for r in run.records_of("campaign_5")} == {"404"}
    assert not run.records_of("campaigns")  # read for the types, not emitted


def test_with_reports_of_one_type_a_listed_campaign_of_the_other_draws_no_false_warning(emulator, caplog):
    caplog.set_level(logging.WARNING)  # 404 is a preview campaign; campaign_3 covers predictive ones
    settings = config(emulator, "each", end=dt.datetime(2026, 1, 10), campaign_ids=["101", "404"])
    run_tap(settings, select=("campaign_3",))
    assert "may not be enabled" not in caplog.text
    assert "campaign_3, campaign 404: no rows, as it is a preview campaign" in caplog.text
    assert [c.api for c in emulator.calls].count("campaigns") == 1  # asked once, when it mattered
    # A range with rows asks nothing: no list call.
    emulator.calls.clear()
    run_tap(
        config(emulator, "each", end=dt.datetime(2026, 1, 10), campaign_ids=["101"]), select=("campaign_3",)
    )
    assert "campaigns" not in [c.api for c in emulator.calls]
