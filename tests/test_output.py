"""Records may wait in the stdout buffer, but never past the STATE that covers them."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import io
import json
import sys

import pytest
from conftest import base_config, run_tap
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage
from singer_sdk.streams import Stream

from tap_wolkvox import output
from tap_wolkvox.output import DirectRecordLines, StateFlushingWriter
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


@pytest.mark.parametrize("version", [None, 7])
def test_write_record_writes_the_line_of_a_record_message(monkeypatch, version):
    stdout = FakeStdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    when = dt.datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=dt.timezone.utc)
    writer = StateFlushingWriter()
    writer.write_record("s", {"id": 1, "ñ": None}, version, when)
    writer.write_pending()
    message = RecordMessage("s", {"id": 1, "ñ": None}, version=version, time_extracted=when)
    assert stdout.buffer.getvalue() == bytes(MsgSpecWriter().format_message(message))


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


# -- DirectRecordLines: a private override of the SDK, guarded -------------------------

SDK_SOURCES_SHA256 = {
    "_write_record_message": "292b7bed39883bd999839ea8ac5153ab52287f6120f7203902892510b0cfbd08",
    "_generate_record_messages": "9b5f9fbcdedb7a1aec5673a44f51fd9bd88840f19f0fb29cba9953b9d9095bfe",
}
CONFIG = {"token": "t", "api_url": "http://127.0.0.1:9", "campaign_ids": ["101"], "start_date": "2026-01-01"}
RECORD = {
    "campaign_id": "101",
    "date": "2026-01-01T05:00:00+00:00",
    "opt1": "x",
    "date_local": "2026-01-01 00:00:00",
    "opt13": "a field the schema lacks",
}


def test_the_sdk_methods_direct_record_lines_replaces_are_unchanged():
    """After an SDK upgrade that fails this: compare the SDK's methods with DirectRecordLines
    in output.py (it writes what they would), carry over what changed, then record the new hashes."""
    for name, digest in SDK_SOURCES_SHA256.items():
        source = inspect.getsource(getattr(Stream, name))
        assert hashlib.sha256(source.encode()).hexdigest() == digest, name
    assert "self._write_record_message(record)" in inspect.getsource(Stream._sync_records)


def lines_of(stream: Stream, write, monkeypatch) -> list[dict]:
    """The RECORD lines `write(record)` puts on stdout, without `time_extracted` (checked aware)."""
    stdout = FakeStdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    write(dict(RECORD))
    stream._tap.message_writer.write_pending()
    found = [json.loads(line) for line in stdout.buffer.getvalue().splitlines()]
    for message in found:
        assert dt.datetime.fromisoformat(message.pop("time_extracted").replace("Z", "+00:00")).tzinfo
    return found


def tap_with(monkeypatch, config: dict, catalog: dict | None = None) -> Stream:
    monkeypatch.setattr(sys, "stdout", FakeStdout())  # the writer is made with the tap
    return TapWolkvox(config=config, catalog=catalog, parse_env_config=False).streams["campaign_3"]


def test_direct_lines_are_the_sdks(monkeypatch):
    stream = tap_with(monkeypatch, CONFIG)
    assert isinstance(stream, DirectRecordLines) and stream._direct_writer() is not None
    ours = lines_of(stream, stream._write_record_message, monkeypatch)
    sdks = lines_of(stream, functools.partial(Stream._write_record_message, stream), monkeypatch)
    assert ours == sdks == [{"type": "RECORD", "stream": "campaign_3", "record": RECORD}]


def test_a_deselected_property_takes_the_sdks_path(monkeypatch):
    catalog = json.loads(TapWolkvox(config=CONFIG, parse_env_config=False).catalog_json_text)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == ["properties", "opt1"]:
                metadata["metadata"]["selected"] = False
    stream = tap_with(monkeypatch, CONFIG, catalog)
    assert stream._direct_writer() is None
    [line] = lines_of(stream, stream._write_record_message, monkeypatch)
    assert "opt1" not in line["record"] and line["record"]["opt13"] == RECORD["opt13"]


def test_stream_maps_and_flattening_take_the_sdks_path(monkeypatch):
    mapped = tap_with(monkeypatch, {**CONFIG, "stream_maps": {"campaign_3": {"opt1": "opt1.upper()"}}})
    assert mapped._direct_writer() is None
    [line] = lines_of(mapped, mapped._write_record_message, monkeypatch)
    assert line["record"]["opt1"] == "X"
    aliased = tap_with(monkeypatch, {**CONFIG, "stream_maps": {"campaign_3": {"__alias__": "calls"}}})
    assert aliased._direct_writer() is None
    assert [line["stream"] for line in lines_of(aliased, aliased._write_record_message, monkeypatch)] == [
        "calls"
    ]
    flattened = tap_with(monkeypatch, {**CONFIG, "flattening_enabled": True, "flattening_max_depth": 1})
    assert flattened._direct_writer() is None


def test_the_sdk_calls_it_for_every_record(emulator, monkeypatch):
    calls = []
    original = DirectRecordLines._write_record_message

    def counted(self, record):
        calls.append(record)
        return original(self, record)

    monkeypatch.setattr(DirectRecordLines, "_write_record_message", counted)
    run = run_tap(base_config(emulator, campaign_ids=["101"], end_date="2025-11-25T23:59:59"))
    assert run.error is None
    assert run.records and calls == run.records


def test_direct_lines_end_with_the_state_and_records_of_the_sdks_path(emulator, monkeypatch):
    """The direct path skips the SDK's unflushed-state mark: the STATE it ends with must not change."""
    config = base_config(emulator, campaign_ids=["101"], end_date="2025-12-20T23:59:59")
    direct = run_tap(config)
    monkeypatch.setattr(DirectRecordLines, "_direct_writer", lambda self: None)
    sdks = run_tap(config)
    assert direct.records and direct.records == sdks.records
    assert direct.states[-1] == sdks.states[-1]
