"""One test per row of the error taxonomy, against the emulator's injected faults."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest
from conftest import BACKFILL_END, base_config, bookmarks, expected_keys, key, run_tap

from tap_wolkvox import errors
from tap_wolkvox.client import WolkvoxStream
from tap_wolkvox.errors import QuotaExhaustedError, WolkvoxAPIError
from wolkvox_emulator import Campaign, Fault


@pytest.fixture
def small(emulator):
    """Two small campaigns: 100 days are 4 windows (calls) each."""
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=3), Campaign("202", "Dos", rows_per_hour=2)]
    return emulator


def config(emu, **overrides):
    return base_config(emu, **{"campaign_ids": ["101", "202"], **overrides})


def assert_complete(run, emu):
    assert Counter(key(r) for r in run.records) == expected_keys(emu, ("101", "202"))


# -- rows and no rows -------------------------------------------------------------------


def test_empty_windows_are_404_and_mean_no_rows(small):
    small.campaigns.append(Campaign("505", "Vacía", rows_per_hour=0))
    run = run_tap(config(small, campaign_ids=["505"]))
    assert run.records == []
    # (Besides one campaign list call, for 505's type, before warning that it had no rows at all.)
    assert {call.status for call in small.calls_to("campaign_3")} == {404}
    assert bookmarks(run.last_state) == {"505": "2026-03-01T04:59:59+00:00"}


# -- fatal --------------------------------------------------------------------------------


def test_401_token_missing_is_fatal_at_once(small):
    small.faults = [Fault(on_call=1, kind="status", status=401, msg="PLEASE ENTER THE WOLKVOX-TOKEN")]
    run = run_tap(config(small), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError) and "token missing" in str(run.error)
    assert len(small.calls) == 1


def test_invalid_token_is_confirmed_once_then_fatal_with_where_to_make_one(small):
    run = run_tap(config(small, token="not-a-token"), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError)
    assert "invalid or expired token" in str(run.error) and "Integrations → Tokens" in str(run.error)
    assert len(small.calls) == 2


def test_a_one_off_token_rejection_is_survived(small):
    small.faults = [Fault(on_call=2, kind="status", status=403, msg="PLEASE VALIDATE TOKEN")]
    assert_complete(run_tap(config(small)), small)


def test_400_is_fatal_and_names_the_parameter_problem(small):
    small.faults = [Fault(on_call=3, kind="status", status=400, msg="SOME PARAMETERS ARE REQUIRED")]
    run = run_tap(config(small), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError)
    assert "parameters" in str(run.error) and "SOME PARAMETERS ARE REQUIRED" in str(run.error)
    assert len(small.calls) == 3


def test_quota_used_up_stops_for_today_and_keeps_what_was_emitted(small, caplog):
    caplog.set_level(logging.INFO)
    small.quota = 5
    first = run_tap(config(small), expect=QuotaExhaustedError)
    assert isinstance(first.error, QuotaExhaustedError)
    assert "Wolkvox API usage: 6 calls" in caplog.text  # the quota line, also when a run stops
    assert "daily call quota used up" in str(first.error) and "resume tomorrow" in str(first.error)
    assert "campaign 202" in str(first.error)  # calls 1-4 were campaign 101, the 6th campaign 202
    emitted = Counter(key(r) for r in first.records)
    assert emitted and max(emitted.values()) == 1
    # Its last STATE covers exactly the windows whose rows were emitted.
    assert bookmarks(first.last_state) == {
        "101": "2026-03-01T04:59:59+00:00",
        "202": "2025-12-22T04:59:59+00:00",  # 2025-11-21 00:00:00 + 31 days − 1 s, local
    }

    same_day = run_tap(config(small), state=first.last_state, expect=QuotaExhaustedError)
    assert isinstance(same_day.error, QuotaExhaustedError) and same_day.records == []

    small.advance(dt.timedelta(days=1))  # a new day: the quota is back
    next_day = run_tap(config(small), state=first.last_state)
    everything = Counter(key(r) for r in first.records + next_day.records)
    assert set(everything) == set(expected_keys(small, ("101", "202")))
    assert max(everything.values()) <= 2  # only the bookmark's own second is read again


# -- retried ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault(on_call=2, kind="status", status=500, msg="Internal error"),
        Fault(on_call=2, kind="status", status=503, msg=""),
        Fault(on_call=2, kind="html", status=502),
        Fault(on_call=2, kind="html", status=200),
        Fault(on_call=2, kind="bad_json"),
        Fault(on_call=2, kind="reset"),
    ],
    ids=["500", "503", "502-html", "200-html", "cut-json", "reset"],
)
def test_transient_faults_are_retried_and_nothing_is_lost(small, fault):
    small.faults = [fault]
    run = run_tap(config(small))
    assert_complete(run, small)
    assert len(small.calls) == 9


def test_transient_faults_that_persist_end_in_a_clear_fatal_error(small):
    small.faults = [Fault(on_call=n, kind="status", status=502, msg="bad gateway") for n in range(1, 10)]
    run = run_tap(config(small, max_retries=3), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError)
    assert "still failing after retries" in str(run.error) and "campaign 101" in str(run.error)
    assert len(small.calls) == 4


def test_refused_connections_end_in_a_clear_fatal_error(small):
    port_nobody_listens_on = "http://127.0.0.1:9"
    run = run_tap(config(small, api_url=port_nobody_listens_on, max_retries=1), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError)
    message = str(run.error)
    assert "could not get an answer from http://127.0.0.1:9 (connection refused" in message
    assert "Check `api_url` / `server`" in message and "emulator) is running" in message


@pytest.fixture
def planned_waits(monkeypatch):
    """The waits the retries planned (backoff's `wait`, jitter included), not the time they took."""
    waits: list[float] = []
    log_retry = WolkvoxStream.backoff_handler

    def recording(stream, details):
        waits.append(details["wait"])
        log_retry(stream, details)

    monkeypatch.setattr(WolkvoxStream, "backoff_handler", recording)
    return waits


@pytest.mark.parametrize(
    "msg",
    ["EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)", ""],
    ids=["simultaneous", "maintenance"],
)
def test_busy_and_maintenance_403s_wait_and_retry(small, msg, planned_waits):
    small.faults = [Fault(on_call=n, kind="status", status=403, msg=msg) for n in (2, 3, 4)]
    run = run_tap(config(small, busy_wait_seconds=0.05))
    assert_complete(run, small)
    # The first wait is busy_wait_seconds and each next one doubles, each stretched by 0-25%.
    assert len(planned_waits) == 3
    for n, wait in enumerate(planned_waits):
        assert 0.05 * 2**n <= wait <= 0.05 * 2**n * 1.25


def test_an_unknown_403_is_waited_on_for_a_bounded_time_in_all(small, planned_waits, monkeypatch):
    monkeypatch.setattr(errors, "UNKNOWN_403_MAX_WAIT_SECONDS", 0.3)
    small.faults = [Fault(on_call=n, kind="status", status=403, msg="MANTENIMIENTO") for n in range(1, 20)]
    run = run_tap(config(small, busy_wait_seconds=0.05, busy_retries=6), expect=WolkvoxAPIError)
    # Unbounded, six doubling waits from 0.05 s would be 3.15 s or more.
    assert planned_waits and sum(planned_waits) <= 0.3
    message = str(run.error)
    assert "maintenance" in message and "MANTENIMIENTO" in message
    assert "retries or 0.3s of waiting, whichever came first" in message and "next run tries again" in message


def test_a_known_busy_403_keeps_all_its_retries(small, planned_waits, monkeypatch):
    monkeypatch.setattr(errors, "UNKNOWN_403_MAX_WAIT_SECONDS", 0.01)  # not for this 403
    msg = "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"
    small.faults = [Fault(on_call=n, kind="status", status=403, msg=msg) for n in range(1, 5)]
    run = run_tap(config(small, busy_wait_seconds=0.01, busy_retries=3), expect=WolkvoxAPIError)
    assert len(planned_waits) == 3 and len(small.calls) == 4
    assert "another process" in str(run.error)


def test_maintenance_that_lasts_ends_with_the_servers_message(small):
    small.faults = [
        Fault(on_call=n, kind="status", status=403, msg="MAINTENANCE WINDOW") for n in range(1, 9)
    ]
    run = run_tap(config(small, busy_retries=2), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError)
    assert "maintenance" in str(run.error) and "MAINTENANCE WINDOW" in str(run.error)
    assert len(small.calls) == 3


def test_a_timeout_on_a_long_window_asks_again_for_its_first_half(small):
    small.faults = [Fault(on_call=1, kind="slow", seconds=1.5)]
    run = run_tap(config(small, request_timeout=0.5))
    assert_complete(run, small)
    first, second, third = (call.params for call in small.calls[:3])
    assert second["date_ini"] == first["date_ini"] and second["date_end"] < first["date_end"]
    assert third["date_ini"] == second["date_end"]  # then on from there, sharing the edge second


def test_a_timeout_on_a_short_window_is_retried_whole(small):
    small.faults = [Fault(on_call=1, kind="slow", seconds=1.5)]
    run = run_tap(config(small, request_timeout=0.5, start_date="2026-02-28T00:00:00"))
    assert_complete_from = Counter(
        key(row) for c in ("101", "202") for row in small.rows(c, dt.datetime(2026, 2, 28), BACKFILL_END)
    )
    assert Counter(key(r) for r in run.records) == assert_complete_from
    assert small.calls[0].params == small.calls[1].params


# -- calls in flight and pacing ------------------------------------------------------------


def test_one_call_in_flight_at_a_time_and_calls_are_paced(small):
    run = run_tap(config(small, min_call_interval_seconds=0.2))
    assert_complete(run, small)
    gaps = [b.started - a.ended for a, b in zip(small.calls, small.calls[1:], strict=False)]
    assert min(gaps) >= 0.19


# -- everything at once ----------------------------------------------------------------------


def test_a_run_meeting_every_fault_still_emits_every_row_exactly_once(small):
    small.campaigns.append(Campaign("303", "Tres", rows_per_hour=4))
    small.faults = [
        Fault(on_call=1, kind="slow", seconds=1.0),  # long window times out: split
        Fault(on_call=3, kind="status", status=500, msg="boom"),
        Fault(on_call=5, kind="reset"),
        Fault(on_call=7, kind="bad_json"),
        Fault(on_call=8, kind="html", status=502),
        Fault(
            on_call=10,
            kind="status",
            status=403,
            msg="EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)",
        ),
        Fault(on_call=12, kind="status", status=403, msg=""),
        Fault(on_call=14, kind="status", status=403, msg="PLEASE VALIDATE TOKEN"),
        Fault(on_call=16, kind="slow", seconds=0.1),
    ]
    run = run_tap(config(small, campaign_ids=["101", "202", "303"], request_timeout=0.5))
    got = Counter(key(r) for r in run.records)
    assert got == expected_keys(small, ("101", "202", "303"))
    assert max(got.values()) == 1
    assert {call.status for call in small.calls} >= {200, 403, 500, 502}
