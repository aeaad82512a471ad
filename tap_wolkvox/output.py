"""Singer output: msgspec lines, flushed when a STATE (or any non-RECORD) message is written.

The SDK's `MsgSpecWriter` flushes stdout after every message, which cost a fifth of
the tap's time. Flushing at each STATE keeps what matters: every record a STATE covers
is on stdout before that STATE, so a run killed at any moment resumes without loss.
RECORD lines are gathered and written to stdout 64 KiB at a time (one write call per
hundred records, not one each); what is left at exit is written then.

`AllSelectedRecordMessages` builds RECORD messages without the SDK's per-record
selection walk when that walk cannot remove anything.
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
from singer_sdk.singerlib import RecordMessage, SingerMessageType
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
        # `format_message`'s line, encoded straight into the pending bytes rather than into
        # the SDK's shared buffer and copied (tests/test_output.py checks they are the same).
        sdk_encoder.encode_into(message.to_dict(), self._pending, -1)
        self._pending += b"\n"
        if message.type != SingerMessageType.RECORD:
            self.write_pending()
            sys.stdout.buffer.flush()
        elif len(self._pending) >= PENDING_BYTES:
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


class AllSelectedRecordMessages(Stream):
    """The SDK's RECORD messages, without its per-record selection walk when it can remove nothing.

    `Stream._generate_record_messages` calls `pop_deselected_record_properties` on every
    record: a copy of it and a mask lookup per property, a fifth of the tap's time. When
    every entry of the stream's selection mask is selected, the walk removes nothing; with
    type conformance NONE, `conform_record_data_types` returns the record as it is. Then
    this builds the same messages without either. Otherwise it is the SDK's own method.

    A private override: tests/test_output.py fails if an SDK upgrade changes the method it
    replaces, stops calling it for each record, or makes it build other messages.
    """

    _all_selected: tuple[object, bool] | None = None
    time_extracted: dt.datetime | None = None
    """When the records now emitted were extracted (aware); None: when each message is built."""

    def _generate_record_messages(self, record: dict) -> t.Generator[RecordMessage, None, None]:
        mask = self.mask
        if self._all_selected is None or self._all_selected[0] is not mask:
            self._all_selected = (mask, all(mask.values()))
        if not self._all_selected[1] or self.TYPE_CONFORMANCE_LEVEL is not TypeConformanceLevel.NONE:
            for message in super()._generate_record_messages(record):
                message.time_extracted = self.time_extracted or message.time_extracted
                yield message
            return
        time_extracted = self.time_extracted or dt.datetime.now(dt.timezone.utc)
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=time_extracted,
                )
