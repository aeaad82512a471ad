"""The Wolkvox error taxonomy: every answer the API gives, and what the tap does about it.

Wolkvox uses real HTTP statuses, answers every limit with 403, and says which limit
in the envelope's `msg` (see the "API Response Codes" page). `TAXONOMY` below is the
one place that maps an answer to an action: `client.WolkvoxStream.validate_response`
applies it to HTTP statuses, `answer.read_answer` to an envelope `code` in a 200.
Messages name the call (campaign and window, read from the URL, which never holds the
token) and say what to do. They quote at most the envelope's `msg`, on one short line,
never a body: a body may echo customer rows (names, ids, phones), which are personal data.
"""

from __future__ import annotations

import enum
import socket
import typing as t
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from tap_wolkvox.redact import redact

MAX_MSG_IN_MESSAGE = 160
"""Characters of an envelope `msg` quoted in a message, on one line."""

MAX_ERROR_BODY = 64 * 1024
"""Bytes of a non-200 answer read to find its `msg`; the rest is not read."""

MAX_ANSWER_BYTES = 300 * 1024 * 1024
"""Bytes of a 200 answer spooled at most (300 MiB): room above the 256 MB the API documents as its largest."""

SUCCESS_CODES = frozenset({"200", "0", ""})
"""Envelope `code`s of a success (with HTTP 200): `200` or `"200"` for reports, `"0"` for
activity_codes, `""` (or `" "`) for the agents and campaigns lists, as the docs show."""

UTF8_BOM = b"\xef\xbb\xbf"

UNKNOWN_403_MAX_WAIT_SECONDS = 240.0
"""Longest total wait, over its retries, for a 403 the taxonomy does not know (maintenance, an
undocumented limit): it may last hours, and a run waiting longer would overlap the next one
of a 5-minute schedule. A known busy 403 (SIMULTANEOUS REQUESTS) waits `busy_retries` times."""


class Action(enum.Enum):
    """What the tap does with an answer."""

    NO_ROWS = "no rows"
    FATAL = "stop the run"
    CONFIRM = "retry once to confirm, then stop"
    WAIT = "retry with a long, growing wait, then stop"
    RETRY = "retry with backoff and jitter, then stop"
    NARROW = "on a report call, ask again for a shorter date window; stop if a short one is refused too"


class WolkvoxAPIError(FatalAPIError):
    """A fatal answer: the run stops; STATE already written keeps all emitted rows."""


class QuotaExhaustedError(WolkvoxAPIError):
    """The operation's daily call quota is used up."""


class RangeRefusedError(WolkvoxAPIError):
    """A 400 the docs do not explain: perhaps a date range longer than the report allows.

    A report call answered so is asked again for a shorter window (`report.py`); any
    other call, or a short window refused too, stops the run.
    """


class TruncatedSecondError(WolkvoxAPIError):
    """One second holds more rows than one call can return."""


class WolkvoxRetriableError(RetriableAPIError):
    """Base of the answers worth asking again; `action` says how."""

    action = Action.RETRY


class TransientError(WolkvoxRetriableError):
    """5xx, HTML instead of JSON, invalid or cut JSON, reset, refused, timeout."""


class BusyError(WolkvoxRetriableError):
    """Too many calls in flight for the token, or maintenance."""

    action = Action.WAIT


class MaintenanceError(BusyError):
    """A 403 the taxonomy does not know (maintenance): retried for `UNKNOWN_403_MAX_WAIT_SECONDS` at most."""


class TokenRejectedError(WolkvoxRetriableError):
    """PLEASE VALIDATE TOKEN: asked once more to rule out a glitch, then fatal."""

    action = Action.CONFIRM


@dataclass(frozen=True)
class Rule:
    """One row of the taxonomy: HTTP status and `msg` fragment (None: any) to action."""

    status: int
    msg_contains: str | None
    action: Action
    advice: str
    fatal_class: type[WolkvoxAPIError] = WolkvoxAPIError
    wait_class: type[BusyError] = BusyError


TOKEN_HELP = "create one in wolkvox Manager → Configuration → Integrations → Tokens"  # noqa: S105

