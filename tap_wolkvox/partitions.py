"""Which partitions a report reads, and where each starts: pure functions over its STATE.

A report with a partition parameter (`campaign_id`, `skill_id`) is read with the value
`all`, one call per window for every campaign: one partition `{"campaign_id": "all"}`
with one bookmark. Under `campaign_calls: each`, campaign reports are read per campaign
instead: one partition `{"campaign_id": "101"}` per campaign. Both kinds live side by
side in `bookmarks.<stream>.partitions`, so switching modes loses nothing:

- each → all: the `all` partition starts at the earliest campaign bookmark;
- all → each: a campaign without a bookmark of its own starts at the `all` bookmark,
  if the `all` partition covered it (see `covers`).

`covers` on the `all` partition is the list of ids whose rows it emitted (`campaign_ids`
then), or `"all"` when nothing was filtered. A campaign added to `campaign_ids` later
was filtered out before, so it is read once on its own, from `start_date` (or its own
bookmark) up to where the `all` partition starts: a catch-up partition. It shares the
`all` partition's first second (lookback included) as windows share theirs, and leaves
that second's rows to it, so no row is emitted twice.

Without `campaign_ids`, after runs with them (or under `each`), every other campaign
was never read: the `all` partition reads again from `start_date`, skipping only the
covered campaigns' rows up to where each would have started. Until it passes its
bookmark, its progress is kept in `catch_up`, and its bookmark and `covers` still say
what the earlier runs emitted; then `covers` becomes `"all"`.
"""

from __future__ import annotations

import datetime as dt
import typing as t

if t.TYPE_CHECKING:
    from tap_wolkvox.records import Skip

ALL = "all"
COVERS = "covers"
CATCH_UP = "catch_up"


def partition_states(stream_state: dict, param: str) -> dict[str, dict]:
    """The stream's partition states by the value of `param` (`"all"`, `"101"`, ...)."""
    states = {}
    for partition in stream_state.get("partitions") or []:
        value = (partition.get("context") or {}).get(param)
        if isinstance(value, str):
            states[value] = partition
    return states


def bookmark_of(state: dict | None) -> str | None:
    return (state or {}).get("replication_key_value")


def is_bookmark(value: object) -> bool:
    """Whether `value` is a bookmark as the tap writes it: ISO 8601 with an offset."""
    try:
        return isinstance(value, str) and dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def all_start(states: dict[str, dict], wanted: t.Collection[str]) -> str | None:
    """Where the `all` partition starts: its bookmark, else the earliest per-campaign one.

    Per-campaign bookmarks (written under `each`) count only for `wanted` campaigns,
    when the user lists some. Without a list, while it catches up the campaigns not read
    before (see `covered_alone`): how far it got, or None (`start_date`).
    """
    if covered_alone(states, wanted) is not None:
        progress = states.get(ALL, {}).get(CATCH_UP)
        own = bookmark_of(states.get(ALL))
        if not is_bookmark(progress) or (
            own is not None and dt.datetime.fromisoformat(str(progress)) > dt.datetime.fromisoformat(str(own))
        ):
            return None  # progress the tap did not write (past the bookmark it catches up to): start over
        return progress
    if own := bookmark_of(states.get(ALL)):
        return own
    marks = [
        bookmark_of(state)
        for value, state in states.items()
        if value != ALL and (not wanted or value in wanted) and bookmark_of(state)
    ]
    return min(marks, key=dt.datetime.fromisoformat) if marks else None  # type: ignore[arg-type]


def covered_alone(states: dict[str, dict], wanted: t.Collection[str]) -> dict[str, str] | None:
    """Without a list: the ids read on their own before, each with the bookmark it was read up to.

    After runs with `campaign_ids` (the `all` partition's `covers`), or under `each`
    (per-campaign bookmarks), every other campaign's rows before them were never
    emitted: the `all` partition reads them from `start_date`. None when there is nothing
    to catch up.
    """
    if wanted:
        return None
    if own := bookmark_of(states.get(ALL)):
        covered = states[ALL].get(COVERS, ALL)
        if covered == ALL:
            return None
        # A `covers` the tap did not write is taken as covering nothing: everything is read again.
        ids = [value for value in covered if isinstance(value, str)] if isinstance(covered, list) else []
        return dict.fromkeys(ids, own)
    marks = {value: mark for value, state in states.items() if value != ALL and (mark := bookmark_of(state))}
    return marks or None


def covered_by_all(states: dict[str, dict], value: str) -> bool:
    """Whether the `all` partition emitted `value`'s rows up to its bookmark."""
    covers = states.get(ALL, {}).get(COVERS, ALL)
    return covers == ALL or (isinstance(covers, list) and value in covers)


def start_of(states: dict[str, dict], value: str) -> str | None:
    """Where a per-campaign partition starts: its bookmark, else the `all` one if it covered it."""
    if own := bookmark_of(states.get(value)):
        return own
    if covered_by_all(states, value):
        return bookmark_of(states.get(ALL))
    return None


def catch_up(states: dict[str, dict], wanted: t.Collection[str]) -> list[str]:
    """The wanted ids the `all` partition has not read up to where it starts, in order."""
    if not wanted or all_start(states, wanted) is None:
        return []  # a first run: the `all` partition reads every wanted id from start_date
    if bookmark_of(states.get(ALL)):
        return sorted(value for value in wanted if not covered_by_all(states, value))
    # Switching from `each`: the ids that never had a bookmark of their own.
    return sorted(value for value in wanted if not bookmark_of(states.get(value)))


def covers(wanted: t.Collection[str]) -> list[str] | str:
    """What the `all` partition records it emitted: the wanted ids, or every one."""
    return sorted(wanted) if wanted else ALL


# -- rows a partition skips (`records.Skip`) --------------------------------------------


def not_listed(param: str, wanted: t.Collection[str]) -> Skip:
    """Under `all` with `campaign_ids`: other campaigns' rows, and rows without a campaign."""
    listed = set(wanted)

    def skip(row: dict, _: dt.datetime | None) -> str | None:
        value = str(row.get(param) or "").strip()
        return None if value in listed else "not_selected" if value else "no_campaign"

    return skip


def read_before(param: str, since: dict[str, dt.datetime]) -> Skip:
    """Rows of campaigns read before, dated before where each would have started (naive local)."""

    def skip(row: dict, naive: dt.datetime | None) -> str | None:
        start = since.get(str(row.get(param) or "").strip())
        return "read_before" if start is not None and naive is not None and naive < start else None

    return skip


def left_to_all(all_from: dt.datetime) -> Skip:
    """A catch-up's rows from the `all` partition's first second (naive local): it emits them."""
    return lambda _, naive: "edge" if naive is not None and naive >= all_from else None
