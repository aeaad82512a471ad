"""The private Singer SDK members the tap touches still work as the tap expects.

Each of these fails if an SDK upgrade renames or stops using what the tap overrides or
resets, instead of letting the override silently do nothing.
"""

from __future__ import annotations

import inspect
from unittest import mock

from conftest import base_config, run_tap
from singer_sdk.streams import Stream

from tap_wolkvox.report import WolkvoxReportStream


def test_the_sdk_still_calls_increment_stream_state_for_every_record(emulator):
    """The tap's no-op `_increment_stream_state` (the bookmark moves per window) must be what runs."""
    config = base_config(emulator, campaign_ids=["101"], start_date="2026-02-27T00:00:00")
    with mock.patch.object(
        WolkvoxReportStream, "_increment_stream_state", autospec=True, return_value=None
    ) as increment:
        run = run_tap(config)
    assert run.records and increment.call_count == len(run.records)
    bookmarks = [p["replication_key_value"] for p in run.last_state["bookmarks"]["campaign_3"]["partitions"]]
    assert bookmarks == ["2026-03-01T04:59:59+00:00"]  # a window's end, not a record's date


def test_stream_maps_are_still_cached_in_stream_maps_that_the_tap_resets():
    """`add_new_properties` resets `_stream_maps` so SCHEMA and RECORDs carry a new field."""
    source = inspect.getsource(Stream)
    assert "self._stream_maps" in source
    assert "def stream_maps" in source
