"""Date windows and time-zone conversion for Wolkvox report calls.

Pure functions, no I/O. Wolkvox speaks naive local time in the operation's zone
(documented as GMT-5): `date_ini`/`date_end` are `YYYYmmddHHiiss` strings at
one-second resolution, and every row's `date` is a naive `YYYY-MM-DD HH:MM:SS`.
Whether `date_end` is inclusive is not documented, so consecutive windows share their
edge second (`[a, b]`, `[b, c]`): no row is lost under either reading, and the caller
skips the edge second's rows it already emitted. Windows are planned in naive local
time, the clock the API filters on; bookmarks are aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

from typing_extensions import override

ONE_SECOND = dt.timedelta(seconds=1)
API_FORMAT = "%Y%m%d%H%M%S"


class Window(NamedTuple):
    """A range of naive local seconds, `start` and `end` as sent: one call's `date_ini`..`date_end`."""

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

    @override
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
    once the density is known, about `target_rows` rows long. The next window starts
    at this one's end (the shared edge second).

    "At most N days" is counted inclusively (`longest_span`), the strictest reading of
    the API's "31 days per query": a server that counts the other way accepts it too.

    Sizing windows to the density learned so far is what keeps a backfill near one call
    per 60,000 rows without paying for a cut answer every time.
    """
    _require_naive(start, end)
    start, end = truncate_to_second(start), truncate_to_second(end)
    span = longest_span(max_days)
    if rows_per_second and target_rows:
        # At least one second past `start`: the next window starts at this one's end.
        span = min(span, ONE_SECOND * max(int(target_rows / rows_per_second) - 1, 1))
    return Window(start, min(start + span, end))


def longest_span(days: int) -> dt.timedelta:
    """The longest `date_end - date_ini` of a window of `days` days, both ends included.

    `[d 00:00:00, d+N-1 23:59:59]`: N days to the second, touching N calendar days when
    it starts at midnight. `[d, d+N 00:00:00]` would be one second (and one day) more.
    """
    return dt.timedelta(days=days) - ONE_SECOND


NARROWER_DAYS = (7, 1)
"""Window lengths tried after a refused window, longest first: likely limits (a week; skill_5's day)."""


@dataclass
class LearnedLimit:
    """The longest window a report accepts, learned this run from the windows it refused.

    Not every report's range limit is documented (skill_5 allows one day, not 31), nor the
    words of a refusal. A refused window is asked again at the next likely limit below it
    (`NARROWER_DAYS`), and the span accepted caps every later window: a limit costs a
    refused call or two once a run, not one a window.
    """

    days: int | None = None
    """The days of the longest window accepted since a refusal; None until a window is refused."""
    refused: str | None = None
    """Why the last window was refused, until a shorter one is accepted (see `accepted`)."""

    @property
    def longest(self) -> dt.timedelta | None:
        """The cap on `date_end - date_ini`."""
        return None if self.days is None else longest_span(self.days)

    def narrower(self, window: Window, reason: str) -> Window | None:
        """The window to ask instead of a refused one; None when no shorter one is worth a call."""
        span = window.end - window.start
        days = next((days for days in NARROWER_DAYS if longest_span(days) < span), None)
        if days is None:
            return None
        self.days, self.refused = days, self.refused or reason
        return Window(window.start, window.start + longest_span(days))

    def clip(self, window: Window) -> Window:
        """The window, no longer than the learned limit."""
        if self.longest is None or window.end - window.start <= self.longest:
            return window
        return Window(window.start, window.start + self.longest)

    def accepted(self) -> str | None:
        """After a window was accepted: why a longer one was refused, once; else None."""
        reason, self.refused = self.refused, None
        return reason


def describe_span(span: dt.timedelta) -> str:
    """`31 days` for `longest_span(31)`: a window's length, both ends counted."""
    days = (span + ONE_SECOND) / dt.timedelta(days=1)
    return f"{days:.3g} day" if days == 1 else f"{days:.3g} days"


def can_split(window: Window) -> bool:
    """Whether `split_window` gives two windows each shorter than this one."""
    return window.end - window.start >= 2 * ONE_SECOND


def split_window(window: Window) -> tuple[Window, Window]:
    """Halve a window at a whole second; the halves share the middle second, like all windows."""
    if not can_split(window):
        msg = f"window {window} is too short to split"
        raise ValueError(msg)
    middle = window.start + ONE_SECOND * ((window.seconds - 1) // 2)
    return Window(window.start, middle), Window(middle, window.end)


def isolate(window: Window, second: dt.datetime) -> Window:
    """The part of `window` to ask first when `second` (in it) may hold most of a full answer alone.

    Up to the second before it; from there, the shortest window that holds it whether
    `date_end` is inclusive or not: `[second - 1 s, second + 1 s]` at most.
    """
    if window.start < second - ONE_SECOND:
        return Window(window.start, min(window.end, second - ONE_SECOND))
    return Window(window.start, min(window.end, second + ONE_SECOND))


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


def earliest_utc(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The earliest instant a naive wall time can mean: for bookmarks, which must never skip a row.

    A repeated wall time (fall-back) gives its first occurrence; a skipped one
    (spring-forward gap) the instant before the gap that it would have been.
    """
    return min(value.replace(tzinfo=tz, fold=fold).astimezone(dt.timezone.utc) for fold in (0, 1))


MAX_CLOCK_CHANGE = dt.timedelta(hours=3)
"""Larger than any time-zone transition: how near a DST fall-back must be to matter."""


def naive_span(start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The naive local range that holds every wall time of the UTC instants `start`..`end`.

    Usually their wall times. But after a fall-back the clock shows earlier times
    again: if one follows `start`, wall times before `start`'s are still to come, and
    if one precedes `end`, `end`'s wall time is earlier than some already passed.
    """
    low, high = to_local_naive(start, tz), to_local_naive(end, tz)
    low, high = truncate_to_second(low), truncate_to_second(high)
    if transition := _fall_back_between(start, min(start + MAX_CLOCK_CHANGE, end), tz):
        low = min(low, to_local_naive(transition, tz))
    if transition := _fall_back_between(max(end - MAX_CLOCK_CHANGE, start), end, tz):
        high = max(high, to_local_naive(transition - ONE_SECOND, tz))
    return low, high


def _fall_back_between(start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> dt.datetime | None:
    """The first instant in `(start, end]` where `tz`'s offset drops, to the second; None if none."""

    def offset(value: dt.datetime) -> dt.timedelta | None:
        return value.astimezone(tz).utcoffset()

    if start >= end or not (offset(end) or dt.timedelta()) < (offset(start) or dt.timedelta()):
        return None
    low, high = start, end  # offset(low) is the old one, offset(high) the new one
    while high - low > ONE_SECOND:
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if offset(middle) == offset(start):
            low = middle
        else:
            high = middle
    return high


ISO_SPACE = "%Y-%m-%d %H:%M:%S"
"""How most reports send date-times: naive local, `YYYY-MM-DD HH:MM:SS`."""


def parse_row_naive(value: object, date_format: str = ISO_SPACE) -> dt.datetime | None:
    """The naive local date-time a row's raw value means: the one row-date parser.

    None for anything that is not text in `date_format` (empty, malformed, wrong type):
    the caller decides what to do with such a row.
    """
    if not isinstance(value, str):
        return None
    if date_format == ISO_SPACE:
        # fromisoformat is C and much faster than strptime; the shape checks keep it to
        # exactly the API's format (it would also take "T", offsets, fractions, dates).
        if len(value) != 19 or value[10] != " ":
            return None
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    try:
        return dt.datetime.strptime(value, date_format)
    except ValueError:
        return None


def parse_row_date(value: object, tz: ZoneInfo, date_format: str = ISO_SPACE) -> dt.datetime | None:
    """A row's date-time (naive local, `date_format`) as aware UTC; None if it is not one."""
    naive = parse_row_naive(value, date_format)
    return None if naive is None else local_naive_to_utc(naive, tz)


_MINUTES_SECONDS = frozenset(f":{m:02d}:{s:02d}" for m in range(60) for s in range(60))
_DIGITS = frozenset("0123456789")


def row_date_to_utc_text(value: object, tz: ZoneInfo, hours: dict[str, str | None]) -> str | None:
    """`parse_row_date(value, tz).isoformat()` (None when that is None), faster.

    `hours` caches, per local `YYYY-MM-DD HH`, that hour's start in UTC as
    `YYYY-MM-DDTHH` when the whole hour has one offset of whole hours (its offset at
    :00:00 and at :59:59 are equal): a row of that hour then only has its date and hour
    shifted. Any other value or hour (a change of offset, a zone like +05:45) goes
    through `parse_row_date`. The caller bounds `hours` (a window's hours at most).
    """
    if not isinstance(value, str) or len(value) != 19 or value[13:] not in _MINUTES_SECONDS:
        parsed = parse_row_date(value, tz)
        return parsed.isoformat() if parsed else None
    hour = value[:13]
    try:
        prefix = hours[hour]
    except KeyError:
        prefix = hours[hour] = _utc_hour_prefix(hour, tz)
    if prefix is not None:
        return f"{prefix}{value[13:]}+00:00"
    parsed = parse_row_date(value, tz)
    return parsed.isoformat() if parsed else None


def _utc_hour_prefix(hour: str, tz: ZoneInfo) -> str | None:
    """'YYYY-MM-DDTHH' in UTC of a local 'YYYY-MM-DD HH' with one whole-hour offset; else None."""
    digits = hour[:4] + hour[5:7] + hour[8:10] + hour[11:]
    if hour[4] != "-" or hour[7] != "-" or hour[10] != " " or not _DIGITS.issuperset(digits):
        return None
    try:
        start = dt.datetime.fromisoformat(f"{hour}:00:00")
    except ValueError:
        return None
    offset = start.replace(tzinfo=tz).utcoffset()
    if offset is None or offset % dt.timedelta(hours=1):
        return None
    if start.replace(minute=59, second=59, tzinfo=tz).utcoffset() != offset:
        return None
    return (start - offset).isoformat()[:13]


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
