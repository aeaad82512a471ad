"""`WolkvoxReportStream`: a `reports_manager.php` report, read per campaign in date windows.

It adds to `WolkvoxStream` what every report shares: date windows, truncation
splitting, rows sorted by `date` in UTC, and a bookmark plus STATE after every window.
A report subclass only declares its `api` name, schema and keys (see `streams.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t
from collections import deque

import requests
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_wolkvox import errors
from tap_wolkvox.answer import Answer
from tap_wolkvox.client import WolkvoxStream
from tap_wolkvox.usage import CallBudgetReached
from tap_wolkvox.windows import (
    Window,
    can_split,
    earliest_utc,
    incremental_start,
    naive_span,
    next_window,
    parse_row_date,
    split_window,
)

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
"""How rows carry `date`: naive local, so rows compare with a window's edges as text."""

MAX_ROWS_PER_CALL = 60_000
"""The API silently cuts a response at this many rows: a full one may be incomplete."""

WINDOW_FILL = 0.9
"""Windows are sized for 90% of a full answer at the density seen so far: room for variation."""

SPLIT_ON_TIMEOUT_ABOVE = dt.timedelta(days=1)
"""A timeout on a window longer than this is taken as "too big for 60 s": it is halved."""


class WindowTimedOut(Exception):  # noqa: N818
    """A long window timed out; it is split instead of retried whole."""


