"""Reading a Wolkvox answer as a stream, so memory stays flat whatever its size (up to 256 MB).

The body is spooled to a temporary file as it arrives. Then `ijson` reads the envelope
(`code`, `msg`, `error`) and the rows of `data` one at a time; each row is written
compactly to a second spool, with only its sort key and position kept in memory. So
the caller knows how many rows an answer has before using any (a cut answer is
dropped whole), and gets them back sorted, one at a time.
"""

from __future__ import annotations

import os
import tempfile
import typing as t

import ijson
import msgspec

from tap_wolkvox import errors
from tap_wolkvox.errors import Action, TransientError, WolkvoxAPIError

CHUNK = 1 << 20
ENVELOPE_SCALARS = ("code", "msg", "error")
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()
_text_decoder = msgspec.json.Decoder(dict[str, t.Optional[str]])  # noqa: UP045  (a runtime type)


def _decode_text_row(data: bytes | memoryview) -> dict[str, str | None]:
    """A row with every value a string or null, as Wolkvox documents them.

    Anything else (a number, an object) is kept as its JSON text, so a column's type
    never depends on data. The common all-strings row is checked in C.
    """
    try:
        return _text_decoder.decode(data)
    except msgspec.ValidationError:
        row = _decoder.decode(data)
        return {
            k: v if v is None or isinstance(v, str) else _encoder.encode(v).decode() for k, v in row.items()
        }


class Answer:
    """The rows of one 200 answer, spooled: `count` first, then the rows, sorted if asked."""

    def __init__(self) -> None:
        self.count = 0
        self.fields: set[str] = set()
        self._size = 0
        self._spool = tempfile.TemporaryFile()
        self._index: list[tuple[t.Any, int, int]] = []

    def add(self, row: dict, key: t.Any) -> None:
        data = _encoder.encode(row)
        self._index.append((key, self._size, len(data)))
        self._spool.write(data)
        self._size += len(data)
        self.count += 1
        self.fields.update(row)

    def __iter__(self) -> t.Iterator[dict]:
        """Rows in the order of their sort keys (the API's order when none was given)."""
        return (row for _, row in self.keyed())

    def keyed(self) -> t.Iterator[tuple[t.Any, dict]]:
        """(sort key, row) pairs in the order of the keys."""
        if not self.count:
            return
        self._index.sort(key=lambda entry: entry[0])
        self._spool.flush()
        fd = self._spool.fileno()
        for key, offset, length in self._index:
            # pread, not mmap: mapped pages would count in RSS, up to the answer's size.
            yield key, _decode_text_row(os.pread(fd, length, offset))

    def close(self) -> None:
        self._spool.close()
        self._index.clear()

    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_answer(
    chunks: t.Iterable[bytes],
    *,
    call: str,
    status: int,
    sort_key: t.Callable[[dict], t.Any] | None = None,
    stop_at: int | None = None,
) -> Answer:
    """Spool `chunks` (a 200 body) and read its envelope and rows.

    Raises per the error taxonomy: a body that is not JSON (HTML, cut) is transient, an
    envelope `code` other than 200 is classified like a status, and `data` that is not a
    list of objects is fatal. Reading stops after `stop_at` rows.
    """
    with tempfile.TemporaryFile() as body:
        for chunk in chunks:
            body.write(chunk)
        body.seek(0)
        try:
            fields, data_kind = _envelope(body)
        except ijson.JSONError as exc:
            raise TransientError(f"{call}: the answer is not valid JSON ({exc}): {_head(body)}") from exc
        code = str(fields.get("code"))
        if code != "200":
            msg = str(fields.get("msg") or fields.get("error") or "")
            rule = errors.find_rule(int(code) if code.isdigit() else 0, msg)
            if rule.action is Action.NO_ROWS:
                return Answer()
            raise errors.error_for(rule, call=call, status=status, detail=f"code {code}: {msg}")
        if data_kind != "list":
            raise WolkvoxAPIError(f"{call}: code 200 without a list of rows in `data`: {_head(body)}")
        answer = Answer()
        body.seek(0)
        try:
            for row in ijson.items(body, "data.item", use_float=True):
                if not isinstance(row, dict):
                    raise WolkvoxAPIError(f"{call}: a row of `data` is not an object: {errors.cap(str(row))}")
                answer.add(row, sort_key(row) if sort_key else answer.count)
                if stop_at is not None and answer.count >= stop_at:
                    break  # a full answer may be cut: the caller drops it whole
        except ijson.JSONError as exc:
            answer.close()
            raise TransientError(f"{call}: the answer is not valid JSON ({exc}): {_head(body)}") from exc
        except BaseException:
            answer.close()
            raise
        return answer


def _envelope(body: t.BinaryIO) -> tuple[dict[str, t.Any], str | None]:
    """The envelope's scalars and the kind of `data` (`list`, other, or None if absent).

    Wolkvox sends `code`, `error`, `msg` before `data`, so this normally stops where
    `data` begins; otherwise it reads on to the end (slower, still flat in memory).
    """
    fields: dict[str, t.Any] = {}
    data_kind = None
    events = ijson.parse(body, use_float=True)
    started = False
    for prefix, event, value in events:
        if not started:
            if event != "start_map":
                raise WolkvoxAPIError(f"the answer is not a JSON object but {event}")
            started = True
            continue
        if prefix in ENVELOPE_SCALARS and event not in ("start_map", "start_array", "map_key"):
            fields[prefix] = value
        elif prefix == "data" and data_kind is None and event != "map_key":
            data_kind = "list" if event == "start_array" else event
            if "code" in fields:
                break
    return fields, data_kind


def _head(body: t.BinaryIO) -> str:
    body.seek(0)
    return errors.cap(body.read(errors.MAX_BODY_IN_MESSAGE + 1).decode("utf-8", "replace"))
