"""`WolkvoxStream`: the base of every Wolkvox stream.

It owns what every call shares: the URL and token header, the envelope, the error
taxonomy (`errors.TAXONOMY`), retries, the call count and budget (`usage.py`), and
properties the API adds (`opt13`, ...). Date windows live in `report.py`.
"""

from __future__ import annotations

import copy
import logging
import random
import typing as t
from contextlib import contextmanager

import backoff
import msgspec
import requests
import urllib3
from singer_sdk.streams import RESTStream
from typing_extensions import override

from tap_wolkvox import errors, redact
from tap_wolkvox.answer import CHUNK, Answer, SortBy, read_answer
from tap_wolkvox.deadline import CallDeadline, CallTimedOut, DeadlineAdapter, checked
from tap_wolkvox.errors import (
    Action,
    BusyError,
    TransientError,
    WolkvoxAPIError,
    WolkvoxRetriableError,
    network_reason,
)
from tap_wolkvox.settings import Settings
from tap_wolkvox.usage import ApiUsage

if t.TYPE_CHECKING:
    from backoff.types import Details

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
        # `request_timeout` bounds each call in all, body included (`deadline.py`).
        for prefix in ("http://", "https://"):
            self.requests_session.mount(prefix, DeadlineAdapter())
        self._previous_call_timed_out = False

    # -- settings, URL, headers -------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The validated settings, parsed once by the tap."""
        return self._tap.settings  # type: ignore[attr-defined,no-any-return]

    @property
    def usage(self) -> ApiUsage:
        """The run's call count and budget, shared by every stream of the tap."""
        return self._tap.usage  # type: ignore[attr-defined,no-any-return]

    @property
    @override
    def url_base(self) -> str:
        return self.settings.base_url

    @property
    @override
    def http_headers(self) -> dict:
        token = self.settings.token
        redact.register(token)  # before it is sent: a server may echo it, and no log line may show it
        return {"wolkvox-token": token, "User-Agent": self.user_agent}

    @property
    @override
    def timeout(self) -> float:  # type: ignore[override]
        return self.settings.request_timeout

    @override
    def get_new_paginator(self) -> None:
        return None  # Wolkvox has no pagination: smaller windows are the only way

    # -- calls ------------------------------------------------------------------------

    def fetch_information(self, api: str, *, retry: bool = True, timeout: float | None = None) -> list[dict]:
        """Rows of `information.php?api=...` (e.g. `campaigns`), with the same retries unless told not to."""
        with self._giving_up(f"information {api}"):
            fetch = self.request_decorator(self.call_api) if retry else self.call_api
            with fetch(INFORMATION_PATH, {"api": api}, timeout=timeout) as answer:
                return list(answer)

    def call_api(
        self,
        path: str,
        params: dict,
        *,
        sort_by: SortBy | None = None,
        stop_at: int | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """One call: its rows (see `parse_response`); raises per the taxonomy. Paced, not retried.

        `timeout` (default `request_timeout`) bounds the whole call, body included.
        """
        self.usage.pace(self.settings.min_call_interval_seconds)
        prepared = self.build_prepared_request(
            method="GET", url=f"{self.url_base}{path}", params=params, headers=self.http_headers
        )
        self.usage.spend_one()
        seconds = timeout or self.timeout
        deadline = CallDeadline(seconds)
        try:
            with deadline:
                response = self.requests_session.send(
                    prepared, timeout=seconds, allow_redirects=self.allow_redirects
                )
                with response:
                    self.validate_response(response)
                    answer = self.parse_response(response, sort_by=sort_by, stop_at=stop_at)
        except requests.exceptions.InvalidHeader:
            # Its message would quote the header value: the token.
            raise WolkvoxAPIError("The token is not a valid HTTP header value (not shown)") from None
        except NETWORK_ERRORS as exc:
            self._previous_call_timed_out = deadline.cut or _is_read_timeout(exc)
            if self._previous_call_timed_out and not isinstance(exc, CallTimedOut):
                raise CallTimedOut(
                    f"{errors.describe_call(prepared.url)}: no complete answer within "
                    f"{seconds:g}s (request_timeout)"
                ) from exc
            raise
        except BusyError as exc:
            if self._previous_call_timed_out:
                raise BusyError(
                    f"{exc}; this run's previous call timed out and may still be running at the server"
                ) from exc
            raise
        finally:
            self.usage.call_ended()  # paced from the last byte read, whatever the stream
        self._previous_call_timed_out = False
        return answer

    @contextmanager
    def _giving_up(self, call: str) -> t.Iterator[None]:
        """Turn what is left after retries into one fatal error that says what to do."""
        try:
            yield
        except errors.MaintenanceError as exc:
            raise WolkvoxAPIError(
                f"{exc} — still refused after `busy_retries` retries or "
                f"{errors.UNKNOWN_403_MAX_WAIT_SECONDS:g}s of waiting, whichever came first (the most "
                "the tap waits for a 403 it does not know); the next run tries again"
            ) from exc
        except WolkvoxRetriableError as exc:
            raise WolkvoxAPIError(f"{exc} — still failing after retries") from exc
        except CallTimedOut as exc:
            raise WolkvoxAPIError(
                f"{exc}, still after retries: the server is too slow for this window. Raise "
                "`request_timeout` or lower `window_days`, or check the network to the server."
            ) from exc
        except NETWORK_ERRORS as exc:
            msg = (
                f"{call}: could not get an answer from {self.url_base} ({network_reason(exc)}). "
                "Check `api_url` / `server`, that the server (or the local emulator) is running, "
                "this machine's connectivity, and that the operation allows this machine's IP."
            )
            raise WolkvoxAPIError(msg) from exc

    # -- answers ----------------------------------------------------------------------

    @override
    def validate_response(self, response: requests.Response) -> None:
        """Apply `errors.TAXONOMY` to a non-200 answer (200s are checked in `parse_response`)."""
        if response.status_code == 200:
            return
        body = errors.read_capped(response.iter_content(CHUNK), errors.MAX_ERROR_BODY)
        msg = _envelope_msg(body)
        rule = errors.find_rule(response.status_code, msg)
        if rule.action is Action.NO_ROWS:
            return
        raise errors.error_for(
            rule,
            call=errors.describe_call(response.url),
            status=response.status_code,
            detail=msg if msg else errors.describe_body(body),
        )

    @override
    def parse_response(
        self,
        response: requests.Response,
        *,
        sort_by: SortBy | None = None,
        stop_at: int | None = None,
    ) -> Answer:
        """The rows of a 200 envelope, streamed to disk (`answer.read_answer`); none for "no rows"."""
        if response.status_code != 200:  # only "no rows" 404s get here
            return Answer()
        return read_answer(
            checked(response.iter_content(CHUNK)),  # a body cut by the deadline is not an answer
            call=errors.describe_call(response.url),
            status=response.status_code,
            sort_by=sort_by,
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

    @override
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
        busy_waits: dict[str, t.Any] = {
            "max_tries": settings.busy_retries + 1,
            "factor": settings.busy_wait_seconds,
            "max_value": 1800,
            "jitter": _stretch_jitter,
            "on_backoff": self.backoff_handler,
            "logger": None,
        }
        # A 403 the taxonomy does not know gets the same waits, for a bounded time in all.
        maintenance = backoff.on_exception(
            backoff.expo, errors.MaintenanceError, max_time=errors.UNKNOWN_403_MAX_WAIT_SECONDS, **busy_waits
        )
        busy = backoff.on_exception(
            backoff.expo,
            errors.BusyError,
            giveup=lambda exc: isinstance(exc, errors.MaintenanceError),  # retried inside already
            **busy_waits,
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
        return confirm(busy(maintenance(transient(func))))  # type: ignore[no-any-return]

    @override
    def backoff_handler(self, details: Details) -> None:
        """Log a retry without the request object (its headers hold the token)."""
        exc = details.get("exception")
        if isinstance(exc, (WolkvoxRetriableError, CallTimedOut)):
            reason = str(exc)
        else:
            reason = f"{self.url_base}: {network_reason(exc)}" if exc else "?"
        self.log(
            "Retry %d in %.2fs after: %s",
            details.get("tries"),
            details.get("wait") or 0,
            reason,
            level=logging.WARNING,
        )


def _stretch_jitter(value: float) -> float:
    """Up to 25% more: spreads retries of processes sharing a token, and keeps waits growing."""
    return value * random.uniform(1.0, 1.25)  # noqa: S311  (jitter, not cryptography)


def _is_read_timeout(exc: BaseException) -> bool:
    """Whether a requests error is a socket read timing out (requests reports a stall mid-body so).

    Not a connect timeout: a connection that never opened says nothing about the window.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    return isinstance(exc, requests.exceptions.Timeout) or any(
        isinstance(arg, urllib3.exceptions.ReadTimeoutError) for arg in exc.args
    )


def _envelope_msg(body: bytes) -> str:
    """The envelope's `msg` (or `error`) from an error answer, '' if there is none."""
    try:
        envelope = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return ""
    if not isinstance(envelope, dict):
        return ""
    return errors.one_line(str(envelope.get("msg") or envelope.get("error") or ""))
