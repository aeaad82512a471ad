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

from tap_wolkvox import errors
from tap_wolkvox.client import WolkvoxStream, as_text
from tap_wolkvox.usage import CallBudgetReached
from tap_wolkvox.windows import (
    Window,
    incremental_start,
    local_naive_to_utc,
    parse_row_date,
    plan_windows,
    split_window,
    to_local_naive,
)

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

MAX_ROWS_PER_CALL = 60_000
"""The API silently cuts a response at this many rows: a full one may be incomplete."""

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

    # -- windows ----------------------------------------------------------------------

    def plan(self, context: Context | None) -> list[Window]:
        """The windows this run asks for, from the bookmark (or `start_date`) to the end."""
        settings = self.settings
        start = incremental_start(self.read_bookmark(context), settings.start_date, settings.lookback)
        end = settings.end_date or dt.datetime.now(dt.timezone.utc)
        return plan_windows(
            to_local_naive(start, settings.tz),
            to_local_naive(end, settings.tz),
            settings.window_days,
        )

    def request_records(self, context: Context | None) -> t.Iterable[dict]:
        """Yield every row of every window, each window's rows sorted by `date`.

        A window whose answer may have been cut (`max_rows_per_call` rows) is halved
        and asked again, and none of the cut answer's rows are emitted. STATE is
        written after every completed window.
        """
        campaign = (context or {}).get("campaign_id")
        pending = deque(self.plan(context))
        fetch = self.request_decorator(self._fetch_window)
        while pending:
            window = pending.popleft()
            try:
                with self._giving_up(f"{self.api}, campaign {campaign}, window {window}"):
                    rows = fetch(context, window)
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
            if len(rows) >= self.max_rows_per_call:
                if window.seconds == 1:
                    raise errors.TruncatedSecondError(
                        f"{self.api}: the second {window.start} holds {self.max_rows_per_call}+ rows "
                        f"for campaign {campaign}; the API cannot return them all"
                    )
                pending.extendleft(reversed(split_window(window)))
                self.log("%s returned %d rows (may be cut): splitting", window, len(rows), level=logging.INFO)
                continue
            records = self.rows_to_records(rows)
            self.usage.rows += len(records)
            yield from records
            self.complete_window(context, window)

    def _fetch_window(self, context: Context | None, window: Window) -> list[dict]:
        """One call for one window; a timeout on a long window asks for a split."""
        params = {"api": self.api, **(context or {}), **window.api_params()}
        try:
            return self.call_api(self.path, params, context)
        except requests.exceptions.Timeout as exc:
            if window.end - window.start > SPLIT_ON_TIMEOUT_ABOVE:
                raise WindowTimedOut from exc
            raise

    # -- records ----------------------------------------------------------------------

    def rows_to_records(self, rows: list[dict]) -> list[dict]:
        """Rows as records sorted by `date`: `date` in UTC, `date_local` as the API gave it.

        A row whose `date` cannot be parsed keeps its raw text in `date_local`, gets
        `date: null`, is emitted last in its window, and is counted in a warning.
        """
        tz = self.settings.tz
        records = []
        unparsed = 0
        for row in rows:
            raw = row.get("date")
            parsed = parse_row_date(raw, tz)
            unparsed += parsed is None
            record = {key: as_text(value) for key, value in row.items()}
            record["date_local"] = as_text(raw)
            record["date"] = parsed.isoformat() if parsed else None
            records.append(record)
        if unparsed:
            self.log(
                "%d row(s) have a `date` that is not 'YYYY-MM-DD HH:MM:SS'; emitted with date=null "
                "and the raw value in date_local",
                unparsed,
                level=logging.WARNING,
            )
        records.sort(key=lambda r: (r["date"] is None, r["date"] or ""))
        self.add_new_properties(records)
        return records

    # -- state ------------------------------------------------------------------------

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
