"""`PartitionedStream`: which partitions a report reads, and where each starts.

A report with a partition parameter (`campaign_id`, `skill_id`) is read with the value
`all`, or, for campaign reports under `campaign_calls: each`, once per campaign as the
campaign list's child. The rules, as pure functions over STATE, are in `partitions.py`;
this class applies them to a stream and its settings.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

from tap_wolkvox import partitions
from tap_wolkvox.client import WolkvoxStream

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class PartitionedStream(WolkvoxStream):
    """The partition side of a report stream (see `report.WolkvoxReportStream`)."""

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
