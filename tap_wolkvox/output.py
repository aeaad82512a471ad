"""Singer output: msgspec lines, flushed when a STATE (or any non-RECORD) message is written.

The SDK's `MsgSpecWriter` flushes stdout after every message, which cost a fifth of
the tap's time. Flushing at each STATE keeps what matters: every record a STATE covers
is on stdout before that STATE, so a run killed at any moment resumes without loss.
RECORD lines are gathered and written to stdout 64 KiB at a time (one write call per
hundred records, not one each); what is left at exit is written then.

`DirectRecordLines` writes RECORD lines without the SDK's per-record message path when
that path cannot change them.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import sys
import typing as t
import weakref

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.contrib.msgspec import encoder as sdk_encoder
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.singerlib import SingerMessageType
from singer_sdk.singerlib.encoding.simple import Message
from singer_sdk.streams import Stream

PENDING_BYTES = 1 << 16
_writers: weakref.WeakSet[StateFlushingWriter] = weakref.WeakSet()


class StateFlushingWriter(MsgSpecWriter):
    """`MsgSpecWriter` that gathers RECORD lines and writes and flushes them with the next STATE."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending = bytearray()
        _writers.add(self)

    def write_message(self, message: Message) -> None:
        self._append(message.to_dict())
        if message.type != SingerMessageType.RECORD:
            self.write_pending()
            sys.stdout.buffer.flush()

    def write_record(
        self, stream: str, record: dict, version: int | None, time_extracted: dt.datetime
    ) -> None:
        """The line `write_message(RecordMessage(stream, record, version, time_extracted))` writes."""
        message: dict[str, t.Any] = {"type": "RECORD", "stream": stream, "record": record}
        if version is not None:
            message["version"] = version
        message["time_extracted"] = time_extracted
        self._append(message)

    def _append(self, message: dict) -> None:
        """`format_message`'s line, encoded straight into the pending bytes rather than into
        the SDK's shared buffer and copied (tests/test_output.py checks they are the same)."""
        sdk_encoder.encode_into(message, self._pending, -1)
        self._pending += b"\n"
        if len(self._pending) >= PENDING_BYTES:
            self.write_pending()

    def write_pending(self) -> None:
        """Hand the gathered lines to stdout (its buffer; not flushed)."""
        if self._pending:
            sys.stdout.buffer.write(self._pending)
            self._pending.clear()


@atexit.register
def _write_all_pending() -> None:
    """Records after the last STATE (a run that failed) still reach stdout, as before."""
    for writer in list(_writers):
        with contextlib.suppress(ValueError, OSError, AttributeError):  # stdout closed or replaced
            writer.write_pending()


class DirectRecordLines(Stream):
    """RECORD lines written straight to the tap's writer when the SDK's message path cannot change them.

    For every record, `Stream._write_record_message` walks the selection mask (a copy of
    the record), conforms types, passes the record through each stream map, builds a
    `RecordMessage` and hands it to the writer: together a seventh of the tap's time. When
    every property is selected, type conformance is NONE, the only stream map is the SDK's
    default one without flattening (no `stream_maps` or `flattening_*` settings) and the
    writer is `StateFlushingWriter`, none of that changes the line; then this writes the
    same line directly, with `time_extracted` when the answer arrived. Otherwise it is the
    SDK's own method (and `time_extracted` is when the SDK built the message).

    The SDK's method also marks the stream's state unflushed, for its STATE every 10,000
    records; report streams write STATE after every window themselves (`complete_window`).

    A private override: tests/test_output.py fails if an SDK upgrade changes the methods
    it replaces, stops calling it for each record, or writes other lines.
    """

    time_extracted: dt.datetime | None = None
    """When the records now emitted were extracted (aware, UTC)."""
    _direct: tuple[object, object, StateFlushingWriter | None] | None = None

    def _write_record_message(self, record: dict) -> None:
        writer = self._direct_writer()
        if writer is None:
            super()._write_record_message(record)
            return
        time_extracted = self.time_extracted or dt.datetime.now(dt.timezone.utc)
        writer.write_record(self.name, record, self._stream_version, time_extracted)

    def _direct_writer(self) -> StateFlushingWriter | None:
        """The writer to write lines to directly, or None: the SDK's path (see the class)."""
        mask, maps = self.mask, self.stream_maps
        if self._direct is None or self._direct[0] is not mask or self._direct[1] is not maps:
            writer = self._tap.message_writer
            unchanged = (
                all(mask.values())
                and self.TYPE_CONFORMANCE_LEVEL is TypeConformanceLevel.NONE
                and len(maps) == 1
                and type(maps[0]) is SameRecordTransform
                and not maps[0].flattening_enabled
                and maps[0].stream_alias == self.name
            )
            direct = writer if unchanged and isinstance(writer, StateFlushingWriter) else None
            self._direct = (mask, maps, direct)
        return self._direct[2]
