"""Window planning and date conversion: pure functions, no HTTP."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from tap_wolkvox.partitioned import parse_bookmark
from tap_wolkvox.records import RowConverter
from tap_wolkvox.windows import (
    LearnedLimit,
    Window,
    describe_span,
    earliest_utc,
    incremental_start,
    isolate,
    local_naive_to_utc,
    naive_span,
    next_window,
    parse_row_date,
    parse_row_naive,
    parse_setting_datetime,
    row_date_to_utc_text,
    split_window,
    to_local_naive,
)

BOGOTA = ZoneInfo("America/Bogota")
NEW_YORK = ZoneInfo("America/New_York")
S = dt.timedelta(seconds=1)


def plan_windows(start, end, max_days, rows_per_second=None, target_rows=None) -> list[Window]:
    """Windows one after another, as a run asks for them."""
    windows: list[Window] = []
    start, end = start.replace(microsecond=0), end.replace(microsecond=0)
    while start <= end:
        windows.append(next_window(start, end, max_days, rows_per_second, target_rows))
        if windows[-1].end >= end:
            return windows
        start = windows[-1].end  # windows share their edge second
    return windows


def assert_tiles(windows: list[Window], start: dt.datetime, end: dt.datetime) -> None:
    """Consecutive, each sharing its edge second with the next, none skipped, each moving on."""
    assert windows[0].start == start
    assert windows[-1].end == end
    for before, after in itertools.pairwise(windows):
        assert after.start == before.end
        assert before.end > before.start
    assert sum(w.seconds - 1 for w in windows) == int((end - start) / S)


def test_a_100_day_range_is_four_windows_of_at_most_31_days():
    start, end = dt.datetime(2025, 11, 21), dt.datetime(2026, 2, 28, 23, 59, 59)
    windows = plan_windows(start, end, 31)
    assert len(windows) == 4
    assert all(w.end - w.start == dt.timedelta(days=31) - S for w in windows[:-1])
    assert_tiles(windows, start, end)


def test_the_first_31_day_window_is_31_calendar_days_not_32():
    # [d 00:00:00, d+31 00:00:00] touches 32 days: a server counting days inclusively refuses it.
    first = plan_windows(dt.datetime(2026, 1, 1), dt.datetime(2026, 6, 1), 31)[0]
    assert first.api_params() == {"date_ini": "20260101000000", "date_end": "20260131235959"}


@pytest.mark.parametrize("days", [1, 7, 30, 31])
def test_no_window_is_longer_than_its_days_counted_inclusively(days):
    start, end = dt.datetime(2026, 1, 1, 7, 30, 15), dt.datetime(2026, 5, 1)
    for rows_per_second in (None, 0.001, 0.5):
        windows = plan_windows(start, end, days, rows_per_second, 54_000)
        assert max(w.seconds for w in windows) <= days * 86_400  # both ends counted
        assert_tiles(windows, start, end)


def test_whole_days_in_one_day_windows_end_with_a_short_window():
    # Windows share their edge second, and each holds 86,400 seconds at most, so two
    # whole days (172,800 seconds) take a third, short window.
    start = dt.datetime(2026, 1, 1)
    windows = plan_windows(start, start + dt.timedelta(days=2) - S, 1)
    assert [str(w) for w in windows] == [
        "2026-01-01 00:00:00..2026-01-01 23:59:59",
        "2026-01-01 23:59:59..2026-01-02 23:59:58",
        "2026-01-02 23:59:58..2026-01-02 23:59:59",
    ]


def test_single_second_and_empty_ranges():
    moment = dt.datetime(2026, 1, 1, 8, 0, 0)
    assert plan_windows(moment, moment, 31) == [Window(moment, moment)]
    assert plan_windows(moment, moment - S, 31) == []


def test_a_known_density_sizes_windows_to_the_target_rows():
    start, end = dt.datetime(2026, 1, 1), dt.datetime(2026, 4, 10, 23, 59, 59)
    two_rows_a_second = plan_windows(start, end, 31, rows_per_second=2.0, target_rows=54_000)
    assert all(w.seconds == 27_000 for w in two_rows_a_second[:-1])
    assert_tiles(two_rows_a_second, start, end)
    sparse = plan_windows(start, end, 31, rows_per_second=0.001, target_rows=54_000)
    assert all(w.end - w.start == dt.timedelta(days=31) - S for w in sparse[:-1])
    dense = plan_windows(start, start + dt.timedelta(seconds=9), 31, rows_per_second=1e9, target_rows=54_000)
    assert [w.seconds for w in dense] == [2] * 9  # never shorter than one second past its start


def test_sub_second_precision_is_dropped():
    start = dt.datetime(2026, 1, 1, 0, 0, 0, 999_999)
    end = dt.datetime(2026, 1, 1, 0, 0, 5, 500_000)
    assert plan_windows(start, end, 1) == [Window(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 1, 0, 0, 5))]


def test_api_params_are_inclusive_second_strings():
    window = Window(dt.datetime(2026, 3, 2, 8, 15, 2), dt.datetime(2026, 3, 2, 23, 59, 59))
    assert window.api_params() == {"date_ini": "20260302081502", "date_end": "20260302235959"}


def test_windows_across_a_dst_change_still_tile_the_local_clock():
    # New York falls back on 2026-11-01: local 01:00-01:59 happens twice. Windows are
    # planned on the naive clock, which the API filters on, so both occurrences fall in.
    start = to_local_naive(dt.datetime(2026, 10, 31, 12, tzinfo=dt.timezone.utc), NEW_YORK)
    end = to_local_naive(dt.datetime(2026, 11, 9, 12, tzinfo=dt.timezone.utc), NEW_YORK)
    windows = plan_windows(start, end, 1)
    assert_tiles(windows, start, end)
    assert all(w.end - w.start <= dt.timedelta(days=1) for w in windows)


@pytest.mark.parametrize("seconds", [2, 3, 86_400, 2_678_400])
def test_split_window_halves_tile_the_window(seconds):
    start = dt.datetime(2026, 1, 1)
    window = Window(start, start + S * (seconds - 1))
    if seconds < 3:
        with pytest.raises(ValueError, match="too short to split"):
            split_window(window)
        return
    first, second = split_window(window)
    assert first.start == window.start and second.end == window.end
    assert second.start == first.end  # the halves share the middle second
    assert first.seconds + second.seconds == seconds + 1
    assert abs(first.seconds - second.seconds) <= 1
    assert first.seconds < seconds and second.seconds < seconds


def test_a_one_second_window_cannot_be_split():
    moment = dt.datetime(2026, 1, 1)
    with pytest.raises(ValueError, match="too short to split"):
        split_window(Window(moment, moment))


def test_incremental_start_is_bookmark_minus_lookback_clamped_to_start_date():
    start_date = dt.datetime(2026, 1, 1, 5, tzinfo=dt.timezone.utc)
    lookback = dt.timedelta(minutes=15)
    assert incremental_start(None, start_date, lookback) == start_date
    bookmark = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
    assert incremental_start(bookmark, start_date, lookback) == bookmark - lookback
    assert incremental_start(start_date + dt.timedelta(minutes=5), start_date, lookback) == start_date


def test_row_dates_are_gmt_minus_5_in_bogota():
    assert parse_row_date("2026-03-02 08:15:02", BOGOTA) == dt.datetime(
        2026, 3, 2, 13, 15, 2, tzinfo=dt.timezone.utc
    )
    assert parse_row_date("2026-03-02 08:15:02", BOGOTA).isoformat() == "2026-03-02T13:15:02+00:00"


@pytest.mark.parametrize(
    "value",
    ["", None, "0000-00-00 00:00:00", "2026-13-45 99:99:99", "2026-03-02", 20260302, "2026-03-02T08:15:02"],
)
def test_malformed_row_dates_are_none(value):
    assert parse_row_date(value, BOGOTA) is None


def test_one_row_date_parser_serves_every_declared_format():
    """`parse_row_naive` is what records use for sorting and edges, and `parse_row_date` for UTC."""
    assert parse_row_naive("2026-03-02 08:15:02") == dt.datetime(2026, 3, 2, 8, 15, 2)
    assert parse_row_naive("02/03/2026 08:15", "%d/%m/%Y %H:%M") == dt.datetime(2026, 3, 2, 8, 15)
    assert parse_row_naive("2026-03-02 08:15:02", "%d/%m/%Y %H:%M") is None
    assert parse_row_naive(20260302, "%d/%m/%Y %H:%M") is None
    assert parse_row_date("02/03/2026 08:15", BOGOTA, "%d/%m/%Y %H:%M") == dt.datetime(
        2026, 3, 2, 13, 15, tzinfo=dt.timezone.utc
    )
    converter = RowConverter(("date",), "date", "%d/%m/%Y %H:%M", ("id",), BOGOTA)
    assert converter.utc_text("02/03/2026 08:15") == "2026-03-02T13:15:00+00:00"
    assert converter.sort_key("02/03/2026 08:15") == dt.datetime(2026, 3, 2, 8, 15)


def test_dst_ambiguous_and_missing_local_times_convert_stably():
    # Fall back: 01:30 happens twice; the first occurrence (EDT, -4) is taken.
    assert parse_row_date("2026-11-01 01:30:00", NEW_YORK) == dt.datetime(
        2026, 11, 1, 5, 30, tzinfo=dt.timezone.utc
    )
    # Spring forward: 02:30 never happens; the offset from before the gap (EST, -5) is taken.
    assert parse_row_date("2026-03-08 02:30:00", NEW_YORK) == dt.datetime(
        2026, 3, 8, 7, 30, tzinfo=dt.timezone.utc
    )
    # Either side of the change converts with its own offset.
    assert parse_row_date("2026-11-01 12:00:00", NEW_YORK) == dt.datetime(
        2026, 11, 1, 17, tzinfo=dt.timezone.utc
    )
    assert parse_row_date("2026-10-31 12:00:00", NEW_YORK) == dt.datetime(
        2026, 10, 31, 16, tzinfo=dt.timezone.utc
    )


@pytest.mark.parametrize("zone", [BOGOTA, NEW_YORK, ZoneInfo("America/Santiago")])
def test_a_window_end_round_trips_through_the_bookmark_text(zone):
    """`complete_window` keeps `earliest_utc(window.end)` as text; the next run reads it back
    (`parse_bookmark`) and asks from its wall time: the same one, or, for a wall time a
    spring-forward skips, an earlier one (never a later one, which would skip rows)."""
    for day in (
        dt.datetime(2026, 3, 8),
        dt.datetime(2026, 4, 5),
        dt.datetime(2026, 9, 6),
        dt.datetime(2026, 11, 1),
    ):
        for minutes in range(-120, 24 * 60, 15):
            local = day + dt.timedelta(minutes=minutes)
            text = earliest_utc(local, zone).isoformat()
            back = to_local_naive(parse_bookmark(text, where="test"), zone)
            exists = to_local_naive(local_naive_to_utc(local, zone), zone) == local
            assert back == local if exists else back < local, (zone, local, text)


def test_settings_dates_without_offset_are_local_and_with_offset_are_kept():
    assert parse_setting_datetime("2026-01-01", BOGOTA) == dt.datetime(2026, 1, 1, 5, tzinfo=dt.timezone.utc)
    assert parse_setting_datetime("2026-01-01T00:00:00Z", BOGOTA) == dt.datetime(
        2026, 1, 1, tzinfo=dt.timezone.utc
    )
    assert parse_setting_datetime("2026-01-01T00:00:00-03:00", BOGOTA) == dt.datetime(
        2026, 1, 1, 3, tzinfo=dt.timezone.utc
    )


def incremental_runs(tz, first_run, hours, lookback_minutes):
    """Every 5 minutes from `first_run` (UTC) for `hours`: each run's naive range and its `now`."""
    bookmark = None
    runs = []
    now = first_run
    while now < first_run + dt.timedelta(hours=hours):
        start = now - dt.timedelta(hours=1) if bookmark is None else bookmark
        low, high = naive_span(min(start - dt.timedelta(minutes=lookback_minutes), now), now, tz)
        runs.append((now, low, high))
        new = earliest_utc(high, tz)  # the last window's end, as `complete_window` keeps it
        bookmark = new if bookmark is None else max(bookmark, new)
        now += dt.timedelta(minutes=5)
    return runs


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("America/New_York", dt.datetime(2026, 11, 1, 6, tzinfo=dt.timezone.utc)),  # fall-back
        ("America/New_York", dt.datetime(2026, 3, 8, 7, tzinfo=dt.timezone.utc)),  # spring-forward
        ("America/Santiago", dt.datetime(2026, 4, 5, 3, tzinfo=dt.timezone.utc)),  # fall-back
        ("America/Santiago", dt.datetime(2026, 9, 6, 4, tzinfo=dt.timezone.utc)),  # spring-forward
    ],
)
@pytest.mark.parametrize("lookback_minutes", [0, 15])
def test_incremental_runs_across_a_dst_change_read_every_row(zone, change, lookback_minutes):
    """A row at instant t is read by a run that comes after t and whose naive range holds its wall time."""
    tz = ZoneInfo(zone)
    runs = incremental_runs(tz, change - dt.timedelta(hours=2, minutes=3), 5, lookback_minutes)
    moment = change - dt.timedelta(hours=1)
    while moment < change + dt.timedelta(hours=2):
        wall = to_local_naive(moment, tz)
        assert any(moment <= now and low <= wall <= high for now, low, high in runs), f"lost {moment}"
        moment += dt.timedelta(seconds=30)


