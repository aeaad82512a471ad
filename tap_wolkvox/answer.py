"""Reading a Wolkvox answer as a stream, so memory stays flat whatever its size (up to 256 MB).

The body is spooled to a temporary file as it arrives: the answer's one spool. Then
`ijson` reads the envelope (`code`, `msg`, `error`) and the rows of `data` are read one
at a time, split by msgspec (see `raw_rows.py`): only each row's sort key and its place
in the body are kept in memory. (A body msgspec cannot split is read by `ijson`, and its
rows, decoded, are written after the body in the same file.) So the caller knows
how many rows an answer has before using any (a cut answer is dropped whole), and gets
them back sorted, one at a time, decoded and with plain field names. On the fast path a
row is decoded whole only then: while spooling, only its sort field is read (the whole
body is checked to be UTF-8 as it arrives, so no row fails to decode later).
"""

from __future__ import annotations

import codecs
import collections
import functools
import os
import re
import tempfile
import typing as t

import ijson
import msgspec

from tap_wolkvox import errors
from tap_wolkvox.errors import Action, TransientError, WolkvoxAPIError
from tap_wolkvox.raw_rows import (
    MAX_NESTING,
    NotSplittable,
    TooDeeplyNested,
    bounded_events,
    check_nesting,
    raw_row_spans,
)

CHUNK = 1 << 20
ROW_GAP = 64
"""Bytes between two rows of the body (a comma, white space) that still let one pread read both."""
ENVELOPE_SCALARS = ("code", "msg", "error")
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()
_text_decoder = msgspec.json.Decoder(dict[str, t.Optional[str]])  # noqa: UP045  (a runtime type)
_raw_values_decoder = msgspec.json.Decoder(dict[str, msgspec.Raw])


class SortBy(t.NamedTuple):
    """How an answer's rows are sorted: by `key(value)`, `value` being the row's `field`.

    The field is looked up by its plain name (see `field_name`); `value` is None when
    the row has no such field.
    """

    field: str
    key: t.Callable[[t.Any], t.Any]


@functools.lru_cache(maxsize=64)
def _field_decoder(field: str | None) -> msgspec.json.Decoder:
    """Decodes a row (an object, or it raises) as only `field`'s value: the rest is skipped, not built.

    The value is `msgspec.UNSET` when the row has no field by that name as sent.
    """
    fields = [("value", t.Any, msgspec.UNSET)] if field is not None else []
    return msgspec.json.Decoder(msgspec.defstruct("OneField", fields, rename={"value": field or "value"}))


def _decode_text_row(data: bytes | memoryview) -> dict[str, str | None]:
    """A row with every value a string or null, as Wolkvox documents them.

    Anything else (a number, an object) is kept as its JSON text, so a column's type
    never depends on data. The common all-strings row is checked in C.
    """
    try:
        return _text_decoder.decode(data)
    except msgspec.ValidationError:
        return {name: _text_value(raw) for name, raw in _raw_values_decoder.decode(data).items()}


def _text_value(raw: msgspec.Raw) -> str | None:
    """A string or null as it is; anything else as compact JSON (as sent if msgspec can't hold it: 1e999)."""
    try:
        value = _decoder.decode(raw)
    except msgspec.ValidationError:
        return bytes(raw).decode()
    return value if value is None or isinstance(value, str) else _encoder.encode(value).decode()


row_hash = hash
"""A row's 64-bit hash for finding exact duplicates; every hit is confirmed by its bytes."""

FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def field_name(raw: str) -> str:
    """A field name every warehouse accepts: lower case, `[a-z0-9_]`, not starting with a digit.

    `OPT1` → `opt1`, `Fecha Inicio ` → `fecha_inicio`, `a"b` → `a_b`, `1x` → `_1x`,
    `""` → `unnamed`. The API's own names (`opt13`, `conn_id`) already are such names.
    """
    name = re.sub(r"[^a-z0-9_]+", "_", raw.strip().lower()).strip("_") or "unnamed"
    return f"_{name}" if name[0].isdigit() else name


