"""Silent truncation: a full answer is split and re-asked, and none of its rows are emitted."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from conftest import base_config, key, run_tap

from tap_wolkvox.errors import TruncatedSecondError
from tap_wolkvox.streams import Campaign3Stream
from wolkvox_emulator import Campaign


@pytest.fixture
def cut_at(monkeypatch, emulator):
    """Lower the API's cut (and the tap's threshold with it) so tests stay small."""

    def apply(rows: int) -> None:
        emulator.max_rows = rows
        monkeypatch.setattr(Campaign3Stream, "max_rows_per_call", rows)

    return apply


def test_cut_windows_are_split_until_every_answer_is_whole(emulator, cut_at):
    cut_at(300)
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=20)]
    run = run_tap(
        base_config(emulator, campaign_ids=["101"], start_date="2026-01-01", end_date="2026-01-31T23:59:59")
    )
    calls = emulator.calls_to("campaign_3")
    assert any(call.rows == 300 for call in calls), "the emulator never cut an answer"
    expected = Counter(
        key(r) for r in emulator.rows("101", dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 31, 23, 59, 59))
    )
    got = Counter(key(r) for r in run.records)
    assert got == expected  # nothing lost, and no row of a cut answer emitted twice
    # Windows share their edge second, so a row there is in two answers and emitted once.
    assert sum(call.rows for call in calls if call.rows < 300) >= len(run.records)


def test_more_rows_in_one_second_than_one_call_returns_stops_clearly(emulator, cut_at):
    cut_at(2)  # the emulator puts two rows on one second every hour
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=3)]
    run = run_tap(
        base_config(
            emulator, campaign_ids=["101"], start_date="2026-01-01T00:00:00", end_date="2026-01-01T00:59:59"
        ),
        expect=TruncatedSecondError,
    )
    assert isinstance(run.error, TruncatedSecondError)
    assert "the seconds 2026-01-01 00:00:00" in str(run.error) and "campaign 101" in str(run.error)
