"""Progress of a long run, for the line logged after each window.

A backfill of many streams over many days is hundreds of windows; each line says which
stream of how many this is, how many days of its range are done, the calls so far and,
at the pace of this range so far, about how long the range has left. Local times appear
in these lines without an offset: the run's first line names their time zone, once.
"""

from __future__ import annotations

import datetime as dt
import time
import typing as t
from dataclasses import dataclass, field

if t.TYPE_CHECKING:
    from tap_wolkvox.windows import Window

DAY = dt.timedelta(days=1)


def days(span: dt.timedelta) -> float:
    return span / DAY


def time_left(elapsed: float, done: dt.timedelta, total: dt.timedelta) -> float | None:
    """Seconds left at the pace so far (`elapsed` seconds for `done` of `total`); None before any."""
    if done <= dt.timedelta(0) or elapsed < 0:
        return None
    return max(elapsed * (total - done) / done, 0.0)


def duration(seconds: float) -> str:
    """`under a minute`, `about 4 min`, `about 2 h 05 min` (an estimate: whole minutes)."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60:02d} min"


def day_count(value: float) -> str:
    """Days to one decimal, without a trailing `.0`: `3`, `2.5`, `0.1`."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


@dataclass
class RunProgress:
    """The run's part of each line: the selected streams (in sync order) and the zone, named once."""

    streams: tuple[str, ...]
    zone: str
    clock: t.Callable[[], float] = time.monotonic
    zone_named: bool = False

    def range(self, stream: str, where: str, start: dt.datetime, end: dt.datetime) -> RangeProgress:
        """A stream's (partition's) range `start..end`, naive local, its reading starting now."""
        return RangeProgress(self, stream, where, start, end, began=self.clock())

    def position(self, stream: str) -> str:
        """`stream 5 of 15` among the selected streams; a stream not among them counts as one more."""
        count = len(self.streams)
        if stream in self.streams:
            return f"stream {self.streams.index(stream) + 1} of {count}"
        return f"stream {count + 1} of {count + 1}"

    def zone_note(self) -> str:
        """` (local times: ZONE)` the first time, '' after."""
        if self.zone_named:
            return ""
        self.zone_named = True
        return f" (local times: {self.zone})"


@dataclass
class RangeProgress:
    """One range being read window by window."""

    run: RunProgress
    stream: str
    where: str
    start: dt.datetime
    end: dt.datetime
    began: float = field(default=0.0)

    def after(self, window: Window, rows: int, calls: int) -> str:
        """The line logged once `window` is read: `rows` it gave, `calls` of the run so far."""
        total = max(self.end - self.start, dt.timedelta(0))
        done = min(max(window.end - self.start, dt.timedelta(0)), total)
        left = time_left(self.run.clock() - self.began, done, total)
        if done >= total:
            estimate = ", range done"
        else:
            estimate = "" if left is None else f", {duration(left)} left in this range"
        return (
            f"{self.stream}{self.where} {window}{self.run.zone_note()}: {rows} rows; "
            f"{self.run.position(self.stream)}, {day_count(days(done))} of "
            f"{day_count(days(total))} days done, {calls} call{'' if calls == 1 else 's'} so far{estimate}"
        )
