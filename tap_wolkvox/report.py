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
    ONE_SECOND,
    Window,
    incremental_start,
    local_naive_to_utc,
    next_window,
    parse_row_date,
    split_window,
    to_local_naive,
)

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

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

    # -- windows ----------------------------------------------------------------------

    def span(self, context: Context | None) -> tuple[dt.datetime, dt.datetime]:
        """This run's range, naive local: from the bookmark minus lookback (or `start_date`) to the end."""
        settings = self.settings
        start = incremental_start(self.read_bookmark(context), settings.start_date, settings.lookback)
        end = settings.end_date or dt.datetime.now(dt.timezone.utc)
        return to_local_naive(start, settings.tz), to_local_naive(end, settings.tz)

    def request_records(self, context: Context | None) -> t.Iterable[dict]:
        """Yield every row of every window, each window's rows sorted by `date`.

        Windows are sized to the campaign's density learned from the windows already
        read. One whose answer may have been cut (`max_rows_per_call` rows) is halved and
        asked again, and none of the cut answer's rows are emitted. STATE is written
        after every completed window.
        """
        campaign = (context or {}).get("campaign_id")
        cursor, end = self.span(context)
        pending: deque[Window] = deque()  # halves of a split window, asked before moving on
        density: float | None = None  # rows per second of the last complete window
        fetch = self.request_decorator(self._fetch_window)
        while pending or cursor <= end:
            window = (
                pending.popleft()
                if pending
                else next_window(
                    cursor, end, self.settings.window_days, density, int(self.max_rows_per_call * WINDOW_FILL)
                )
            )
            try:
                with self._giving_up(f"{self.api}, campaign {campaign}, window {window}"):
                    answer = fetch(context, window)
            except CallBudgetReached:
                self.log(
                    "max_calls_per_run reached before %s of campaign %s",
                    window,
                    campaign,
                    level=logging.WARNING,
                )
                return
            except WindowTimedOut:
                pending.extendleft(reversed(split_window(window)))
                self.log("Timed out on %s: asking again in two halves", window, level=logging.WARNING)
                continue
            with answer:
                if answer.count >= self.max_rows_per_call:
                    if window.seconds == 1:
                        self.report_usage()
                        raise errors.TruncatedSecondError(
                            f"{self.api}: the second {window.start} holds {self.max_rows_per_call}+ rows "
                            f"for campaign {campaign}; the API cannot return them all"
                        )
                    pending.extendleft(reversed(split_window(window)))
                    self.log(
                        "%s returned %d rows (may be cut): splitting",
                        window,
                        answer.count,
                        level=logging.INFO,
                    )
                    continue
                self.add_new_properties(answer.fields)
                yield from self.records_of(answer)
            self.usage.rows += answer.count
            density = answer.count / window.seconds
            cursor = window.end + ONE_SECOND
            self.complete_window(context, window)

    def _fetch_window(self, context: Context | None, window: Window) -> Answer:
        """One call for one window; a timeout on a long window asks for a split."""
        params = {"api": self.api, **(context or {}), **window.api_params()}
        self._utc_dates.clear()  # bounded: one window's distinct dates at most
        try:
            return self.call_api(
                self.path, params, context, sort_key=self._date_sort_key, stop_at=self.max_rows_per_call
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

    def records_of(self, answer: Answer) -> t.Iterator[dict]:
        """An answer's rows as records, sorted by `date`: in UTC, with `date_local` as sent.

        A row whose `date` cannot be parsed keeps its raw text in `date_local`, gets
        `date: null`, comes last in its window, and is counted in a warning.
        """
        unparsed = 0
        for (no_date, utc), row in answer.keyed():  # the sort key holds the converted date
            row["date_local"] = row.get("date")
            row["date"] = None if no_date else utc
            unparsed += no_date
            yield row
        if unparsed:
            self.log(
                "%d row(s) have a `date` that is not 'YYYY-MM-DD HH:MM:SS'; emitted with date=null "
                "and the raw value in date_local",
                unparsed,
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
        window_end = local_naive_to_utc(window.end, self.settings.tz)
        current = state.get("replication_key_value")
        if current is None or parse_bookmark(current, where=self.name) < window_end:
            state["replication_key"] = self.replication_key
            state["replication_key_value"] = window_end.isoformat()
        self.state_manager.is_flushed = False
        self._write_state_message()


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