def test_bookmarks_take_the_earliest_instant_a_wall_time_can_mean():
    assert earliest_utc(dt.datetime(2026, 11, 1, 1, 30), NEW_YORK) == dt.datetime(
        2026, 11, 1, 5, 30, tzinfo=dt.timezone.utc
    )  # first of the two 01:30s
    assert earliest_utc(dt.datetime(2026, 3, 8, 2, 30), NEW_YORK) == dt.datetime(
        2026, 3, 8, 6, 30, tzinfo=dt.timezone.utc
    )  # 02:30 never happens: before the gap


ODD_VALUES = [
    "",
    "0000-00-00 00:00:00",
    "2026-13-45 99:99:99",
    "2026-01-01 24:00:00",
    "2026-01-01 05:00:60",
    "2026-01-01 05:60:00",
    "2026-02-29 05:00:00",
    "2026-01-01T05:00:00",
    "2026-W01-1 05:00:00",
    "20260101 050000",
    "2026-01-01 05:00:00+01:00",
    "2026-01-0١ 05:00:00",
    "2026-01-01 0٥:00:00",
    "2026-01-01 05:0٥:00",
    "+2026-01-1 05:00:00",
    None,
    20260101050000,
]


@pytest.mark.parametrize(
    "zone",
    # Gaza moved its clocks at 00:01 in 2010, an hour with two whole-hour offsets.
    [
        "America/Bogota",
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Kathmandu",
        "Asia/Gaza",
        "Europe/Dublin",
    ],
)
def test_the_cached_row_date_conversion_is_parse_row_date(zone):
    """Every second around DST changes, fractional and historical offsets, and odd values."""
    tz = ZoneInfo(zone)
    starts = [
        dt.datetime(2026, month, day) for month, day in ((3, 7), (3, 28), (4, 4), (10, 3), (10, 24), (10, 31))
    ]
    starts += [
        dt.datetime(1912, 1, 1),
        dt.datetime(1914, 11, 22),
        dt.datetime(1986, 1, 1),
        dt.datetime(2010, 3, 26),
    ]
    values = [
        f"{start + dt.timedelta(seconds=second):%Y-%m-%d %H:%M:%S}"
        for start in starts
        for second in range(0, 2 * 86400, 17)
    ]
    values += ODD_VALUES
    hours: dict[str, str | None] = {}
    for value in values * 2:  # the second time, from the cache
        parsed = parse_row_date(value, tz)
        assert row_date_to_utc_text(value, tz, hours) == (parsed.isoformat() if parsed else None), value