class Answer:
    """The rows of one 200 answer, spooled: `count` first, then the rows, sorted if asked.

    Field names that are not plain identifiers are renamed (`field_name`, listed in
    `renamed`); exact duplicate rows (byte for byte as sent) are kept once (counted in
    `duplicates`).
    """

    def __init__(self, sort_by: SortBy | None = None, spool: t.BinaryIO | None = None, size: int = 0) -> None:
        """`spool`: the answer's body, `size` bytes, whose rows `add_at` indexes; the answer owns it."""
        self.sort_by = sort_by
        """What the rows are sorted by; None: the API's order."""
        self.count = 0
        self.duplicates = 0
        self.fields: set[str] = set()
        """Every (plain) field name of the rows read back so far (see `keyed`): complete once all are."""
        self.renamed: dict[str, str] = {}
        self._spool = spool  # made when a row is first written, if none was given
        self._spooled = size  # bytes in the spool file; the rest of `_size` is in `_pending`
        self._pending = bytearray()
        self._size = size
        self._index: list[tuple[t.Any, int, int]] = []
        # Exact duplicates: a row's hash points at the first row with that hash, and
        # equal hashes are confirmed by comparing the bytes (see `_is_duplicate`).
        self._first_by_hash: dict[int, int] = {}
        self._collided: set[bytes] = set()

    @property
    def received(self) -> int:
        """Rows the API sent, duplicates included: what its 60,000-row cut counts."""
        return self.count + self.duplicates

    def normalized(self, row: dict) -> dict:
        """The row with plain-identifier field names (see `field_name`); its names join `fields`."""
        if self.fields.issuperset(row):  # rows repeat their names: check each name once
            return row
        if any(not FIELD_NAME.fullmatch(name) for name in row):
            row = self._renamed(row)
        self.fields.update(row)
        return row

    def add(self, row: dict, key: t.Any) -> None:
        """Add a row as decoded; `keyed` normalizes its names."""
        self.add_encoded(_encoder.encode(row), key)

    def add_encoded(self, data: bytes, key: t.Any) -> None:
        """Add a row as JSON that `_decode_text_row` reads back, written to the spool's end."""
        if self.add_at(self._size, data, key):
            self._pending += data
            self._size += len(data)
            if len(self._pending) >= CHUNK:
                self._write_pending()

    def add_at(self, offset: int, data: bytes, key: t.Any) -> bool:
        """Add a row that is in the spool at `offset` (a row of the body, as sent), unless it is
        an exact duplicate of one added already; whether it was added."""
        digest = row_hash(data)
        first = self._first_by_hash.get(digest)
        if first is None:
            self._first_by_hash[digest] = len(self._index)
        elif self._is_duplicate(data, first):
            self.duplicates += 1
            return False
        self._index.append((key, offset, len(data)))
        self.count += 1
        return True

    def _is_duplicate(self, data: bytes, first: int) -> bool:
        """Whether `data` is a row added already; `first` is the first row with its hash."""
        _, offset, length = self._index[first]
        if length == len(data) and self._read(offset, length) == data:
            return True
        # A different row with the same hash (about once in 10^10 answers): exact from here.
        if data in self._collided:
            return True
        self._collided.add(data)
        return False

    def _read(self, offset: int, length: int) -> bytes:
        if offset >= self._spooled:
            return bytes(self._pending[offset - self._spooled : offset - self._spooled + length])
        return os.pread(self._fd(), length, offset)

    def _fd(self) -> int:
        if self._spool is None:
            self._spool = tempfile.TemporaryFile()
        return self._spool.fileno()

    def _write_pending(self) -> None:
        """Write the pending rows after the spool's end; pwrite: the body may still be being read."""
        if self._pending:
            os.pwrite(self._fd(), self._pending, self._spooled)
            self._spooled += len(self._pending)
            self._pending.clear()

    def _renamed(self, row: dict) -> dict:
        """The row with `field_name` names; a name taken already gets `__2`, `__3`, ..."""
        renamed: dict = {}
        for raw, value in row.items():
            name = raw if FIELD_NAME.fullmatch(raw) else field_name(raw)
            base, n = name, 1
            while name in renamed or (name != raw and name in row):
                n += 1
                name = f"{base}__{n}"
            if name != raw:
                self.renamed[raw] = name
            renamed[name] = value
        return renamed

    def __iter__(self) -> t.Iterator[dict]:
        """Rows in the order of their sort keys (the API's order when none was given)."""
        return (row for _, row in self.keyed())

    def keyed(self) -> t.Iterator[tuple[t.Any, dict]]:
        """(sort key, row) pairs in the order of the keys."""
        if not self.count:
            return
        self._index.sort(key=lambda entry: entry[0])
        self._write_pending()
        fd, index, count = self._fd(), self._index, len(self._index)
        normalized, block, block_start, block_end = self.normalized, b"", 0, 0
        for n, (key, offset, length) in enumerate(index):
            if offset < block_start or offset + length > block_end:
                # One pread for this row and those after it that follow it in the spool too
                # (the API may sort rows the same way), up to CHUNK bytes. pread, not mmap:
                # mapped pages would count in RSS, up to the answer's size.
                block_start = block_end = offset
                following = n
                while (
                    following < count
                    and block_end <= index[following][1] <= block_end + ROW_GAP
                    and block_end - block_start < CHUNK
                ):
                    block_end = index[following][1] + index[following][2]
                    following += 1
                block = os.pread(fd, block_end - block_start, block_start)
            start = offset - block_start
            yield key, normalized(_decode_text_row(block[start : start + length]))

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
        self._index.clear()
        self._first_by_hash.clear()
        self._collided.clear()

    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_answer(
    chunks: t.Iterable[bytes],
    *,
    call: str,
    status: int,
    sort_by: SortBy | None = None,
    stop_at: int | None = None,
) -> Answer:
    """Spool `chunks` (a 200 body) and read its envelope and rows.

    Raises per the error taxonomy: a body that is not JSON (HTML, cut) is transient, an
    envelope `code` other than 200 is classified like a status, and `data` that is not a
    list of objects is fatal, as is a body over `errors.MAX_ANSWER_BYTES`. A UTF-8 BOM
    before the JSON is skipped. Reading stops after `stop_at` rows. No message quotes
    the body: it holds customer rows.
    """
    body = tempfile.TemporaryFile()  # the answer's one spool: the Answer returned owns it
    size = 0
    try:
        size = _spool_body(chunks, body, call)
        body.flush()  # rows are read back with pread
        answer = _read_spooled(body, size, call=call, status=status, sort_by=sort_by, stop_at=stop_at)
    except TooDeeplyNested:
        body.close()
        raise WolkvoxAPIError(
            f"{call}: the answer holds a value nested more than {MAX_NESTING} levels deep ({size} "
            "bytes, not quoted). Wolkvox rows hold text, so this is not an answer the tap reads: "
            "refused whole, no row of it emitted. Check `api_url` / `server`."
        ) from None
    except BaseException:
        body.close()
        raise
    if answer._spool is not body:  # an answer without rows (code 404): the body is not needed
        body.close()
    return answer


