"""`WolkvoxReportStream`: one base class for Wolkvox `reports_manager.php` reports.

It owns what every report shares: the URL and token header, date windows, the
envelope, the error taxonomy (`errors.TAXONOMY`), retries, truncation splitting,
per-window STATE, and properties the API adds (`opt13`, ...). A report stream
subclass only declares its `api` name, schema and keys (see `streams.py`).
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import random
import time
import typing as t
from collections import deque
from contextlib import contextmanager
from functools import cached_property

import backoff
import msgspec
import requests
from singer_sdk.streams import RESTStream

from tap_wolkvox import errors
from tap_wolkvox.errors import Action, TransientError, WolkvoxAPIError, WolkvoxRetriableError
from tap_wolkvox.settings import Settings, parse_settings
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
    from backoff.types import Details
    from singer_sdk.helpers.types import Context

MAX_ROWS_PER_CALL = 60_000
"""The API silently cuts a response at this many rows: a full one may be incomplete."""

INFORMATION_PATH = "/api/v2/information.php"

SPLIT_ON_TIMEOUT_ABOVE = dt.timedelta(days=1)
"""A timeout on a window longer than this is taken as "too big for 60 s": it is halved."""

NETWORK_ERRORS = (
    ConnectionError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class WindowTimedOut(Exception):  # noqa: N818
    """A long window timed out; it is split instead of retried whole."""


class WolkvoxReportStream(RESTStream):
    """A `reports_manager.php` report, read per campaign in date windows."""

    api: t.ClassVar[str]
    """The report's `api` parameter, e.g. `campaign_3`."""

    path = "/api/v2/reports_manager.php"
    replication_key = "date"
    is_sorted = True  # rows are emitted sorted by `date` within each window
    check_sorted = False  # a lookback re-reads rows older than the bookmark on purpose
    max_rows_per_call = MAX_ROWS_PER_CALL
    allow_redirects = False  # a redirect would carry the token header to another host

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        # Own copy: `add_new_properties` grows it, and the declared one is shared.
        self.schema = copy.deepcopy(type(self).schema)  # type: ignore[misc,arg-type]
        self._last_call_ended = 0.0
        self.calls_made = 0

    # -- settings, URL, headers -------------------------------------------------------

    @cached_property
    def settings(self) -> Settings:
        """The validated settings."""
        return parse_settings(dict(self.config))

    @property
    def url_base(self) -> str:
        return self.settings.base_url

    @property
    def http_headers(self) -> dict:
        return {"wolkvox-token": self.config["token"], "User-Agent": self.user_agent}

    @property
    def timeout(self) -> float:  # type: ignore[override]
        return self.settings.request_timeout

    @property
    def partitions(self) -> list[dict]:
        return [{"campaign_id": campaign_id} for campaign_id in self.settings.campaign_ids]

    def get_new_paginator(self) -> None:
        return None  # Wolkvox has no pagination: smaller windows are the only way

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
            yield from self.rows_to_records(rows)
            self.complete_window(context, window)

    def fetch_information(self, api: str) -> list[dict]:
        """Rows of `information.php?api=...` (e.g. `campaigns`), with the same retries."""
        with self._giving_up(f"information {api}"):
            fetch = self.request_decorator(self.call_api)
            return fetch(INFORMATION_PATH, {"api": api}, None)  # type: ignore[no-any-return]

    def _fetch_window(self, context: Context | None, window: Window) -> list[dict]:
        """One call for one window; a timeout on a long window asks for a split."""
        params = {"api": self.api, **(context or {}), **window.api_params()}
        try:
            return self.call_api(self.path, params, context)
        except requests.exceptions.Timeout as exc:
            if window.end - window.start > SPLIT_ON_TIMEOUT_ABOVE:
                raise WindowTimedOut from exc
            raise

    def call_api(self, path: str, params: dict, context: Context | None) -> list[dict]:
        """One call: its rows, [] for none; raises per the taxonomy. Paced, not retried."""
        wait = self._last_call_ended + self.settings.min_call_interval_seconds - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        prepared = self.build_prepared_request(
            method="GET", url=f"{self.url_base}{path}", params=params, headers=self.http_headers
        )
        self.calls_made += 1
        try:
            response = self._request(prepared, context)  # validate_response runs here
        finally:
            self._last_call_ended = time.monotonic()
        return list(self.parse_response(response))

    @contextmanager
    def _giving_up(self, call: str) -> t.Iterator[None]:
        """Turn what is left after retries into one fatal error that says what to do."""
        try:
            yield
        except WolkvoxRetriableError as exc:
            raise WolkvoxAPIError(f"{exc} — still failing after retries") from exc
        except NETWORK_ERRORS as exc:
            msg = (
                f"{call}: network error after retries ({type(exc).__name__}); check connectivity "
                "and that the operation allows this machine's IP"
            )
            raise WolkvoxAPIError(msg) from exc

    # -- answers ----------------------------------------------------------------------

    def validate_response(self, response: requests.Response) -> None:
        """Apply `errors.TAXONOMY` to a non-200 answer (200s are checked in `parse_response`)."""
        if response.status_code == 200:
            return
        msg = _envelope_msg(response.content)
        rule = errors.find_rule(response.status_code, msg or response.text)
        if rule.action is Action.NO_ROWS:
            return
        raise errors.error_for(
            rule,
            call=errors.describe_call(response.url),
            status=response.status_code,
            detail=msg or response.text,
        )

    def parse_response(self, response: requests.Response) -> t.Iterable[dict]:
        """The rows of a 200 envelope; [] for "no rows"; raises for anything else."""
        if response.status_code != 200:
            return []
        call = errors.describe_call(response.url)
        try:
            envelope = msgspec.json.decode(response.content)
        except msgspec.DecodeError as exc:
            # HTML from a proxy, or JSON cut mid-transfer: worth asking again.
            msg = f"{call}: the answer is not valid JSON ({exc}): {errors.cap(response.text)}"
            raise TransientError(msg) from exc
        if not isinstance(envelope, dict):
            raise WolkvoxAPIError(f"{call}: unexpected answer {errors.cap(response.text)}")
        code = str(envelope.get("code"))
        if code != "200":
            msg = str(envelope.get("msg") or "")
            rule = errors.find_rule(int(code) if code.isdigit() else 0, msg)
            if rule.action is Action.NO_ROWS:
                return []
            raise errors.error_for(rule, call=call, status=response.status_code, detail=f"code {code}: {msg}")
        data = envelope.get("data")
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise WolkvoxAPIError(
                f"{call}: code 200 without a list of rows in `data`: {errors.cap(response.text)}"
            )
        return data

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
            record = {key: _as_text(value) for key, value in row.items()}
            record["date_local"] = _as_text(raw)
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

    def add_new_properties(self, records: list[dict]) -> None:
        """Add fields the API returned that the schema lacks (e.g. `opt13`), and re-send SCHEMA.

        They are typed as nullable strings, like every documented field, so a column's
        type never depends on data. The SDK would otherwise drop them with a warning.
        """
        known = self.schema["properties"]
        new = sorted({key for record in records for key in record if key not in known})
        if not new:
            return
        for schema in {id(s): s for s in (self.schema, self.effective_schema)}.values():
            for key in new:
                schema["properties"].setdefault(key, {"type": ["string", "null"]})
        # The SDK caches schema-derived stream maps; rebuild them so SCHEMA and
        # RECORD messages carry the new properties.
        if self._tap.mapper is not None:
            self._tap.mapper.register_raw_stream_schema(self.name, self.effective_schema, self.primary_keys)
        self._stream_maps = None
        self.log("The API returned new field(s) %s: added to the schema", new, level=logging.WARNING)
        if self.selected:
            self._write_schema_message()

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

    # -- retries ----------------------------------------------------------------------

    def request_decorator(self, func: t.Callable) -> t.Callable:
        """Retry per the taxonomy's action: backoff, long growing waits, one confirmation."""
        settings = self.settings
        transient = backoff.on_exception(
            backoff.expo,
            (TransientError, *NETWORK_ERRORS),
            max_tries=settings.max_retries + 1,
            factor=settings.retry_wait_seconds,
            max_value=300,
            jitter=backoff.full_jitter,
            on_backoff=self.backoff_handler,
            logger=None,
        )
        busy = backoff.on_exception(
            backoff.expo,
            errors.BusyError,
            max_tries=settings.busy_retries + 1,
            factor=settings.busy_wait_seconds,
            max_value=1800,
            jitter=_stretch_jitter,
            on_backoff=self.backoff_handler,
            logger=None,
        )
        confirm = backoff.on_exception(
            backoff.constant,
            errors.TokenRejectedError,
            max_tries=2,
            interval=settings.retry_wait_seconds,
            jitter=None,
            on_backoff=self.backoff_handler,
            logger=None,
        )
        return confirm(busy(transient(func)))  # type: ignore[no-any-return]

    def backoff_handler(self, details: Details) -> None:
        """Log a retry without the request object (its headers hold the token)."""
        exc = details.get("exception")
        self.log(
            "Retry %d in %.1fs after: %s",
            details.get("tries"),
            details.get("wait") or 0,
            f"{type(exc).__name__}: {exc}" if isinstance(exc, WolkvoxRetriableError) else type(exc).__name__,
            level=logging.WARNING,
        )


def _stretch_jitter(value: float) -> float:
    """Up to 25% more: spreads retries of processes sharing a token, and keeps waits growing."""
    return value * random.uniform(1.0, 1.25)  # noqa: S311  (jitter, not cryptography)


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


def _envelope_msg(body: bytes) -> str:
    """The envelope's `msg` (or `error`) from an error answer, '' if there is none."""
    try:
        envelope = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return ""
    if not isinstance(envelope, dict):
        return ""
    return str(envelope.get("msg") or envelope.get("error") or "")


def _as_text(value: object) -> str | None:
    """Every Wolkvox value is a string; anything else is kept as its JSON text."""
    if value is None or isinstance(value, str):
        return value
    return msgspec.json.encode(value).decode()
