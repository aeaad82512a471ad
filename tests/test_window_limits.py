"""Range limits: windows fit the strict reading of "31 days", and a limit the API enforces
(in any words) is learned in a call or two and kept for the run."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest
from conftest import base_config, expected_keys, key, run_tap

from tap_wolkvox.errors import RangeRefusedError, WolkvoxAPIError
from wolkvox_emulator import Campaign, Fault
from wolkvox_emulator.server import RangeLimit

START, END = dt.datetime(2026, 2, 1), dt.datetime(2026, 2, 28, 23, 59, 59)
FEBRUARY = {"start_date": "2026-02-01T00:00:00", "end_date": "2026-02-28T23:59:59"}


@pytest.fixture
def small(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=3), Campaign("202", "Dos", rows_per_hour=2)]
    return emulator


def refused(emu) -> list:
    return [call for call in emu.calls if call.status == 400]


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_the_emulator_counts_days_either_way():
    start = dt.datetime(2026, 1, 1)
    strict, lenient = RangeLimit(31, inclusive=True), RangeLimit(31)
    assert not strict.refuses(start, start + dt.timedelta(days=31, seconds=-1))
    assert strict.refuses(start, start + dt.timedelta(days=31))
    assert not lenient.refuses(start, start + dt.timedelta(days=31))
    assert lenient.refuses(start, start + dt.timedelta(days=31, seconds=1))


@pytest.mark.parametrize("mode", ["each", "all"])
def test_a_server_counting_31_days_inclusively_accepts_every_window(small, mode):
    small.range_limit = RangeLimit(31, inclusive=True)
    config = base_config(small, campaign_ids=["101", "202"], campaign_calls=mode)  # 100 days
    run = run_tap(config)
    assert refused(small) == []
    start, end = dt.datetime(2025, 11, 21), dt.datetime(2026, 2, 28, 23, 59, 59)
    assert Counter(key(r) for r in run.records) == expected_keys(small, ("101", "202"), start, end)
    print(f"\n{mode}: {len(small.calls)} calls for 100 days, none refused")


@pytest.mark.parametrize("mode", ["each", "all"])
def test_a_one_day_limit_is_learned_in_two_refused_calls_and_kept_for_the_run(small, mode, caplog):
    caplog.set_level(logging.INFO)
    small.range_limits = {"campaign_3": RangeLimit(1, inclusive=True, msg="RANGO DE FECHAS NO VÁLIDO")}
    run = run_tap(base_config(small, campaign_ids=["101", "202"], campaign_calls=mode, **FEBRUARY))
    assert Counter(key(r) for r in run.records) == expected_keys(small, ("101", "202"), START, END)
    assert len(refused(small)) == 2  # 28 days, then 7: for the whole stream, every campaign
    said = [line for line in warnings(caplog) if "window_days" in line]
    assert len(said) == 1
    assert "Windows of 1 day are accepted" in said[0] and "RANGO DE FECHAS NO VÁLIDO" in said[0]
    assert "set `window_days: 1`" in said[0]
    print(f"\n{mode}: {len(small.calls)} calls, {len(refused(small))} refused, for 28 days at one day a call")


def test_a_seven_day_limit_costs_one_refused_call(small, caplog):
    caplog.set_level(logging.INFO)
    small.range_limits = {"campaign_3": RangeLimit(7)}
    run = run_tap(base_config(small, campaign_ids=["101"], **FEBRUARY))
    assert Counter(key(r) for r in run.records) == expected_keys(small, ("101",), START, END)
    assert len(refused(small)) == 1
    first, second = (c.params for c in small.calls_to("campaign_3")[:2])
    assert (first["date_end"], second["date_end"]) == ("20260228235959", "20260207235959")
    assert sum("Windows of 7 days are accepted" in line for line in warnings(caplog)) == 1


def test_a_400_that_shorter_windows_do_not_cure_stops_naming_the_parameters(small):
    small.faults = [
        Fault(on_call=n, kind="status", status=400, msg="PARÁMETRO INVÁLIDO") for n in range(1, 20)
    ]
    run = run_tap(base_config(small, campaign_ids=["101"], **FEBRUARY), expect=WolkvoxAPIError)
    assert isinstance(run.error, RangeRefusedError)
    message = str(run.error)
    assert "refused the request's parameters" in message and "PARÁMETRO INVÁLIDO" in message
    assert "refused for a window of 1 day too" in message
    assert len(small.calls) == 3  # 28 days, 7 days, 1 day


def test_a_400_on_a_short_window_stops_at_once(small):
    small.faults = [Fault(on_call=1, kind="status", status=400, msg="PARÁMETRO INVÁLIDO")]
    config = base_config(
        small, campaign_ids=["101"], start_date="2026-02-28T12:00:00", end_date=FEBRUARY["end_date"]
    )
    run = run_tap(config, expect=WolkvoxAPIError)
    assert "PARÁMETRO INVÁLIDO" in str(run.error) and "too" not in str(run.error)
    assert len(small.calls) == 1


def test_a_documented_400_stops_at_once(small):
    small.faults = [
        Fault(on_call=1, kind="status", status=400, msg="THE API YOU WANT TO CONSULT DOES NOT EXIST")
    ]
    run = run_tap(base_config(small, campaign_ids=["101"], **FEBRUARY), expect=WolkvoxAPIError)
    assert not isinstance(run.error, RangeRefusedError)
    assert "unknown `api`" in str(run.error)
    assert len(small.calls) == 1
