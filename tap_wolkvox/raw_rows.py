"""The rows of a spooled answer's `data` as raw JSON bytes, split by msgspec, in flat memory.

`ijson` builds every row as Python objects (slow: docs/performance.md); here a chunk of
the body is cut after its last `}` followed by `,` and decoded as `list[msgspec.Raw]`,
which checks the JSON and only slices it. Every guess is checked by a decode: a cut
inside a string or inside a nested value does not decode, and then `raw_rows` raises
`NotSplittable` and the caller reads the answer the slow way (`ijson`). Memory is one
chunk plus the longest row.
"""

from __future__ import annotations

import re
import typing as t

import msgspec

_raw_list = msgspec.json.Decoder(list[msgspec.Raw])
_any = msgspec.json.Decoder()
_DATA_START = re.compile(rb'"data"\s*:\s*\[')
_WHITESPACE = b" \t\r\n"
_BETWEEN_ROWS = re.compile(rb"[ \t\r\n,]*")


MAX_NESTING = 100
"""Levels of nesting an answer may have (envelope and row included): Wolkvox rows hold text.

Deeper values are refused, not read: parsers recurse (Python's limit is near 1,000), and
`ijson` builds a value's path at every level, so time and memory would grow with depth."""
_JSON_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")
_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})


class NotSplittable(Exception):  # noqa: N818
    """The answer is not one this fast path can read; read it with `ijson`."""


class TooDeeplyNested(Exception):  # noqa: N818
    """The answer holds a value nested deeper than `MAX_NESTING` levels."""


def check_nesting(data: bytes) -> None:
    """Raise `TooDeeplyNested` if the JSON `data` nests deeper than `MAX_NESTING` (no recursion).

    Counting brackets (in C) rules out almost every row at once; only a row with more
    brackets than the limit has its structure walked, strings skipped.
    """
    if data.count(b"[") + data.count(b"{") <= MAX_NESTING:
        return
    depth = 0
    for token in _JSON_TOKENS.finditer(data):
        first = data[token.start()]
        if first in _OPENERS:
            depth += 1
            if depth > MAX_NESTING:
                raise TooDeeplyNested
        elif first in _CLOSERS:
            depth -= 1


def bounded_events(events: t.Iterable[tuple[str, t.Any]]) -> t.Iterator[tuple[str, t.Any]]:
    """`ijson.basic_parse` events, raising `TooDeeplyNested` as soon as they nest past `MAX_NESTING`."""
    depth = 0
    for event in events:
        kind = event[0]
        if kind in _STARTS:
            depth += 1
            if depth > MAX_NESTING:
                raise TooDeeplyNested
        elif kind in _ENDS:
            depth -= 1
        yield event


def raw_rows(body: t.BinaryIO, chunk_size: int) -> t.Iterator[msgspec.Raw]:
    """Each item of the top-level `data` array of the JSON object in `body`, as raw JSON.

    Raises `NotSplittable` (possibly after yielding rows: the caller starts over) when
    the body is not a JSON object whose `data` array can be found and split this way.
    """
    return (raw for _, raw in raw_row_spans(body, chunk_size))


def raw_row_spans(body: t.BinaryIO, chunk_size: int) -> t.Iterator[tuple[int, msgspec.Raw]]:
    """`raw_rows`, each with where it starts in `body` (its bytes are the body's, as sent)."""
    try:
        yield from _split(body, chunk_size)
    except RecursionError:  # msgspec recurses into nested values, even to skip them
        raise TooDeeplyNested from None


def _split(body: t.BinaryIO, chunk_size: int) -> t.Iterator[tuple[int, msgspec.Raw]]:
    body.seek(0)
    head = body.read(chunk_size)
    buffer = _after_data_start(head)
    start = len(head) - len(buffer)  # where `buffer` begins in the body
    eof = False
    while True:
        if not eof:
            chunk = body.read(chunk_size)
            eof = not chunk
            buffer += chunk
        if eof:
            yield from _placed(_last_rows(buffer), buffer, start)
            return
        rows, cut = _leading_rows(buffer)
        if cut:
            yield from _placed(rows, buffer, start)
            rest = buffer[cut:]
            buffer = rest.lstrip(_WHITESPACE)
            start += cut + len(rest) - len(buffer)
            if not buffer.startswith(b","):
                raise NotSplittable("no comma between rows")
            buffer = buffer[1:]
            start += 1


def _placed(rows: list[msgspec.Raw], buffer: bytes, start: int) -> t.Iterator[tuple[int, msgspec.Raw]]:
    """Each of `rows` (slices of `buffer`, in order) with where it begins in the body."""
    position, skip = 0, _BETWEEN_ROWS.match
    for raw in rows:
        # The rows decoded as a JSON list: only whitespace and commas lie between them.
        # (Not `buffer.find(raw)`: it prepares a search for each row's whole text.)
        position = skip(buffer, position).end()  # type: ignore[union-attr]  # `*` always matches
        yield start + position, raw
        position += len(raw)


def _after_data_start(head: bytes) -> bytes:
    """What follows the `[` of `data`, checked to be the envelope's own key."""
    for match in _DATA_START.finditer(head):
        try:
            envelope = _any.decode(head[: match.end()] + b"]}")
        except msgspec.DecodeError:
            continue  # `"data":[` inside a string, or in a nested value
        if isinstance(envelope, dict) and envelope.get("data") == []:
            return head[match.end() :]
    raise NotSplittable("`data` does not start in the first chunk")


def _leading_rows(buffer: bytes, tries: int = 8) -> tuple[list[msgspec.Raw], int]:
    """The complete rows at the start of `buffer` and where they end (0: none yet).

    Cuts after a `}` followed (after whitespace) by `,`, from the last one back: the
    first cut that decodes is right (a cut inside a string or a nested value cannot
    decode). `tries` failed cuts mean the body is not one to split.
    """
    end = len(buffer)
    while tries and (brace := buffer.rfind(b"}", 0, end)) >= 0:
        end = brace
        if not buffer[brace + 1 : brace + 65].lstrip(_WHITESPACE).startswith(b","):
            continue
        try:
            return _raw_list.decode(b"[" + buffer[: brace + 1] + b"]"), brace + 1
        except msgspec.DecodeError:
            tries -= 1
    if not tries:
        raise NotSplittable("no cut between rows decodes")
    return [], 0


def _last_rows(buffer: bytes, tries: int = 8) -> list[msgspec.Raw]:
    """The rows before the `]` that ends `data`, what follows it checked to close the envelope.

    From the last `]` back: the first whose rows and tail both decode is the end of `data`.
    """
    end = len(buffer)
    while tries and (end := buffer.rfind(b"]", 0, end)) >= 0:
        tries -= 1
        try:
            _any.decode(b'{"":0' + buffer[end + 1 :])  # `}`, or more members then `}`
            rows = buffer[:end]
            return _raw_list.decode(b"[" + rows + b"]") if rows.strip(_WHITESPACE) else []
        except msgspec.DecodeError:
            continue
    raise NotSplittable("no end of `data` that decodes")
