"""A value nested deep is refused in one message, in memory that does not grow with its depth."""

from __future__ import annotations

import contextlib
import tracemalloc
import typing as t
from unittest import mock

import pytest

from tap_wolkvox import answer as answer_module
from tap_wolkvox.answer import read_answer
from tap_wolkvox.errors import WolkvoxAPIError
from tap_wolkvox.raw_rows import MAX_NESTING


def nested(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b'"x"' + b"}" * depth


def envelope(value: bytes, *, before_data: bool = False) -> bytes:
    rows = b'[{"date":"2026-01-01 00:00:00","x":"y"},{"date":"2026-01-01 00:00:01","x":' + value + b"}]"
    if before_data:  # in the envelope itself, ahead of `data`
        rows = b'[{"date":"2026-01-01 00:00:00","x":"y"}]'
        return b'{"code":200,"msg":"ok","extra":' + value + b',"data":' + rows + b"}"
    return b'{"code":200,"msg":"ok","data":' + rows + b"}"


def read_by(*, fast: bool) -> t.ContextManager:
    """The fast path (msgspec), or `ijson` as when the fast path cannot split an answer."""
    return (
        contextlib.nullcontext()
        if fast
        else mock.patch.object(answer_module, "_read_rows_fast", return_value=None)
    )


def peak_bytes_reading(body: bytes, *, fast: bool) -> tuple[int, BaseException | None]:
    """tracemalloc's peak (the body's own bytes excluded) while reading `body`, and what it raised."""
    error = None
    tracemalloc.start()
    try:
        with read_by(fast=fast):
            read_answer([body], call="agent_14, window x", status=200).close()
    except WolkvoxAPIError as exc:
        error = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, error


@pytest.mark.parametrize("depth", [1_000, 10_000, 60_000])
@pytest.mark.parametrize("kind", ["list", "object"])
@pytest.mark.parametrize("path", ["fast", "ijson", "envelope"])
def test_a_deeply_nested_value_is_refused_in_bounded_memory(depth, kind, path):
    body = envelope(nested(depth, kind), before_data=path == "envelope")
    peak, error = peak_bytes_reading(body, fast=path != "ijson")
    assert isinstance(error, WolkvoxAPIError)
    message = str(error)
    assert f"nested more than {MAX_NESTING} levels deep" in message
    assert "agent_14, window x" in message and "not quoted" in message and "\n" not in message
    # Before: 289 MB at 10,000 levels and 5.8 GB at 60,000 (and a RecursionError from 1,000).
    # Now flat: at most the events of one 64 KiB read of ijson's (4.2 MB of 1-byte `[` events).
    assert peak < 8 << 20, f"peak {peak} bytes for a body of {len(body)}"


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "ijson"])
def test_a_value_nested_within_the_limit_is_kept_as_json_text(fast):
    depth = MAX_NESTING - 3  # the envelope, `data` and the row are levels too
    body = envelope(nested(depth, "list"))
    with read_by(fast=fast), read_answer([body], call="c", status=200) as got:
        rows = list(got)
    assert rows[1]["x"] == "[" * depth + "]" * depth


def test_brackets_inside_strings_are_not_nesting():
    body = envelope(b'"' + b"[{" * 5_000 + b'"')
    with read_answer([body], call="c", status=200) as got:
        assert list(got)[1]["x"] == "[{" * 5_000
