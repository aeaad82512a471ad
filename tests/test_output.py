"""Records may wait in the stdout buffer, but never past the STATE that covers them."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import io
import json
import sys

from conftest import base_config, run_tap
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage
from singer_sdk.streams import Stream

from tap_wolkvox import output
from tap_wolkvox.output import AllSelectedRecordMessages, StateFlushingWriter
from tap_wolkvox.tap import TapWolkvox


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


def test_time_extracted_is_when_each_answer_arrived(emulator):
    """One time per call, in the order of the calls, on every record of its answer."""
    started = dt.datetime.now(dt.timezone.utc)
    run = run_tap(base_config(emulator, campaign_ids=["101"], campaign_calls="each"))
    ended = dt.datetime.now(dt.timezone.utc)
    times = [
        dt.datetime.fromisoformat(m["time_extracted"].replace("Z", "+00:00"))
        for m in run.messages
        if m["type"] == "RECORD" and m["stream"] == "campaign_3"
    ]
    calls = emulator.calls_to("campaign_3")
    assert len(calls) > 1 and len(set(times)) == len(calls)
    assert times == sorted(times) and started <= times[0] and times[-1] <= ended


# -- AllSelectedRecordMessages: a private override of the SDK, guarded -----------------

SDK_GENERATE_RECORD_MESSAGES_SHA256 = "9b5f9fbcdedb7a1aec5673a44f51fd9bd88840f19f0fb29cba9953b9d9095bfe"
CONFIG = {"token": "t", "api_url": "http://127.0.0.1:9", "campaign_ids": ["101"], "start_date": "2026-01-01"}
RECORD = {
    "campaign_id": "101",
    "date": "2026-01-01T05:00:00+00:00",
    "opt1": "x",
    "date_local": "2026-01-01 00:00:00",
    "opt13": "a field the schema lacks",
}


def test_the_sdk_method_all_selected_record_messages_replaces_is_unchanged():
    """After an SDK upgrade that fails this: compare the SDK's method with the override in
    output.py, carry over what changed, then record the new hash."""
    source = inspect.getsource(Stream._generate_record_messages)
    assert hashlib.sha256(source.encode()).hexdigest() == SDK_GENERATE_RECORD_MESSAGES_SHA256
    assert "self._generate_record_messages(record)" in inspect.getsource(Stream._write_record_message)


def messages(stream: Stream, generate) -> list[dict]:
    found = [message.to_dict() for message in generate(dict(RECORD))]
    for message in found:
        assert message.pop("time_extracted").tzinfo is not None
    return found


def test_all_selected_record_messages_are_the_sdks():
    stream = TapWolkvox(config=CONFIG, parse_env_config=False).streams["campaign_3"]
    assert isinstance(stream, AllSelectedRecordMessages)
    ours = messages(stream, stream._generate_record_messages)
    sdks = messages(stream, functools.partial(Stream._generate_record_messages, stream))
    assert ours == sdks == [{"type": "RECORD", "stream": "campaign_3", "record": RECORD}]


def test_a_deselected_property_is_still_removed():
    catalog = json.loads(TapWolkvox(config=CONFIG, parse_env_config=False).catalog_json_text)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == ["properties", "opt1"]:
                metadata["metadata"]["selected"] = False
    stream = TapWolkvox(config=CONFIG, catalog=catalog, parse_env_config=False).streams["campaign_3"]
    ours = messages(stream, stream._generate_record_messages)
    assert ours == messages(stream, functools.partial(Stream._generate_record_messages, stream))
    assert "opt1" not in ours[0]["record"]


def test_the_sdk_calls_it_for_every_record(emulator, monkeypatch):
    calls = []
    original = AllSelectedRecordMessages._generate_record_messages

    def counted(self, record):
        calls.append(record)
        return original(self, record)

    monkeypatch.setattr(AllSelectedRecordMessages, "_generate_record_messages", counted)
    run = run_tap(base_config(emulator, campaign_ids=["101"], end_date="2025-11-25T23:59:59"))
    assert run.error is None
    assert run.records and calls == run.records
