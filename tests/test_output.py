"""Records may wait in the stdout buffer, but never past the STATE that covers them."""

from __future__ import annotations

import io
import json
import sys

from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage

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
