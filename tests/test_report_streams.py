"""Every report stream on the one engine, counted against the emulator: backfill, incremental
with its lookback, truncation split, and a stopped run resumed. Plus the dimension lists."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest
from conftest import base_config, run_tap

from tap_wolkvox.records import NO_KEY
from tap_wolkvox.report import WolkvoxReportStream
from tap_wolkvox.tap import STREAM_TYPES

REPORTS = [kind for kind in STREAM_TYPES if issubclass(kind, WolkvoxReportStream)]
START = dt.datetime(2026, 2, 10)


def key_of(kind: type[WolkvoxReportStream], row: dict) -> tuple:
    """The stream's key of an API row (a `<name>_local` key field is the raw `<name>`)."""
    names = [name.removesuffix("_local") if name.endswith("_local") else name for name in kind.primary_keys]
    return tuple(row.get(name) or NO_KEY for name in names)  # null or empty key fields: `(none)`


def record_key(kind: type[WolkvoxReportStream], record: dict) -> tuple:
    return tuple(record[name] for name in kind.primary_keys)


def expected(emulator, kind, start: dt.datetime, end: dt.datetime) -> Counter:
    return Counter(key_of(kind, row) for row in emulator.report_rows(kind.api, start, end))


def config(emulator, end: dt.datetime, **overrides) -> dict:
    settings = base_config(
        emulator, campaign_calls="all", start_date=START.isoformat(), end_date=end.isoformat()
    )
    del settings["campaign_ids"]
    return {**settings, **overrides}


def emitted(kind, *runs) -> Counter:
    return Counter(record_key(kind, r) for run in runs for r in run.records_of(str(kind.name)))


@pytest.fixture(params=REPORTS, ids=lambda kind: str(kind.name))
def report(request):
    return request.param


def test_a_backfill_emits_every_row_once(emulator, report):
    end = dt.datetime(2026, 2, 13)
    emulator.now = end
    run = run_tap(config(emulator, end), select=(report.name,))
    want = expected(emulator, report, START, end)
    assert sum(want.values()) > 20, "too little emulator data to test with"
    assert emitted(report, run) == Counter(dict.fromkeys(want, 1))
    assert all(call.api == report.api for call in emulator.calls)
    for record in run.records_of(str(report.name)):
        for name in report.date_fields:
            assert f"{name}_local" in record and (record[name] is None or record[name].endswith("+00:00"))


def test_an_incremental_run_with_the_stream_lookback_loses_no_late_row(emulator, report):
    first_end, second_end = dt.datetime(2026, 2, 12, 10), dt.datetime(2026, 2, 13, 10)
    emulator.now = first_end  # rows that are written late do not exist yet
    first = run_tap(config(emulator, first_end), select=(report.name,))
    emulator.now = second_end
    second = run_tap(config(emulator, second_end), state=first.last_state, select=(report.name,))
    assert set(emitted(report, first, second)) == set(expected(emulator, report, START, second_end))
    # It re-reads the stream's lookback, not everything.
    earliest = min(r[f"{report.filter_field}_local"] for r in second.records_of(str(report.name)))
    assert earliest >= str(first_end - report.min_lookback - dt.timedelta(minutes=1))


def test_a_cut_answer_is_split_and_nothing_is_emitted_twice(emulator, report, monkeypatch):
    end = dt.datetime(2026, 2, 12)
    emulator.now = end
    cut = max(sum(expected(emulator, report, START, end).values()) // 4, 3)  # a few splits
    emulator.max_rows = cut
    monkeypatch.setattr(report, "max_rows_per_call", cut)
    run = run_tap(config(emulator, end), select=(report.name,))
    assert any(call.rows == cut for call in emulator.calls), "the emulator never cut an answer"
    assert emitted(report, run) == Counter(dict.fromkeys(expected(emulator, report, START, end), 1))


def test_a_run_stopped_by_the_call_budget_resumes_from_its_state(emulator, report):
    end = dt.datetime(2026, 2, 14)
    emulator.now = end
    settings = config(emulator, end, window_days=1, max_calls_per_run=2)
    first = run_tap(settings, select=(report.name,))
    assert len(emulator.calls) == 2
    rest = run_tap({**settings, "max_calls_per_run": 100}, state=first.last_state, select=(report.name,))
    assert set(emitted(report, first, rest)) == set(expected(emulator, report, START, end))


@pytest.mark.parametrize("name", ["agents", "skills", "activity_codes", "campaigns"])
def test_a_dimension_list_is_one_call_and_every_row(emulator, name):
    run = run_tap(config(emulator, dt.datetime(2026, 2, 13)), select=(name,))
    assert [call.params["api"] for call in emulator.calls] == [name]
    assert len(run.records_of(name)) == emulator.calls[0].rows > 0


def test_under_each_a_campaign_report_reads_only_campaigns_of_its_type(emulator):
    settings = config(emulator, dt.datetime(2026, 2, 11), campaign_calls="each")
    run = run_tap(settings, select=("campaign_5", "campaign_3"))
    called = {(c.params["api"], c.params.get("campaign_id")) for c in emulator.calls if c.api != "campaigns"}
    preview = {c.campaign_id for c in emulator.campaigns if c.type_campaign == "preview"}
    assert {campaign for api, campaign in called if api == "campaign_5"} == preview
    assert not {campaign for api, campaign in called if api == "campaign_3"} & preview
    assert run.records_of("campaign_5")


def test_a_stream_with_no_row_over_a_long_range_says_it_may_not_be_served(emulator, caplog):
    emulator.campaigns = [c for c in emulator.campaigns if c.type_campaign == "predictive"]  # no preview
    caplog.set_level(logging.WARNING)
    run_tap(config(emulator, dt.datetime(2026, 2, 13)), select=("campaign_5",))
    assert "no rows at all" not in caplog.text  # 3 days: quiet
    run_tap(config(emulator, dt.datetime(2026, 2, 25)), select=("campaign_5",))
    assert "campaign_5, campaign all: no rows at all in 2026-02-10 00:00:00..2026-02-25" in caplog.text
    assert "may not be enabled" in caplog.text
