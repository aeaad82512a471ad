"""Singer output: msgspec lines, flushed when a STATE (or any non-RECORD) message is written.

The SDK's `MsgSpecWriter` flushes stdout after every message, which cost a fifth of
the tap's time. Flushing at each STATE keeps what matters: every record a STATE covers
is on stdout before that STATE, so a run killed at any moment resumes without loss.
"""

from __future__ import annotations

import sys

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import SingerMessageType
from singer_sdk.singerlib.encoding.simple import Message


class StateFlushingWriter(MsgSpecWriter):
    """`MsgSpecWriter` that leaves RECORD lines in the stdout buffer until the next flush."""

    def write_message(self, message: Message) -> None:
        stdout = sys.stdout.buffer
        stdout.write(self.format_message(message))
        if message.type != SingerMessageType.RECORD:
            stdout.flush()