def test_isolate_stops_short_of_a_dense_second_then_holds_it_under_either_reading_of_date_end():
    second = dt.datetime(2026, 2, 10, 10, 0, 0)
    day = Window(dt.datetime(2026, 2, 10), dt.datetime(2026, 2, 10, 23, 59, 59))
    before = isolate(day, second)
    assert before == Window(day.start, second - S)
    around = isolate(Window(before.end, day.end), second)  # the next window starts at its end
    assert around == Window(second - S, second + S)  # holds `second` whether date_end is inclusive or not
    assert isolate(Window(second, day.end), second) == Window(second, second + S)
    assert isolate(Window(second - S, second), second) == Window(second - S, second)  # never past the end


def test_a_learned_limit_tries_a_week_then_a_day_and_caps_later_windows():
    limit = LearnedLimit()
    month = Window(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 31, 23, 59, 59))
    assert limit.clip(month) == month  # nothing learned yet
    week = limit.narrower(month, "refused")
    assert week == Window(month.start, month.start + dt.timedelta(days=7) - S)
    day = limit.narrower(week, "refused again")
    assert day == Window(month.start, month.start + dt.timedelta(days=1) - S)
    assert limit.narrower(day, "and again") is None  # a day refused: not a range limit
    assert limit.clip(month) == day
    assert limit.accepted() == "refused" and limit.accepted() is None  # said once
    assert (
        describe_span(dt.timedelta(days=7) - S) == "7 days" and describe_span(day.end - day.start) == "1 day"
    )
