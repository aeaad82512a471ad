"""Catch-ups under `campaign_calls: all`: campaigns the `all` bookmark missed are read once, no row twice."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest
from conftest import base_config, expected_keys, key, run_tap

from wolkvox_emulator import Campaign

START = dt.datetime(2026, 1, 1)
MIDNIGHT = dt.datetime(2026, 1, 20)  # every campaign has two rows in its first second
END = dt.datetime(2026, 2, 10)
IDS = ["101", "202", "303"]


def config(emulator, end: dt.datetime = END, campaign_ids: list[str] | None = None, **overrides) -> dict:
    settings = base_config(
        emulator, campaign_calls="all", start_date=START.isoformat(), end_date=end.isoformat(), **overrides
    )
    if campaign_ids is None:
        del settings["campaign_ids"]
    else:
        settings["campaign_ids"] = campaign_ids
    return settings


def all_partition(state: dict) -> dict:
    partitions = state["bookmarks"]["campaign_3"]["partitions"]
    return next(p for p in partitions if p["context"] == {"campaign_id": "all"})


def twice(records: list[dict]) -> dict[tuple, int]:
    """Keys emitted more than once in one run."""
    return {k: n for k, n in Counter(key(r) for r in records).items() if n > 1}


def three_campaigns(emulator) -> None:
    emulator.campaigns = [Campaign(c, c, rows_per_hour=6) for c in IDS]


def test_a_catch_up_and_the_all_partition_emit_no_key_twice_in_one_run(emulator):
    three_campaigns(emulator)
    first = run_tap(config(emulator, end=MIDNIGHT, campaign_ids=["101"]))
    # 202 added, with a lookback: the `all` partition re-reads 2 hours before its bookmark.
    second = run_tap(
        config(emulator, campaign_ids=["101", "202"], lookback_minutes=120), state=first.last_state
    )
    assert any(c.params["campaign_id"] == "202" for c in emulator.calls), "no catch-up was read"
    assert twice(second.records) == {}
    got = {key(r) for r in first.records + second.records}
    assert got == set(expected_keys(emulator, ["101", "202"], START, END))


@pytest.mark.parametrize("end_exclusive", [False, True])
def test_a_catch_up_shares_the_all_partitions_first_second_whichever_way_the_api_reads_date_end(
    emulator, end_exclusive
):
    three_campaigns(emulator)
    emulator.end_exclusive = end_exclusive
    first = run_tap(config(emulator, end=MIDNIGHT, campaign_ids=["101"]))
    second = run_tap(config(emulator, campaign_ids=["101", "202"]), state=first.last_state)
    assert twice(second.records) == {}
    caught_up = [r for r in second.records if r["campaign_id"] == "202"]
    # 202's rows at 23:59:59 and 00:00:00 around the bookmark: neither lost nor doubled.
    assert {"2026-01-19 23:59:59", "2026-01-20 00:00:00"} <= {r["date_local"] for r in caught_up}
    assert {key(r) for r in caught_up} == set(expected_keys(emulator, ["202"], START, END))


def test_dropping_campaign_ids_reads_the_other_campaigns_from_start_date_once(emulator, caplog):
    caplog.set_level(logging.WARNING)
    three_campaigns(emulator)
    first = run_tap(config(emulator, end=MIDNIGHT, campaign_ids=["101"]))
    assert all_partition(first.last_state)["covers"] == ["101"]
    second = run_tap(config(emulator), state=first.last_state)
    assert "other campaigns' rows before it were never emitted" in caplog.text
    assert twice(second.records) == {}
    assert {key(r) for r in first.records + second.records} == set(expected_keys(emulator, IDS, START, END))
    # 101 was read up to the bookmark already: none of its rows before it again.
    assert not [r for r in second.records if r["campaign_id"] == "101" and r["date_local"] < "2026-01-20"]
    partition = all_partition(second.last_state)
    assert partition["covers"] == "all" and "catch_up" not in partition
    # Once only: the next run starts at the bookmark.
    calls_before = len(emulator.calls)
    run_tap(config(emulator), state=second.last_state)
    assert [c.params["date_ini"] for c in emulator.calls[calls_before:]] == ["20260210000000"]


def test_an_interrupted_catch_up_resumes_where_it_stopped_and_loses_nothing(emulator):
    three_campaigns(emulator)
    first = run_tap(config(emulator, end=MIDNIGHT, campaign_ids=["101"]))
    bookmark = all_partition(first.last_state)["replication_key_value"]
    cut = run_tap(config(emulator, window_days=5, max_calls_per_run=2), state=first.last_state)
    partition = all_partition(cut.last_state)
    # The bookmark and `covers` still say what the first run read; the progress is kept apart.
    assert partition["replication_key_value"] == bookmark and partition["covers"] == ["101"]
    assert partition["catch_up"] < bookmark
    rest = run_tap(config(emulator, window_days=5), state=cut.last_state)
    got = {key(r) for r in first.records + cut.records + rest.records}
    assert got == set(expected_keys(emulator, IDS, START, END))
    assert twice(rest.records) == {}
    assert min(r["date_local"] for r in rest.records) > "2026-01-06"  # it did not start over
    assert all_partition(rest.last_state)["covers"] == "all"


def test_switching_from_each_with_campaign_ids_to_all_without_reads_the_other_campaigns(emulator):
    three_campaigns(emulator)
    first = run_tap(base_config(emulator, campaign_ids=["101", "202"], start_date=START.isoformat(),
                                end_date=MIDNIGHT.isoformat()))  # fmt: skip
    second = run_tap(config(emulator), state=first.last_state)
    assert twice(second.records) == {}
    assert {key(r) for r in first.records + second.records} == set(expected_keys(emulator, IDS, START, END))
    assert not [r for r in second.records if r["campaign_id"] != "303" and r["date_local"] < "2026-01-20"]