class WolkvoxReportStream(WolkvoxStream):
    """A `reports_manager.php` report, read per campaign in date windows."""

    api: t.ClassVar[str]
    """The report's `api` parameter, e.g. `campaign_3`."""

    path = "/api/v2/reports_manager.php"
    replication_key = "date"
    is_sorted = True  # rows are emitted sorted by `date` within each window
    check_sorted = False  # a lookback re-reads rows older than the bookmark on purpose
    max_rows_per_call = MAX_ROWS_PER_CALL
    # Records are built as strings (and `date` as RFC 3339) already; per-record type
    # conformance was a third of the tap's CPU time.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._utc_dates: dict[str, str | None] = {}
        self._renames_logged: set[str] = set()

    # -- windows ----------------------------------------------------------------------

    def span(self, context: Context | None) -> tuple[dt.datetime, dt.datetime]:
        """This run's range, naive local: from the bookmark minus lookback (or `start_date`) to the end.

        The end is `end_date` or now, and never later than now: a window (and so a
        bookmark) past now would skip the rows written after the call.
        """
        settings = self.settings
        now = dt.datetime.now(dt.timezone.utc)
        start = incremental_start(self.read_bookmark(context), settings.start_date, settings.lookback)
        end = min(settings.end_date or now, now)
        return naive_span(min(start, end), end, settings.tz)

    def request_records(self, context: Context | None) -> t.Iterable[dict]:
        """Yield every row of every window, each window's rows sorted by `date`.

        Windows are sized to the density learned from the windows already read, and
        share their edge second (see `windows.py`): the edge second's rows already
        emitted are skipped. One whose answer may have been cut (`max_rows_per_call`
        rows) is halved and asked again, and none of the cut answer's rows are emitted.
        STATE is written after every completed window.
        """
        where = self.describe_partition(context)
        cursor, end = self.span(context)
        pending: deque[Window] = deque()  # halves of a split window, asked before moving on
        density: float | None = None  # rows per second of the last complete window
        edge_keys: set[tuple] = set()  # keys emitted in the second this window shares with the last
        fetch = self.request_decorator(self._fetch_window)
        done = False
        while pending or not done:
            window = pending.popleft() if pending else self.plan_window(cursor, end, density)
            try:
                with self._giving_up(f"{self.api}{where}, window {window}"):
                    answer = fetch(context, window)
            except CallBudgetReached:
                self.log("max_calls_per_run reached before %s%s", window, where, level=logging.WARNING)
                return
            except WindowTimedOut:
                pending.extendleft(reversed(split_window(window)))
                self.log("Timed out on %s: asking again in two halves", window, level=logging.WARNING)
                continue
            with answer:
                if answer.received >= self.max_rows_per_call:
                    if not can_split(window):
                        raise errors.TruncatedSecondError(
                            f"{self.api}{where}: the seconds {window} hold {self.max_rows_per_call}+ "
                            "rows; the API cannot return them all"
                        )
                    pending.extendleft(reversed(split_window(window)))
                    self.log("%s returned %d rows (may be cut): splitting", window, answer.count)
                    continue
                emitted = yield from self.records_of(answer, window, edge_keys)
            self.log("%s%s %s: %d rows, %d calls so far", self.api, where, window, emitted, self.usage.calls)
            self.usage.rows += emitted
            density = max(answer.count, 1) / window.seconds
            cursor, done = window.end, window.end >= end and not pending
            self.complete_window(context, window)

    def plan_window(self, cursor: dt.datetime, end: dt.datetime, density: float | None) -> Window:
        """The next window from `cursor`, sized to the density seen so far."""
        target = int(self.max_rows_per_call * WINDOW_FILL)
        return next_window(cursor, end, self.settings.window_days, density, target)

    def describe_partition(self, context: Context | None) -> str:
        """`, campaign 101` for log lines; '' for a stream without partitions."""
        return "".join(f", {name.removesuffix('_id')} {value}" for name, value in (context or {}).items())

    def _fetch_window(self, context: Context | None, window: Window) -> Answer:
        """One call for one window; a timeout on a long window asks for a split."""
        params = {"api": self.api, **(context or {}), **window.api_params()}
        self._utc_dates.clear()  # bounded: one window's distinct dates at most
        try:
            return self.call_api(
                self.path, params, sort_key=self._date_sort_key, stop_at=self.max_rows_per_call
            )
        except requests.exceptions.Timeout as exc:
            if window.end - window.start > SPLIT_ON_TIMEOUT_ABOVE:
                raise WindowTimedOut from exc
            raise

    # -- records ----------------------------------------------------------------------

    def generate_child_contexts(self, record: dict, context: Context | None) -> t.Iterable[Context | None]:
        """None without child streams: the SDK would copy the context for every record."""
        if self.child_streams:
            yield from super().generate_child_contexts(record, context)

    def _utc(self, raw: object) -> str | None:
        """A row's `date` as RFC 3339 UTC, None if it cannot be parsed (cached: dates repeat)."""
        if not isinstance(raw, str):
            return None
        try:
            return self._utc_dates[raw]
        except KeyError:
            parsed = parse_row_date(raw, self.settings.tz)
            utc = self._utc_dates[raw] = parsed.isoformat() if parsed else None
            return utc

    def _date_sort_key(self, row: dict) -> tuple[bool, str]:
        utc = self._utc(row.get("date"))
        return (utc is None, utc or "")

    def records_of(
        self, answer: Answer, window: Window, edge_keys: set[tuple]
    ) -> t.Generator[dict, None, int]:
        """An answer's rows as records, sorted by `date`: in UTC, with `date_local` as sent.

        Rows of the edge second already emitted (keys in `edge_keys`) and rows dated
        outside the window (their own window reads them) are skipped and counted; so
        no row is emitted twice in a run. A row whose `date` cannot be parsed keeps
        its raw text in `date_local`, gets `date: null` and comes last. Key fields are
        never null: a missing one is emitted as "". Returns how many were emitted.
        """
        self.log_renames(answer.renamed)
        self.add_new_properties(answer.fields)
        first, last = window.start.strftime(DATE_FORMAT), window.end.strftime(DATE_FORMAT)
        counts = {"unparsed": 0, "outside": 0, "edge": 0, "null_key": 0}
        new_edge_keys: set[tuple] = set()
        emitted = 0
        for (no_date, utc), row in answer.keyed():  # the sort key holds the converted date
            local = row.get("date")
            row["date_local"] = local
            row["date"] = None if no_date else utc
            counts["unparsed"] += no_date
            if not no_date and not first <= local <= last:  # type: ignore[operator]
                counts["outside"] += 1
                continue
            counts["null_key"] += self.fill_null_keys(row)
            key = tuple(row[name] for name in self.primary_keys)
            if local == first and key in edge_keys:
                counts["edge"] += 1
                continue
            if local == last:
                new_edge_keys.add(key)
            emitted += 1
            yield row
        edge_keys.clear()
        edge_keys.update(new_edge_keys)
        self.warn_about(counts, answer.duplicates, window)
        return emitted

    def log_renames(self, renamed: dict[str, str]) -> None:
        """Log each field the API named oddly and what it is called in records, once a run."""
        for raw, name in renamed.items():
            if name not in self._renames_logged:
                self._renames_logged.add(name)
                self.log("Field %r of %s is emitted as `%s`", raw, self.api, name, level=logging.WARNING)

    def fill_null_keys(self, row: dict) -> int:
        """Put "" in the row's null or missing key fields (targets refuse null keys); 1 if any."""
        missing = [name for name in self.primary_keys if row.get(name) is None]
        for name in missing:
            row[name] = ""
        return 1 if missing else 0

    def warn_about(self, counts: dict[str, int], duplicates: int, window: Window) -> None:
        """One warning per kind of odd row in a window's answer (none about the edge second)."""
        messages = {
            "unparsed": "have a `date` that is not 'YYYY-MM-DD HH:MM:SS': emitted with date=null and "
            "the raw value in date_local",
            "outside": "are dated outside the window asked for: skipped, their own window reads them",
            "null_key": 'have a null key field: emitted with "" in it',
        }
        for kind, text in messages.items():
            if counts[kind]:
                self.log("%s %s: %d row(s) %s", self.api, window, counts[kind], text, level=logging.WARNING)
        if duplicates:
            self.log(
                "%s %s: %d exact duplicate row(s) in the answer, emitted once",
                self.api,
                window,
                duplicates,
                level=logging.WARNING,
            )

    # -- state ------------------------------------------------------------------------

    def _increment_stream_state(self, latest_record: dict, *, context: Context | None = None) -> None:
        """No per-record bookmark: `complete_window` moves it once a window is done.

        The SDK's per-record update cost a tenth of the tap's time, and a bookmark taken
        mid-window is no better for resuming than the last window's end.
        """

    def read_bookmark(self, context: Context | None) -> dt.datetime | None:
        """This partition's bookmark from the input state, as an aware UTC datetime."""
        value = self.get_context_state(context).get("replication_key_value")
        if value is None:
            return None
        return parse_bookmark(value, where=f"{self.name} {context or ''}")

    def complete_window(self, context: Context | None, window: Window) -> None:
        """Move the bookmark to the window's end and write STATE: the window is done."""
        state = self.get_context_state(context)
        window_end = earliest_utc(window.end, self.settings.tz)
        current = state.get("replication_key_value")
        if current is None or parse_bookmark(current, where=self.name) < window_end:
            state["replication_key"] = self.replication_key
            state["replication_key_value"] = window_end.isoformat()
        self._tap.state_writer.write_state(self.tap_state)


def parse_bookmark(value: object, *, where: str) -> dt.datetime:
    """A bookmark the tap wrote: an ISO 8601 date-time with an offset."""
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        msg = (
            # The value itself is not echoed: a state file is no place to trust with secrets.
            f"State for {where}: the bookmark is not an ISO 8601 date-time with an offset "
            "(e.g. 2026-03-01T04:59:59+00:00), which is what tap-wolkvox writes. Fix or remove it."
        )
        raise ValueError(msg)
    return parsed.astimezone(dt.timezone.utc)
