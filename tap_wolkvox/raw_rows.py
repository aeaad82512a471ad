"""The rows of a spooled answer's `data` as raw JSON bytes, split by msgspec, in flat memory.

`ijson` builds every row as Python objects (a third of the tap's time); here a chunk of
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


class NotSplittable(Exception):  # noqa: N818
    """The answer is not one this fast path can read; read it with `ijson`."""


def raw_rows(body: t.BinaryIO, chunk_size: int) -> t.Iterator[msgspec.Raw]:
    """Each item of the top-level `data` array of the JSON object in `body`, as raw JSON.

    Raises `NotSplittable` (possibly after yielding rows: the caller starts over) when
    the body is not a JSON object whose `data` array can be found and split this way.
    """
    body.seek(0)
    head = body.read(chunk_size)
    buffer = _after_data_start(head)
    eof = False
    while True:
        if not eof:
            chunk = body.read(chunk_size)
            eof = not chunk
            buffer += chunk
        if eof:
            yield from _last_rows(buffer)
            return
        rows, cut = _leading_rows(buffer)
        if cut:
            yield from rows
            buffer = buffer[cut:].lstrip(_WHITESPACE)
            if not buffer.startswith(b","):
                raise NotSplittable("no comma between rows")
            buffer = buffer[1:]


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
