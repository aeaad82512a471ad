"""`PartitionedStream`: which partitions a report reads, where each starts, and its bookmarks.

A report with a partition parameter (`campaign_id`, `skill_id`) is read with the value
`all`, or, for campaign reports under `campaign_calls: each`, once per campaign as the
campaign list's child. The rules, as pure functions over STATE, are in `partitions.py`;
this class applies them to a stream and its settings. `CampaignTypedStream` says which
listed campaigns a campaign report covers under `each`, by their type.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t
from functools import cached_property

from typing_extensions import override

from tap_wolkvox import partitions
from tap_wolkvox.client import WolkvoxStream
from tap_wolkvox.windows import ONE_SECOND, Window, earliest_utc, incremental_start, naive_span

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_wolkvox.records import Skip


CAMPAIGN_TYPES = ("predictive", "preview")
"""The campaign types of the campaign list (`type_campaign`), each read by its own reports."""


class CampaignList(t.Protocol):
    """The campaigns stream, as its child reports see it (`streams.CampaignsStream`)."""

    listed: dict[str, dict]
    type_field: str | None

    def learn_types(self) -> dict[str, dict]: ...


class CampaignTypedStream(WolkvoxStream):
    """Which campaigns a campaign report covers, by type, under `campaign_calls: each`."""

    partition_param: t.ClassVar[str | None] = None
    """`campaign_id` or `skill_id`: read with the value `all` (see `partitions.py`)."""
    campaign_type: t.ClassVar[str | None] = None
    """`predictive` or `preview`: under `each`, the campaigns of the list it is read for."""

    def partition_value(self, context: Context | None) -> str | None:
        return (context or {}).get(self.partition_param) if self.partition_param else None

    def describe_partition(self, context: Context | None) -> str:
        """`, campaign 101` for log lines; '' for a stream without partitions."""
        return "".join(f", {name.removesuffix('_id')} {value}" for name, value in (context or {}).items())

    def kind_of_campaign(self, context: Context | None, *, learn: bool = False) -> str | None:
        """Under `each`, the listed campaign's type (`predictive`, `preview`); None if unknown.

        With `learn`, a type not known is asked for (one list call a run at most).
        """
        parent_type = self.parent_stream_type  # the campaign list, under `each`
        parent = t.cast(
            "CampaignList | None",
            next((s for s in self._tap.streams.values() if parent_type and isinstance(s, parent_type)), None),
        )
        if parent is None:
            return None
        listed = parent.learn_types() if learn else parent.listed
        campaign = listed.get(self.partition_value(context) or "")
        kind = str((campaign or {}).get(parent.type_field or "") or "").strip().lower()
        return kind if kind in CAMPAIGN_TYPES else None

    def reads_campaign(self, context: Context | None) -> bool:
        """Under `each`, whether the listed campaign is of the type this report covers.

        A campaign whose type is not known is read by every campaign report: better a
        call answered 404 than rows never read.
        """
        kind = self.kind_of_campaign(context)
        return kind is None or not self.campaign_type or kind == self.campaign_type

    def expects_rows(self, context: Context | None) -> bool:
        """Whether a long range without rows is news: not for a listed campaign of another type."""
        kind = self.kind_of_campaign(context, learn=True) if self.campaign_type else None
        if kind is None or kind == self.campaign_type:
            return True
        self.log(
            "%s%s: no rows, as it is a %s campaign and %s covers %s ones. Leave it out of "
            "campaign_ids, or deselect %s.",
            self.name,
            self.describe_partition(context),
            kind,
            self.name,
            self.campaign_type,
            self.name,
            level=logging.WARNING,
        )
        return False


class PartitionedStream(CampaignTypedStream):
    """The partition and bookmark side of a report stream (see `report.WolkvoxReportStream`)."""

    min_lookback: t.ClassVar[dt.timedelta] = dt.timedelta(0)
    """How far back an incremental run re-reads at least, for rows that change after the fact."""

    @property
    def wanted(self) -> tuple[str, ...]:
        """The partition values the user listed (`campaign_ids`); empty: every one."""
        return self.settings.campaign_ids if self.partition_param == "campaign_id" else ()

    @property
    @override
    def partitions(self) -> list[dict] | None:
        """`{param: "all"}`, after any catch-up partitions (SDK hook; see `partitions.py`).

        Under `campaign_calls: each` a campaign report is the campaigns stream's child,
        which passes one context per campaign instead.
        """
        if self.partition_param is None or self.parent_stream_type is not None:
            return super().partitions
        return [{self.partition_param: value} for value in self.catch_up_ids] + [
            {self.partition_param: partitions.ALL}
        ]

    @cached_property
    def partition_states(self) -> dict[str, dict]:
        """The input state's partitions by value, read once, before this run moves any."""
        if self.partition_param is None:
            return {}
        states = partitions.partition_states(self.stream_state, self.partition_param)
        return {value: dict(state) for value, state in states.items()}

    @cached_property
    def catch_up_ids(self) -> list[str]:
        return partitions.catch_up(self.partition_states, self.wanted)

    @cached_property
    def covered_alone(self) -> dict[str, str] | None:
        """Without `campaign_ids`: the campaigns read on their own before, and up to which bookmark.

        The `all` partition then reads every other campaign again from `start_date` (see
        `partitions.py`); None when it need not.
        """
        if self.partition_param is None or self.parent_stream_type is not None:
            return None
        covered = partitions.covered_alone(self.partition_states, self.wanted)
        if covered is not None and partitions.CATCH_UP not in self.partition_states.get(partitions.ALL, {}):
            self.log(
                "%s: only %d campaign(s) were read up to the bookmark (with campaign_ids, or under "
                "campaign_calls: each), so other campaigns' rows before it were never emitted. "
                "Reading them from start_date, once.",
                self.name,
                len(covered),
                level=logging.WARNING,
            )
        return covered

    def skips_row(self, context: Context | None) -> Skip | None:
        """Why a row is not emitted (see `records.Skip`); None: every row is.

        A catch-up partition leaves the `all` partition's first second to it. Under `all`
        with `campaign_ids`, rows of other campaigns, and rows without a campaign, are not
        emitted; while catching up campaigns not read before (`covered_alone`), neither are
        the covered ones' rows before where each would have started.
        """
        param = self.partition_param
        if self.is_catch_up(context):
            return partitions.left_to_all(self.all_from(self.run_end()))
        if param is None or self.partition_value(context) != partitions.ALL:
            return None
        if self.wanted:
            return partitions.not_listed(param, self.wanted)
        if self.covered_alone is None:
            return None
        since = {
            value: self.range_from(parse_bookmark(mark, where=f"{self.name}, campaign {value}"))[0]
            for value, mark in self.covered_alone.items()
        }
        return partitions.read_before(param, since)

    def partition_start(self, context: Context | None) -> str | None:
        """This partition's bookmark, or where it takes over from another (see `partitions.py`)."""
        value = self.partition_value(context)
        if value is None:
            return self.get_context_state(context).get("replication_key_value")
        if value == partitions.ALL:
            return partitions.all_start(self.partition_states, self.wanted)
        return partitions.start_of(self.partition_states, value)

    @property
    def lookback(self) -> dt.timedelta:
        return max(self.settings.lookback, self.min_lookback)

    def range_from(
        self, bookmark: dt.datetime | None, end: dt.datetime | None = None
    ) -> tuple[dt.datetime, dt.datetime]:
        """What a read from `bookmark` to `end` (aware; default now) covers, naive local.

        It starts at the bookmark minus the lookback, never before `start_date`.
        """
        end = end or dt.datetime.now(dt.timezone.utc)
        start = incremental_start(bookmark, self.settings.start_date, self.lookback)
        return naive_span(min(start, end), end, self.settings.tz)

    def partition_range(self, context: Context | None, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """This partition's range up to `end`, naive local; empty (start after end) if none.

        A catch-up partition stops at the `all` partition's first second, which it shares
        as windows share theirs (the API's `date_end` may be exclusive); the rows of that
        second are left to the `all` partition (`skips_row`), so no row is emitted twice.
        """
        start, last = self.range_from(self.read_bookmark(context), end)
        if self.is_catch_up(context):
            all_from = self.all_from(end)
            last = min(last, all_from) if all_from > start else start - ONE_SECOND
        return start, last

    def run_end(self) -> dt.datetime:
        """Where this run's ranges end, aware: `end_date` or now, never later than now.

        A window (and so a bookmark) past now would skip the rows written after the call.
        """
        now = dt.datetime.now(dt.timezone.utc)
        return min(self.settings.end_date or now, now)

    def is_catch_up(self, context: Context | None) -> bool:
        """Whether this is a catch-up partition: a campaign read on its own under `all`."""
        return self.parent_stream_type is None and self.partition_value(context) in self.catch_up_ids

    def all_from(self, end: dt.datetime | None = None) -> dt.datetime:
        """Where the `all` partition's range starts this run, naive local."""
        return self.range_from(self.read_bookmark({self.partition_param or "": partitions.ALL}), end)[0]

    def record_coverage(self, context: Context | None, state: dict) -> None:
        """On the `all` partition's state: which campaigns its bookmark covers."""
        if self.partition_value(context) == partitions.ALL:
            state[partitions.COVERS] = partitions.covers(self.wanted)
            state.pop(partitions.CATCH_UP, None)

    # -- bookmarks --------------------------------------------------------------------

    @override
    def _increment_stream_state(self, latest_record: dict, *, context: Context | None = None) -> None:
        """No per-record bookmark: `complete_window` moves it once a window is done.

        The SDK's per-record update is a measurable share of the tap's time (see
        docs/performance.md), and a bookmark taken mid-window is no better for resuming
        than the last window's end.
        """

    def read_bookmark(self, context: Context | None) -> dt.datetime | None:
        """Where this partition starts, as an aware UTC datetime (see `partitions.py`)."""
        mark = self.partition_start(context)
        return (
            None
            if mark is None
            else parse_bookmark(mark, where=f"{self.name}{self.describe_partition(context)}")
        )

    def complete_window(self, context: Context | None, window: Window) -> None:
        """Move the bookmark to the window's end and write STATE: the window is done.

        While the `all` partition catches up campaigns it did not cover, short of its
        bookmark, only its progress moves (see `partitions.py`). With `batch_config` the
        window's rows may not be in a BATCH yet: then the SDK writes this STATE after the
        next BATCH message, which holds them.
        """
        state = self.get_context_state(context)
        window_end = earliest_utc(window.end, self.settings.tz)
        current = state.get("replication_key_value")
        behind = current is not None and window_end < parse_bookmark(current, where=self.name)
        if behind and self.partition_value(context) == partitions.ALL and self.covered_alone is not None:
            state[partitions.CATCH_UP] = window_end.isoformat()
        elif not behind:  # a window behind the bookmark widens neither it nor what it covers
            state["replication_key"] = self.replication_key
            state["replication_key_value"] = window_end.isoformat()
            self.record_coverage(context, state)
        if not self.get_batch_config(self.config):  # else the SDK writes it after each BATCH
            self._tap.state_writer.write_state(self.tap_state)


def parse_bookmark(value: object, *, where: str) -> dt.datetime:
    """A bookmark the tap wrote: an ISO 8601 date-time with an offset."""
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        msg = (
            # The value itself is not echoed: a state file is no place to trust with secrets.
            f"State for {where}: the bookmark is not an ISO 8601 date-time with an offset "
            "(e.g. 2026-03-01T04:59:59+00:00), which is what tap-wolkvox writes. Fix or remove it."
        )
        raise ValueError(msg)
    return parsed.astimezone(dt.timezone.utc)
