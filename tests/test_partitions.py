"""Where each partition starts, across `campaign_calls` modes: the pure functions of partitions.py."""

from __future__ import annotations

from tap_wolkvox.partitions import (
    ALL,
    all_start,
    catch_up,
    covered_alone,
    covered_by_all,
    covers,
    partition_states,
    start_of,
)

EARLY, MID, LATE = "2026-01-01T05:00:00+00:00", "2026-02-01T05:00:00+00:00", "2026-03-01T05:00:00+00:00"


def states(**marks: str | None) -> dict[str, dict]:
    """`_101=MID, all=LATE` → partition states by value; `covers` goes on the `all` one."""
    stream_state: dict = {"partitions": []}
    for name, mark in marks.items():
        if name in ("covers", "catch_up"):
            continue
        value = name.removeprefix("_")
        partition = {"context": {"campaign_id": value}, "replication_key_value": mark}
        if value == ALL:
            partition.update({name: marks[name] for name in ("covers", "catch_up") if name in marks})
        stream_state["partitions"].append(partition)
    return partition_states(stream_state, "campaign_id")


def test_a_first_run_in_all_mode_starts_at_start_date_with_nothing_to_catch_up():
    assert all_start({}, ("101",)) is None
    assert catch_up({}, ("101", "202")) == []


def test_from_each_mode_the_all_partition_starts_at_the_earliest_campaign_bookmark():
    before = states(_101=LATE, _202=EARLY, _303=MID)
    assert all_start(before, ()) is None  # without a list: start_date, for campaigns never read (below)
    assert all_start(before, ("101", "303")) == MID  # only the listed campaigns count
    assert catch_up(before, ("101", "404")) == ["404"]  # never read: caught up to MID... on its own


def test_from_all_mode_each_campaign_starts_at_the_shared_bookmark_if_it_was_covered():
    after = states(all=LATE, covers=["101", "202"])
    assert start_of(after, "101") == LATE
    assert start_of(after, "303") is None  # its rows were filtered out: start_date
    assert start_of(states(all=LATE), "303") == LATE  # nothing was filtered
    assert start_of(states(all=LATE, _101=MID), "101") == MID  # its own bookmark wins


def test_a_campaign_added_to_campaign_ids_later_is_caught_up_once():
    after = states(all=LATE, covers=["101"])
    assert catch_up(after, ("101", "202")) == ["202"]
    assert covered_by_all(after, "101") and not covered_by_all(after, "202")
    assert catch_up(states(all=LATE, covers=["101", "202"]), ("101", "202")) == []
    assert catch_up(states(all=LATE, covers=ALL), ("101", "202")) == []  # nothing was filtered


def test_covers_records_the_filter():
    assert covers(("202", "101")) == ["101", "202"]
    assert covers(()) == ALL


def test_without_campaign_ids_after_runs_with_them_the_all_partition_reads_again_from_start_date():
    after = states(all=LATE, covers=["101"])
    assert covered_alone(after, ()) == {"101": LATE}
    assert all_start(after, ()) is None  # start_date: the other campaigns were never emitted
    assert all_start(states(all=LATE, covers=["101"], catch_up=MID), ()) == MID  # an interrupted catch-up
    assert all_start(states(all=LATE, covers=["101"], catch_up="soon"), ()) is None  # not one the tap wrote
    assert catch_up(after, ()) == []  # no per-campaign partitions: one `all` read
    assert covered_alone(after, ("101",)) is None and all_start(after, ("101",)) == LATE
    assert covered_alone(states(all=LATE), ()) is None  # nothing was filtered
    assert covered_alone(states(all=LATE, covers=7), ()) == {}  # a `covers` the tap did not write: none


def test_from_each_mode_without_campaign_ids_campaigns_never_read_are_caught_up_from_start_date():
    before = states(_101=LATE, _202=EARLY, _303=None)
    assert covered_alone(before, ()) == {"101": LATE, "202": EARLY}  # each read up to its own bookmark
    assert all_start(before, ()) is None
    assert covered_alone(before, ("101",)) is None  # with a list: the earliest listed bookmark, as before
    assert covered_alone({}, ()) is None  # a first run
