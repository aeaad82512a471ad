"""The token out of every log line, whatever logs it: the tap, the SDK, a library, a traceback.

A server may echo the token in the text it sends back (an envelope `msg` is quoted in
messages); the tap knows its token, so it strips it from each log record as the record
is made (`logging.setLogRecordFactory`, so no logger or handler can be missed), and from
the text it quotes in its own error messages (`errors.one_line`).
"""

from __future__ import annotations

import logging
import re
import threading
import typing as t

MASK = "[token]"
MIN_LENGTH = 4
"""Shorter values are not masked: they would mangle every line and hide nothing."""

_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
"""Every secret, longest first, in any case: the API words its messages in capitals."""
_lock = threading.Lock()
_installed = False


def register(secret: str) -> None:
    """Mask `secret` from now on, in every log record and in `redact`ed text."""
    global _installed, _pattern  # noqa: PLW0603  (one factory and one pattern per process)
    if len(secret) < MIN_LENGTH:
        return
    with _lock:
        _secrets.add(secret)
        alternatives = "|".join(map(re.escape, sorted(_secrets, key=len, reverse=True)))
        _pattern = re.compile(alternatives, re.IGNORECASE)
        if not _installed:
            logging.setLogRecordFactory(_redacting(logging.getLogRecordFactory()))
            _installed = True


def redact(text: str) -> str:
    """`text` with every registered secret masked, whatever its case."""
    pattern = _pattern
    return pattern.sub(MASK, text) if pattern is not None else text


def _redacting(make_record: t.Callable[..., logging.LogRecord]) -> t.Callable[..., logging.LogRecord]:
    def make_redacted_record(*args: t.Any, **kwargs: t.Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if not _secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: the handler reports it
            return record
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters use `exc_text` when it is set: the traceback, masked.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    return make_redacted_record
