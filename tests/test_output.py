"""Records may wait in the stdout buffer, but never past the STATE that covers them."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage

from tap_wolkvox import output
from tap_wolkvox.output import StateFlushingWriter


class CountingBuffer(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushed_at: list[int] = []

    def flush(self) -> None:
        self.flushed_at.append(len(self.getvalue()))


class FakeStdout:
    def __init__(self) -> None:
        self.buffer = CountingBuffer()


def test_records_are_flushed_with_the_state_after_them(monkeypatch):
    stdout = FakeStdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    writer = StateFlushingWriter()
    writer.write_message(SchemaMessage("s", {"properties": {}}, ["id"]))
    for n in range(3):
        writer.write_message(RecordMessage("s", {"id": n}))
    assert len(stdout.buffer.flushed_at) == 1  # the SCHEMA only
    writer.write_message(StateMessage({"bookmarks": {"s": {"n": 3}}}))
    lines = stdout.buffer.getvalue().splitlines()
    assert stdout.buffer.flushed_at[-1] == len(stdout.buffer.getvalue())  # everything up to the STATE
    assert [json.loads(line)["type"] for line in lines] == ["SCHEMA", "RECORD", "RECORD", "RECORD", "STATE"]


def test_records_go_to_stdout_in_64_kib_pieces_and_what_is_left_at_exit(monkeypatch):
    stdout = FakeStdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    writer = StateFlushingWriter()
    for n in range(1000):
        writer.write_message(RecordMessage("s", {"id": n, "pad": "x" * 100}))
    assert len(stdout.buffer.getvalue()) >= output.PENDING_BYTES  # written, in pieces
    assert stdout.buffer.flushed_at == []
    output._write_all_pending()  # registered with atexit
    lines = stdout.buffer.getvalue().splitlines()
    assert [json.loads(line)["record"]["id"] for line in lines] == list(range(1000))  # all, in order


def test_each_line_is_the_sdks_msgspec_writer_line(monkeypatch):
    """StateFlushingWriter encodes messages itself: exactly as MsgSpecWriter.format_message does."""
    stdout = FakeStdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    sent = [
        SchemaMessage("s", {"properties": {"id": {"type": ["integer"]}}}, ["id"]),
        RecordMessage("s", {"id": 1, "ñ": None}, time_extracted=dt.datetime.now(dt.timezone.utc)),
        RecordMessage("s", {"id": 2}, version=3),
        StateMessage({"bookmarks": {"s": {"n": 3}}}),
    ]
    writer = StateFlushingWriter()
    for message in sent:
        writer.write_message(message)
    sdk = MsgSpecWriter()
    assert stdout.buffer.getvalue() == b"".join(bytes(sdk.format_message(message)) for message in sent)
