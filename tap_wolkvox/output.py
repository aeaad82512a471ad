"""Singer output: msgspec lines, flushed when a STATE (or any non-RECORD) message is written.

The SDK's `MsgSpecWriter` flushes stdout after every message, a system call per record
(docs/performance.md). Flushing at each STATE keeps what matters: every record a STATE covers
is on stdout before that STATE, so a run killed at any moment resumes without loss.
RECORD lines are gathered and written to stdout 64 KiB at a time (one write call per
hundred records, not one each); what is left at exit is written then.
"""

from __future__ import annotations

import atexit
import contextlib
import sys
import typing as t
import weakref

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.contrib.msgspec import encoder as sdk_encoder
from singer_sdk.singerlib import SingerMessageType
from singer_sdk.singerlib.encoding.simple import Message
from typing_extensions import override

PENDING_BYTES = 1 << 16
_writers: weakref.WeakSet[StateFlushingWriter] = weakref.WeakSet()


class StateFlushingWriter(MsgSpecWriter):
    """`MsgSpecWriter` that gathers RECORD lines and writes and flushes them with the next STATE."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending = bytearray()
        _writers.add(self)

    @override
    def write_message(self, message: Message) -> None:
        self._append(message.to_dict())
        if message.type != SingerMessageType.RECORD:
            self.write_pending()
            sys.stdout.buffer.flush()

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
