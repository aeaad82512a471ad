"""`WolkvoxStream`: the base of every Wolkvox stream.

It owns what every call shares: the URL and token header, the envelope, the error
taxonomy (`errors.TAXONOMY`), retries, the call count and budget (`usage.py`), and
properties the API adds (`opt13`, ...). Date windows live in `report.py`.
"""

from __future__ import annotations

import copy
import logging
import random
import time
import typing as t
from contextlib import contextmanager

import backoff
import msgspec
import requests
from singer_sdk.streams import RESTStream

from tap_wolkvox import errors
from tap_wolkvox.answer import CHUNK, Answer, read_answer
from tap_wolkvox.errors import Action, TransientError, WolkvoxAPIError, WolkvoxRetriableError
from tap_wolkvox.settings import Settings
from tap_wolkvox.usage import ApiUsage

if t.TYPE_CHECKING:
    from backoff.types import Details
    from singer_sdk.helpers.types import Context

INFORMATION_PATH = "/api/v2/information.php"

NETWORK_ERRORS = (
    ConnectionError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class WolkvoxStream(RESTStream):
    """A stream read from the Wolkvox API v2."""

    allow_redirects = False  # a redirect would carry the token header to another host

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        # Own copy: `add_new_properties` grows it, and the declared one is shared.
        self.schema = copy.deepcopy(type(self).schema)  # type: ignore[misc,arg-type]
        # Bodies are read as they arrive (`parse_response`), never whole into memory.
        self.requests_session.stream = True
        self._last_call_ended = 0.0

    # -- settings, URL, headers -------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The validated settings, parsed once by the tap."""
        return self._tap.settings  # type: ignore[attr-defined,no-any-return]

    @property
    def usage(self) -> ApiUsage:
        """The run's call count and budget, shared by every stream of the tap."""
        return self._tap.usage  # type: ignore[attr-defined,no-any-return]

    def log_sync_costs(self) -> None:
        """The SDK's per-stream costs, then, once per run, the quota line."""
        super().log_sync_costs()
        if self is list(self._tap.streams.values())[-1]:
            self.report_usage()

    def report_usage(self) -> None:
        """Log the run's quota line (`usage.summary`), once: at the end, or when it stops on an error."""
        if not self.usage.reported:
            self.usage.reported = True
            self.log("%s", self.usage.summary(), level=logging.INFO)

    @property
    def url_base(self) -> str:
        return self.settings.base_url

    @property
    def http_headers(self) -> dict:
        return {"wolkvox-token": self.config["token"], "User-Agent": self.user_agent}

    @property
    def timeout(self) -> float:  # type: ignore[override]
        return self.settings.request_timeout

    def get_new_paginator(self) -> None:
        return None  # Wolkvox has no pagination: smaller windows are the only way

    # -- calls ------------------------------------------------------------------------

    def fetch_information(self, api: str) -> list[dict]:
        """Rows of `information.php?api=...` (e.g. `campaigns`), with the same retries."""
        with self._giving_up(f"information {api}"):
            fetch = self.request_decorator(self.call_api)
            with fetch(INFORMATION_PATH, {"api": api}, None) as answer:
                return list(answer)

    def call_api(
        self,
        path: str,
        params: dict,
        context: Context | None,
        *,
        sort_key: t.Callable[[dict], t.Any] | None = None,
        stop_at: int | None = None,
    ) -> Answer:
        """One call: its rows (see `parse_response`); raises per the taxonomy. Paced, not retried."""
        wait = self._last_call_ended + self.settings.min_call_interval_seconds - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        prepared = self.build_prepared_request(
            method="GET", url=f"{self.url_base}{path}", params=params, headers=self.http_headers
        )
        self.usage.spend_one()
        try:
            response = self._request(prepared, context)  # validate_response runs here
        finally:
            self._last_call_ended = time.monotonic()
        return self.parse_response(response, sort_key=sort_key, stop_at=stop_at)

    @contextmanager
    def _giving_up(self, call: str) -> t.Iterator[None]:
        """Turn what is left after retries into one fatal error that says what to do."""
        try:
            yield
        except WolkvoxAPIError:
            self.report_usage()
            raise
        except WolkvoxRetriableError as exc:
            self.report_usage()
            raise WolkvoxAPIError(f"{exc} — still failing after retries") from exc
        except NETWORK_ERRORS as exc:
            self.report_usage()
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

    def parse_response(
        self,
        response: requests.Response,
        *,
        sort_key: t.Callable[[dict], t.Any] | None = None,
        stop_at: int | None = None,
    ) -> Answer:
        """The rows of a 200 envelope, streamed to disk (`answer.read_answer`); none for "no rows"."""
        if response.status_code != 200:  # only "no rows" 404s get here
            return Answer()
        return read_answer(
            response.iter_content(CHUNK),
            call=errors.describe_call(response.url),
            status=response.status_code,
            sort_key=sort_key,
            stop_at=stop_at,
        )

    # -- records ----------------------------------------------------------------------

    def add_new_properties(self, fields: t.Iterable[str]) -> None:
        """Add fields the API returned that the schema lacks (e.g. `opt13`), and re-send SCHEMA.

        They are typed as nullable strings, like every documented field, so a column's
        type never depends on data. Otherwise the SDK would drop them with a warning (with
        type conformance on) or send them in RECORDs that no SCHEMA announces.
        """
        known = self.schema["properties"]
        new = sorted(set(fields) - set(known))
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


def _envelope_msg(body: bytes) -> str:
    """The envelope's `msg` (or `error`) from an error answer, '' if there is none."""
    try:
        envelope = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return ""
    if not isinstance(envelope, dict):
        return ""
    return str(envelope.get("msg") or envelope.get("error") or "")
