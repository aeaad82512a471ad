"""Date windows and time-zone conversion for Wolkvox report calls.

Pure functions, no I/O. Wolkvox speaks naive local time in the operation's zone
(documented as GMT-5): `date_ini`/`date_end` are `YYYYmmddHHiiss` strings and both
ends are inclusive at one-second resolution, and every row's `date` is a naive
`YYYY-MM-DD HH:MM:SS`. Windows are therefore planned in naive local time, where
consecutive windows tile the timeline with no gap and no overlap even across a DST
change; bookmarks are kept as aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

ONE_SECOND = dt.timedelta(seconds=1)
API_FORMAT = "%Y%m%d%H%M%S"


class Window(NamedTuple):
    """An inclusive range of naive local seconds: one API call's `date_ini`..`date_end`."""

    start: dt.datetime
    end: dt.datetime

    @property
    def seconds(self) -> int:
        """How many one-second steps the window covers (both ends included)."""
        return int((self.end - self.start) / ONE_SECOND) + 1

    def api_params(self) -> dict[str, str]:
        """The window as the API's `date_ini` / `date_end` parameters."""
        return {
            "date_ini": self.start.strftime(API_FORMAT),
            "date_end": self.end.strftime(API_FORMAT),
        }

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M:%S}..{self.end:%Y-%m-%d %H:%M:%S}"


def next_window(
    start: dt.datetime,
    end: dt.datetime,
    max_days: int,
    rows_per_second: float | None = None,
    target_rows: int | None = None,
) -> Window:
    """The window from `start` (naive local): at most `max_days`, never past `end`, and,
    once a campaign's density is known, about `target_rows` rows long.

    Sizing windows to the density learned so far is what keeps a backfill near one call
    per 60,000 rows without paying for a cut answer every time.
    """
    _require_naive(start, end)
    start, end = truncate_to_second(start), truncate_to_second(end)
    span = dt.timedelta(days=max_days) - ONE_SECOND
    if rows_per_second and target_rows:
        span = min(span, ONE_SECOND * max(int(target_rows / rows_per_second) - 1, 0))
    return Window(start, min(start + span, end))


def split_window(window: Window) -> tuple[Window, Window]:
    """Halve a window at a whole second; both halves are non-empty and tile it."""
    if window.seconds < 2:
        msg = f"window {window} is one second and cannot be split"
        raise ValueError(msg)
    first_end = window.start + ONE_SECOND * (window.seconds // 2 - 1)
    return Window(window.start, first_end), Window(first_end + ONE_SECOND, window.end)


def truncate_to_second(value: dt.datetime) -> dt.datetime:
    """Drop sub-second precision; the API has none."""
    return value.replace(microsecond=0)


def to_local_naive(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """An aware instant as the operation's naive wall-clock time."""
    if value.tzinfo is None:
        msg = "expected an aware datetime"
        raise ValueError(msg)
    return value.astimezone(tz).replace(tzinfo=None)


def local_naive_to_utc(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `tz` as an aware UTC instant.

    A wall time that occurs twice (DST fall-back) takes its first occurrence
    (`fold=0`); one that never occurs (spring-forward gap) takes the offset from
    before the gap. Both rules are zoneinfo's defaults and are stable, so a
    re-read row always converts to the same instant.
    """
    return value.replace(tzinfo=tz).astimezone(dt.timezone.utc)


def parse_row_date(value: object, tz: ZoneInfo) -> dt.datetime | None:
    """Parse a row's `date` (`YYYY-MM-DD HH:MM:SS`, naive local) to aware UTC.

    Returns None for anything else (empty, malformed, wrong type): the caller
    decides what to do with such a row.
    """
    # fromisoformat is C and ~50x faster than strptime; the shape checks keep it to
    # exactly the API's format (it would also take "T", offsets, fractions, dates).
    if not isinstance(value, str) or len(value) != 19 or value[10] != " ":
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return local_naive_to_utc(naive, tz)


def parse_setting_datetime(value: str, tz: ZoneInfo) -> dt.datetime:
    """Parse a `start_date`/`end_date` setting to aware UTC.

    An ISO 8601 value with an offset is taken as is; a naive one (for example
    `2026-01-01` or `2026-01-01T08:00:00`) is read as the operation's local time,
    because that is the clock its users think in.
    """
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return local_naive_to_utc(parsed, tz)
    return parsed.astimezone(dt.timezone.utc)


def incremental_start(
    bookmark: dt.datetime | None,
    start_date: dt.datetime,
    lookback: dt.timedelta,
) -> dt.datetime:
    """Where a run starts: `start_date`, or the bookmark minus the lookback, never before `start_date`."""
    if bookmark is None:
        return start_date
    return max(bookmark - lookback, start_date)


def _require_naive(*values: dt.datetime) -> None:
    for value in values:
        if value.tzinfo is not None:
            msg = "windows are planned in naive local time"
            raise ValueError(msg)
