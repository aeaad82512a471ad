"""The per-window progress line: which stream of how many, days done, calls, time left, the zone once."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from conftest import base_config, run_tap

from tap_wolkvox.progress import RunProgress, day_count, duration, time_left
from tap_wolkvox.windows import Window

START = dt.datetime(2026, 1, 1)
END = dt.datetime(2026, 4, 11)  # 100 days


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("elapsed", "done_days", "expected"),
    [(60, 25, 180), (30, 50, 30), (0, 10, 0), (10, 100, 0), (10, 0, None)],
)
def test_time_left_is_the_pace_so_far_applied_to_what_is_left(elapsed, done_days, expected):
    assert time_left(elapsed, dt.timedelta(days=done_days), dt.timedelta(days=100)) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "under a minute"),
        (29, "under a minute"),
        (31, "about 1 min"),
        (59 * 60, "about 59 min"),
        (60 * 60, "about 1 h 00 min"),
        (2 * 3600 + 5 * 60 + 10, "about 2 h 05 min"),
    ],
)
def test_duration_is_a_rounded_estimate(seconds, text):
    assert duration(seconds) == text


def test_day_counts_drop_a_trailing_zero():
    assert [day_count(x) for x in (31.0, 15.5, 0.04, 100.0)] == ["31", "15.5", "0", "100"]


def test_each_window_line_says_stream_of_how_many_days_done_calls_and_time_left():
    clock = Clock()
    run = RunProgress(streams=("agents", "campaign_3", "cdr_1"), zone="America/Bogota", clock=clock)
    reading = run.range("campaign_3", ", campaign 101", START, END)
    clock.now += 120  # 2 minutes for the first 25 days: 6 minutes for the other 75
    first = reading.after(Window(START, START + dt.timedelta(days=25)), rows=1200, calls=7)
    assert first == (
        "campaign_3, campaign 101 2026-01-01 00:00:00..2026-01-26 00:00:00 (local times: America/Bogota): "
        "1200 rows; stream 2 of 3, 25 of 100 days done, 7 calls so far, about 6 min left in this range"
    )
    clock.now += 360
    last = reading.after(Window(START + dt.timedelta(days=25), END), rows=3, calls=8)
    assert last.endswith(": 3 rows; stream 2 of 3, 100 of 100 days done, 8 calls so far, range done")
    assert "America/Bogota" not in last  # the zone is named once a run
    other = run.range("cdr_1", "", START, END).after(Window(START, START + dt.timedelta(days=1)), 0, 9)
    assert "stream 3 of 3, 1 of 100 days done, 9 calls" in other and "local times" not in other
    one = run.range("cdr_1", "", START, END).after(Window(START, START + dt.timedelta(days=1)), 0, 1)
    assert "1 call so far" in one
    assert other.endswith("under a minute left in this range")  # no time passed: not "done"


def test_a_stream_not_among_the_selected_still_gets_a_position():
    run = RunProgress(streams=("agents",), zone="UTC")
    assert run.position("campaign_3") == "stream 2 of 2"


def test_a_run_logs_one_progress_line_per_window_at_info(emulator, caplog):
    caplog.set_level(logging.INFO)
    run_tap(base_config(emulator, campaign_calls="all"), select=["campaign_3", "cdr_1"])
    lines = [r for r in caplog.records if "days done" in r.getMessage()]
    assert lines and all(r.levelno == logging.INFO for r in lines)
    messages = [r.getMessage() for r in lines]
    assert sum("local times: America/Bogota" in m for m in messages) == 1
    assert "local times: America/Bogota" in messages[0]
    by_stream = {m.split(" ", 1)[0].rstrip(","): m for m in messages}  # each stream's last line
    assert set(by_stream) == {"campaign_3", "cdr_1"}
    assert "stream 1 of 2" in by_stream["campaign_3"] and "stream 2 of 2" in by_stream["cdr_1"]
    for last in by_stream.values():
        assert "100 of 100 days done" in last and last.endswith("range done")
    calls = [int(re.search(r"(\d+) calls? so far", m).group(1)) for m in messages]
    assert calls == sorted(calls) and len(set(calls)) == len(calls)