def _read_spooled(
    body: t.BinaryIO, size: int, *, call: str, status: int, sort_by: SortBy | None, stop_at: int | None
) -> Answer:
    """`read_answer` once the body is spooled; raises `TooDeeplyNested` for a value nested too deep."""
    body.seek(0)
    start = 3 if body.read(3) == errors.UTF8_BOM else 0
    not_json = f"{call}: the answer is not valid JSON ({size} bytes, not quoted)"
    body.seek(start)
    try:
        fields, data_kind = _envelope(body)
    except ijson.JSONError as exc:
        raise TransientError(not_json) from exc
    code = str(fields.get("code") or "").strip()
    if code not in errors.SUCCESS_CODES:
        msg = str(fields.get("msg") or fields.get("error") or "")
        rule = errors.find_rule(int(code) if code.isdigit() else 0, msg)
        if rule.action is Action.NO_ROWS:
            return Answer()
        raise errors.error_for(rule, call=call, status=status, detail=f"code {code}: {msg}")
    if data_kind != "list":
        kind = {None: "missing", "start_map": "an object"}.get(data_kind, "not a list")
        raise WolkvoxAPIError(f"{call}: code 200, but `data` is {kind}, not a list of rows (not quoted)")
    answer = _read_rows_fast(body, size, sort_by=sort_by, stop_at=stop_at)
    if answer is not None:
        return answer
    # Rows decoded by ijson are written after the body, in the same file: ijson reads the
    # body through a reader that ends where the body does.
    answer = Answer(sort_by, spool=body, size=size)
    try:
        # Depth first, in a pass of its own (`ijson.items` builds every level's path and value):
        # two passes in C cost less than one through a Python filter (docs/performance.md).
        body.seek(start)
        collections.deque(bounded_events(ijson.basic_parse(body, use_float=True)), maxlen=0)
        for row in ijson.items(_BodyReader(body.fileno(), start, size), "data.item", use_float=True):
            if not isinstance(row, dict):
                raise WolkvoxAPIError(
                    f"{call}: a row of `data` is {type(row).__name__}, not an object (not quoted)"
                )
            named = answer.normalized(row)
            answer.add(named, sort_by.key(named.get(sort_by.field)) if sort_by else answer.count)
            if stop_at is not None and answer.received >= stop_at:
                break  # a full answer may be cut: the caller drops it whole
    except ijson.JSONError as exc:
        raise TransientError(not_json) from exc
    return answer


