"""`CutWindows`: what a report does with an answer the API may have cut at 60,000 rows.

The API cuts an answer silently at `max_rows_per_call` rows, so none of a full
answer's rows are emitted: a part of its window is asked instead. Usually its first
half. When one second holds a large share of the cut answer, that second alone may
hold a full one: the windows stop short of it and take it in a window of its own
(`windows.isolate`), a few calls instead of halving down to it. A window of the `all`
partition still cut at a few seconds is read once per member (campaign or skill), as
`campaign_calls: each` would; only a second one member alone overfills stops the run.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t
from collections import Counter

from tap_wolkvox import errors, partitions
from tap_wolkvox.partitioned import PartitionedStream
from tap_wolkvox.windows import Window, can_split, isolate, split_window

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_wolkvox.answer import Answer
    from tap_wolkvox.streams import InformationStream

DENSE_SHARE = 0.02
"""A second holding this share of a cut answer's rows may hold a full answer alone: it is isolated."""

DENSE_WINDOW_SECONDS = 3
"""A window of `all` this short that is still cut is read once per member instead."""


class CutWindows(PartitionedStream):
    """The cut-answer side of a report stream (see `report.WolkvoxReportStream`)."""

    api: t.ClassVar[str]
    max_rows_per_call: int

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._all_members: list[str] | None = None

    def _fetch_window(self, context: Context | None, window: Window) -> Answer:
        """One call for one window (the report stream's)."""
        raise NotImplementedError

    def records_of(
        self, answer: Answer, window: Window, edge_keys: set[tuple], context: Context | None
    ) -> t.Generator[dict, None, int]:
        """An answer's records; returns how many (the report stream's)."""
        raise NotImplementedError

    def reads_per_member(self, window: Window, context: Context | None) -> bool:
        """Whether a cut window is read once per member rather than split (see the module)."""
        return window.seconds <= DENSE_WINDOW_SECONDS and self.can_read_per_member(context)

    def after_cut(
        self, answer: Answer, window: Window, density: float | None, dense: dt.datetime | None, where: str
    ) -> tuple[Window, dt.datetime | None]:
        """The part of a cut window to ask next, and the dense second to isolate, if any.

        Usually its first half (a quarter while the density is unknown). But when one second
        holds a large share of the cut answer, it alone may hold a full one: the windows
        then stop short of it and take it in a window of its own (`isolate`), a few calls
        instead of halving down to it.
        """
        if not can_split(window):
            raise errors.TruncatedSecondError(self.too_dense(window, where))
        counts = Counter(key for key, _ in answer.keyed() if window.start <= key <= window.end)
        second, rows = counts.most_common(1)[0] if counts else (window.start, 0)
        if rows >= answer.received * DENSE_SHARE and (part := isolate(window, second)) != window:
            self.log(
                "%s returned %d rows (may be cut), %d at %s: asking for %s",
                window,
                answer.count,
                rows,
                second,
                part,
            )
            return part, second
        first = split_window(window)[0]
        if density is None and can_split(first):
            first = split_window(first)[0]  # nothing known yet: a quarter
        self.log("%s returned %d rows (may be cut): asking for its first part", window, answer.count)
        return first, dense

    @staticmethod
    def isolating(window: Window, dense: dt.datetime | None) -> Window:
        """A planned window, stopping short of a dense second ahead of it, or holding it alone."""
        return isolate(window, dense) if dense is not None and window.start <= dense <= window.end else window

    def too_dense(self, window: Window, where: str) -> str:
        """Why a window cut at one or two seconds stops the run, and what can be done."""
        return (
            f"{self.api}{where}: the seconds {window} hold {self.max_rows_per_call}+ rows; the API "
            "cannot return them all and no smaller call exists. Ask Wolkvox support about these rows, "
            f"or set `start_date` after {window.end} to skip these seconds (their rows are not extracted)."
        )

    # -- a cut second under `all` ------------------------------------------------------

    def can_read_per_member(self, context: Context | None) -> bool:
        """Whether this partition is `all`, whose members (campaigns, skills) can be asked one by one."""
        return self.member_list() is not None and self.partition_value(context) == partitions.ALL

    def members_seen(self, answer: Answer, window: Window) -> tuple[set[str], int]:
        """The members a cut `all` answer holds rows of in `window`, and how many rows name none."""
        param, seen, without = t.cast("str", self.partition_param), set(), 0
        for key, row in answer.keyed():
            if window.start <= key <= window.end:
                if value := str(row.get(param) or "").strip():
                    seen.add(value)
                else:
                    without += 1
        return seen, without

    def read_per_member(
        self, context: Context | None, window: Window, edge_keys: set[tuple], seen: tuple[set[str], int]
    ) -> t.Generator[dict, None, int]:
        """A window of `all` cut at a few seconds, asked once per member; returns the rows emitted.

        What `campaign_calls: each` would do for these seconds, with the same records
        and edge-second keys; only one member's answer cut too stops the run. The members
        are those of the list and those the cut answer showed (`seen`: a campaign gone from
        the list may still have rows); rows that name no member cannot be asked for alone,
        and a warning counts those the cut answer held.
        """
        param, (seen_ids, without) = t.cast("str", self.partition_param), seen
        members = self.all_members()
        if not self.wanted:
            members = sorted(
                set(members) | seen_ids, key=lambda m: (len(m), m)
            )  # numeric order for digit ids
        kind = param.removesuffix("_id")
        if without:
            self.log(
                "%s%s %s: %d row(s) of the cut answer have no %s: no call for one %s returns them, "
                "so they are not emitted",
                self.api,
                self.describe_partition(context),
                window,
                without,
                param,
                kind,
                level=logging.WARNING,
            )
        self.log(
            "%s%s %s: %d+ rows, more than one call returns: reading these seconds once per %s (%d calls)",
            self.api,
            self.describe_partition(context),
            window,
            self.max_rows_per_call,
            kind,
            len(members),
        )
        fetch = self.request_decorator(self._fetch_window)
        emitted = 0
        previous_edge, new_edge = set(edge_keys), set()
        for member in members:
            where = f", {kind} {member}"
            with self._giving_up(f"{self.api}{where}, window {window}"):
                answer = fetch({param: member}, window)
            with answer:
                if answer.received >= self.max_rows_per_call:
                    raise errors.TruncatedSecondError(self.too_dense(window, where))
                keys = set(previous_edge)
                emitted += yield from self.records_of(answer, window, keys, context)
                new_edge |= keys
        edge_keys.clear()
        edge_keys.update(new_edge)
        return emitted

    def member_list(self) -> type[InformationStream] | None:
        """The `information.php` list whose rows are this stream's partition members, if any."""
        return self._tap.member_lists.get(self.partition_param)  # type: ignore[attr-defined,no-any-return]

    def all_members(self) -> list[str]:
        """The ids `all` covers: the listed `campaign_ids`, else the operation's list (one call a run)."""
        if self._all_members is None:
            if self.wanted:
                self._all_members = list(self.wanted)
            else:
                members = t.cast("type[InformationStream]", self.member_list())
                ids = {
                    str(row.get(self.partition_param) or "").strip()
                    for row in self.fetch_information(members.info_api)
                    if not self.campaign_type
                    or str(row.get(members.type_field or "") or "").strip().lower() == self.campaign_type
                }
                self._all_members = sorted((i for i in ids if i.isdigit()), key=int)
        return self._all_members
