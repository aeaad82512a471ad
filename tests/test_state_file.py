"""A state file that is garbage or of a wrong shape is refused in one message, never a traceback."""

from __future__ import annotations

import os

import pytest
from conftest import base_config, run_cli, run_tap
from singer_sdk.exceptions import ConfigValidationError


def run_with_state_file(tmp_path, emulator, content: bytes):
    (tmp_path / "garbage-state.json").write_bytes(content)
    return run_cli(tmp_path, base_config(emulator), "--state", str(tmp_path / "garbage-state.json"))


def assert_refused(result, emulator, words: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"The state file: {words}" in result.stderr, result.stderr[-2000:]
    assert "The state file is not one tap-wolkvox wrote; fix it or run without it" in result.stderr
    assert emulator.calls == []


def test_ten_megabytes_of_random_bytes_are_refused_in_one_message(tmp_path, emulator):
    result = run_with_state_file(tmp_path, emulator, b"\x82" + os.urandom(10 << 20))
    assert_refused(result, emulator, "it is not UTF-8 text")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[]", "it holds a JSON list, not an object"),
        (b'"state.json"', "it holds a JSON str, not an object"),  # the SDK would take it for a path
        (b"null", "it holds a JSON NoneType, not an object"),
        (b"", "it is empty"),
        (b'{"bookmarks": {', "it is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "it is not valid JSON"),  # too deep for Python's json
        (
            b'{"bookmarks": {"cdr_1": {"replication_key_value": 1' + b"0" * 5000 + b"}}}",
            "it is not valid JSON",
        ),
    ],
    ids=["list", "string", "null", "empty", "cut", "deep", "huge-number"],
)
def test_a_state_file_that_is_not_a_json_object_is_refused(tmp_path, emulator, content, words):
    assert_refused(run_with_state_file(tmp_path, emulator, content), emulator, words)


def test_a_state_file_with_a_byte_order_mark_is_read(tmp_path, emulator):
    result = run_with_state_file(tmp_path, emulator, b'\xef\xbb\xbf{"bookmarks": {}}')
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"bookmarks": {"some_other_stream": 5}}, "bookmarks.some_other_stream must be an object"),
        ({"bookmarks": {"cdr_1": {"progress_markers": 5}}}, "bookmarks.cdr_1: `progress_markers` must be"),
        (
            {
                "bookmarks": {
                    "campaign_3": {"partitions": [{"context": {"campaign_id": "1"}, "progress_markers": []}]}
                }
            },
            "bookmarks.campaign_3.partitions: `progress_markers` must be an object",
        ),
    ],
    ids=["another-streams-state", "progress-markers", "partition-progress-markers"],
)
def test_a_state_of_a_wrong_shape_is_refused_before_any_call(emulator, state, words):
    run = run_tap(base_config(emulator), state=state, expect=ConfigValidationError)
    assert isinstance(run.error, ConfigValidationError)
    assert any(words in error for error in run.error.errors), run.error.errors
    assert emulator.calls == []