# First match wins. 5xx is RETRY and any other status FATAL (see `find_rule`).
TAXONOMY: tuple[Rule, ...] = (
    Rule(404, "VALIDATE DATES ENTERED", Action.NO_ROWS, "no rows in this window"),
    Rule(404, None, Action.FATAL, "this server does not serve that report; check `server` / `api_url`"),
    Rule(401, None, Action.FATAL, "token missing: set the `token` setting (the wolkvox-token header)"),
    Rule(403, "PLEASE VALIDATE TOKEN", Action.CONFIRM, f"invalid or expired token; {TOKEN_HELP}"),
    Rule(
        403,
        "TOKEN LIMIT EXCEEDED",
        Action.FATAL,
        "daily call quota used up (licences × 1000 calls per day); resume tomorrow",
        QuotaExhaustedError,
    ),
    Rule(
        403,
        "SIMULTANEOUS REQUESTS",
        Action.WAIT,
        "too many calls in flight for this token; another process is using it",
    ),
    Rule(
        403,
        None,
        Action.WAIT,
        "consumption disabled by the server (maintenance)",
        wait_class=MaintenanceError,
    ),
    Rule(400, "DOES NOT EXIST", Action.FATAL, "the API refused the request's parameters: an unknown `api`"),
    Rule(
        400,
        "PARAMETERS ARE REQUIRED",
        Action.FATAL,
        "the API refused the request's parameters: one is missing",
    ),
    # Some reports allow less than 31 days (skill_5: one day), in words the docs do not give.
    Rule(400, None, Action.NARROW, "the API refused the request's parameters", RangeRefusedError),
)


def find_rule(status: int, msg: str) -> Rule:
    """The taxonomy row for an HTTP status (or envelope `code`) and `msg`."""
    upper = msg.upper()
    for rule in TAXONOMY:
        if rule.status == status and (rule.msg_contains is None or rule.msg_contains in upper):
            return rule
    if status >= 500:
        return Rule(status, None, Action.RETRY, "server error")
    return Rule(status, None, Action.FATAL, "unexpected answer")


def describe_call(url: str | None) -> str:
    """`campaign_3, campaign 12, window 20260101000000..20260131235959` from a request URL.

    Its partition parameter is named whatever it is (`campaign_id`, `skill_id`, ...).
    """
    if not url:
        return "call"
    query = parse_qs(urlsplit(url).query)
    api = query.get("api", ["?"])[0]
    parts = [api]
    parts += [
        f"{name.removesuffix('_id')} {values[0]}" for name, values in query.items() if name.endswith("_id")
    ]
    if "date_ini" in query:
        parts.append(f"window {query['date_ini'][0]}..{query.get('date_end', ['?'])[0]}")
    return ", ".join(parts)


def one_line(text: str, limit: int = MAX_MSG_IN_MESSAGE) -> str:
    """An envelope `msg` fit for a log line: one line, at most `limit` characters, no token in it."""
    text = redact(" ".join(text.split()))
    return text if len(text) <= limit else f"{text[:limit]}…"


def describe_body(body: bytes) -> str:
    """What a body is, without quoting it: it may echo customer rows."""
    head = body[:512].lstrip(UTF8_BOM).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        kind = "an HTML page"
    elif head.startswith((b"{", b"[")):
        kind = "JSON without a `msg`"
    elif not head:
        kind = "an empty body"
    else:
        kind = "a body that is not JSON"
    return f"{kind} of {len(body)} bytes, not quoted"


def read_capped(chunks: t.Iterable[bytes], limit: int) -> bytes:
    """At most `limit` bytes of a body."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) >= limit:
            break
    return bytes(body[:limit])


def network_reason(exc: BaseException) -> str:
    """A short reason for a network error, from its causes (never its text: it may quote headers)."""
    seen: BaseException | None = exc
    chain: list[BaseException] = []
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        chain.extend(arg for arg in seen.args if isinstance(arg, BaseException))
        seen = seen.__cause__ or seen.__context__
    for cause in chain:
        for kind, reason in _NETWORK_REASONS:
            if isinstance(cause, kind):
                return reason
    name = type(exc).__name__
    return "timed out" if "Timeout" in name else f"network error: {name}"


_NETWORK_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (requests.exceptions.ConnectTimeout, "the connection did not open in time"),
    (ConnectionRefusedError, "connection refused: nothing listens there"),
    (socket.gaierror, "the host name does not resolve"),
    (ConnectionResetError, "the connection was reset"),
    (TimeoutError, "timed out"),
    (socket.timeout, "timed out"),
)


def error_for(rule: Rule, *, call: str, status: int, detail: str) -> Exception:
    """The exception that carries out `rule` for one call; `detail` is a `msg` or `describe_body`."""
    message = f"{call}: {rule.advice} (HTTP {status}: {one_line(detail)})"
    if rule.action in (Action.FATAL, Action.NARROW):  # NARROW: fatal unless a shorter window cures it
        return rule.fatal_class(message)
    if rule.action is Action.CONFIRM:
        return TokenRejectedError(message)
    if rule.action is Action.WAIT:
        return rule.wait_class(message)
    return TransientError(message)