class _BodyReader:
    """`read(n)` of the body alone, `start` to `end` (pread: the file position is not shared)."""

    def __init__(self, fd: int, start: int, end: int) -> None:
        self._fd, self._position, self._end = fd, start, end

    def read(self, n: int = -1) -> bytes:
        n = self._end - self._position if n < 0 else min(n, self._end - self._position)
        data = os.pread(self._fd, n, self._position) if n > 0 else b""
        self._position += len(data)
        return data


def _spool_body(chunks: t.Iterable[bytes], body: t.BinaryIO, call: str) -> int:
    """Write `chunks` to `body`, checked to be UTF-8 and at most `MAX_ANSWER_BYTES`; their size.

    UTF-8 is checked here, as the body arrives, because rows are decoded whole only as
    they are emitted: a bad byte must stop the answer before any of its rows is used.
    """
    size = 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > errors.MAX_ANSWER_BYTES:
                raise WolkvoxAPIError(
                    f"{call}: the answer is over {errors.MAX_ANSWER_BYTES >> 20} MiB and still growing; "
                    "the API documents 256 MB at most, so this is not a Wolkvox answer or it is "
                    "broken. Stopped reading; check `api_url` / `server`."
                )
            body.write(chunk)
            utf8.decode(chunk)
        utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        raise TransientError(f"{call}: the answer is not valid UTF-8 ({size} bytes, not quoted)") from None
    return size


def _read_rows_fast(
    body: t.BinaryIO, size: int, *, sort_by: SortBy | None, stop_at: int | None
) -> Answer | None:
    """The rows as `read_answer` reads them, split by msgspec, each indexed where it is in the body.

    Faster than `ijson` (docs/performance.md). None when the answer is not one it can read (see
    `raw_rows`) or has a row that is not an object: `ijson` then reads it and says why.
    """
    answer = Answer(sort_by, spool=body, size=size)
    field = sort_by.field if sort_by else None
    decode, add = _field_decoder(field).decode, answer.add_at  # per row: locals
    limit = stop_at if stop_at is not None else float("inf")
    try:
        for received, (offset, raw) in enumerate(raw_row_spans(body, CHUNK), 1):
            data = bytes(raw)
            check_nesting(data)  # before any decode: decoders recurse
            try:
                value = getattr(decode(data), "value", None)
            except msgspec.ValidationError:
                raise NotSplittable("a row is not an object") from None
            if value is msgspec.UNSET:  # not by that name as sent (`Date`, `date `): by its plain name
                value = answer.normalized(_decode_text_row(data)).get(t.cast(str, field))
            add(offset, data, sort_by.key(value) if sort_by else received)
            if received >= limit:
                break  # a full answer may be cut: the caller drops it whole
    except NotSplittable:
        return None  # the body stays open: ijson reads it next
    return answer


def _envelope(body: t.BinaryIO) -> tuple[dict[str, t.Any], str | None]:
    """The envelope's scalars and the kind of `data` (`list`, other, or None if absent).

    Wolkvox sends `code`, `error`, `msg` before `data`, so this normally stops where
    `data` begins; otherwise it reads on to the end (slower, still flat in memory).
    Basic events, depth counted here: `ijson.parse` would build each event's path.
    """
    fields: dict[str, t.Any] = {}
    data_kind = None
    depth, key = 0, None
    for event, value in bounded_events(ijson.basic_parse(body, use_float=True)):
        if depth == 0 and event != "start_map":
            raise WolkvoxAPIError(f"the answer is not a JSON object but {event}")
        if depth == 1 and event == "map_key":
            key = value
        elif depth == 1 and key is not None:  # the value of an envelope member
            if key in ENVELOPE_SCALARS and event not in ("start_map", "start_array"):
                fields[key] = value
            elif key == "data" and data_kind is None:
                data_kind = "list" if event == "start_array" else event
                if "code" in fields:
                    break
            key = None
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
    return fields, data_kind
