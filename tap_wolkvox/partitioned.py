"""`PartitionedStream`: which partitions a report reads, where each starts, and its bookmarks.

A report with a partition parameter (`campaign_id`, `skill_id`) is read with the value
`all`, or, for campaign reports under `campaign_calls: each`, once per campaign as the
campaign list's child. The rules, as pure functions over STATE, are in `partitions.py`;
this class applies them to a stream and its settings.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from functools import cached_property

from tap_wolkvox import partitions
from tap_wolkvox.client import WolkvoxStream
from tap_wolkvox.windows import Window, earliest_utc

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class PartitionedStream(WolkvoxStream):
    """The partition and bookmark side of a report stream (see `report.WolkvoxReportStream`)."""

    partition_param: t.ClassVar[str | None] = None
    """`campaign_id` or `skill_id`: read with the value `all` (see `partitions.py`)."""
    campaign_type: t.ClassVar[str | None] = None
    """`predictive` or `preview`: under `each`, the campaigns of the list it is read for."""

    @property
    def wanted(self) -> tuple[str, ...]:
        """The partition values the user listed (`campaign_ids`); empty: every one."""
        return self.settings.campaign_ids if self.partition_param == "campaign_id" else ()

    @property
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

    def reads_campaign(self, context: Context | None) -> bool:
        """Under `each`, whether the listed campaign is of the type this report covers."""
        parent = self._tap.streams.get("campaigns") if self.parent_stream_type else None
        listed = getattr(parent, "listed", {})
        campaign = listed.get(self.partition_value(context) or "")
        return (
            campaign is None or not self.campaign_type or campaign.get("type_campaign") == self.campaign_type
        )

    def partition_value(self, context: Context | None) -> str | None:
        return (context or {}).get(self.partition_param) if self.partition_param else None

    def describe_partition(self, context: Context | None) -> str:
        """`, campaign 101` for log lines; '' for a stream without partitions."""
        return "".join(f", {name.removesuffix('_id')} {value}" for name, value in (context or {}).items())

    def keeps_row(self, context: Context | None) -> t.Callable[[dict], bool] | None:
        """Under `all`, only the listed campaigns' rows are emitted."""
        wanted, param = self.wanted, self.partition_param
        if not wanted or param is None or self.partition_value(context) != partitions.ALL:
            return None
        listed = set(wanted)
        return lambda row: str(row.get(param) or "").strip() in listed

    def partition_start(self, context: Context | None) -> str | None:
        """This partition's bookmark, or where it takes over from another (see `partitions.py`)."""
        value = self.partition_value(context)
        if value is None:
            return self.get_context_state(context).get("replication_key_value")
        if value == partitions.ALL:
            return partitions.all_start(self.partition_states, self.wanted)
        return partitions.start_of(self.partition_states, value)

    def catch_up_end(self, context: Context | None) -> str | None:
        """Where a catch-up partition stops: where the `all` partition starts; else None."""
        if self.parent_stream_type is None and self.partition_value(context) in self.catch_up_ids:
            return partitions.all_start(self.partition_states, self.wanted)
        return None

    def record_coverage(self, context: Context | None, state: dict) -> None:
        """On the `all` partition's state: which campaigns its bookmark covers."""
        if self.partition_value(context) == partitions.ALL:
            state[partitions.COVERS] = partitions.covers(self.wanted)

    # -- bookmarks --------------------------------------------------------------------

    def _increment_stream_state(self, latest_record: dict, *, context: Context | None = None) -> None:
        """No per-record bookmark: `complete_window` moves it once a window is done.

        The SDK's per-record update cost a tenth of the tap's time, and a bookmark taken
        mid-window is no better for resuming than the last window's end.
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

        With `batch_config` the window's rows may not be in a BATCH yet: then the SDK writes
        this STATE after the next BATCH message, which holds them.
        """
        state = self.get_context_state(context)
        window_end = earliest_utc(window.end, self.settings.tz)
        current = state.get("replication_key_value")
        if current is None or parse_bookmark(current, where=self.name) < window_end:
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
