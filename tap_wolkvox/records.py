"""From API rows to records, the same way for every report (the README's one convention).

- Each field keeps the API's name (plain identifiers; see `answer.field_name`) and text.
- Each of the report's date-time fields becomes RFC 3339 in UTC, with the raw text kept
  in `<name>_local`; one that cannot be parsed is null, with its raw text kept.
- Key fields are never null or empty: such a one is emitted as `(none)` (`NO_KEY`).
- Rows dated outside the window asked for (on the field the API selects by) are
  skipped: their own window reads them. So are the rows of a window's first second
  that the previous window, which shares that second, already emitted.
- Rows the partition does not emit (`Skip`: other campaigns' under `all` with
  `campaign_ids`, ...) are skipped and counted by reason; those without a campaign_id
  then draw a warning, since no campaign_ids can select them.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from tap_wolkvox.answer import SortBy
from tap_wolkvox.windows import ISO_SPACE, Window, parse_row_date, parse_row_naive, row_date_to_utc_text

if t.TYPE_CHECKING:
    from tap_wolkvox.answer import Answer

ODD_ROWS = {
    "unparsed": "have a date-time that cannot be parsed: emitted null, its raw text in `<name>_local`",
    "outside": "are dated outside the window asked for: skipped, their own window reads them",
    "null_key": "have a null key field: emitted with `(none)` in it",
    "no_campaign": "have an empty campaign_id: skipped, as campaign_ids cannot select them",
}
"""Kinds of odd rows `RowConverter.records` counts, as a warning says them."""

SKIPPED_ROWS = {
    "not_selected": "of campaigns not in campaign_ids skipped",
    "read_before": "of campaigns already read up to their bookmark skipped",
}
"""Kinds of rows skipped on purpose, as an INFO line says them."""

NO_KEY = "(none)"
"""A key field the API sent null, missing or empty. Not "": several targets load "" as NULL,
and every target refuses a null key, so one such row would stop every later load."""

Skip = t.Callable[[dict, dt.datetime | None], str | None]
"""Given a row and its naive filter date: why it is skipped (a kind of row counted), or None to keep it."""

UNPARSED_LAST = dt.datetime.max
"""The sort key of a row whose filter field is not a date-time: after every other row."""


@dataclass
class RowConverter:
    """Turns one report's answers into records; see the module's docstring."""

    date_fields: tuple[str, ...]
    filter_field: str
    """The date-time field the API selects rows by: sorting, window edges, out-of-window."""
    date_format: str
    primary_keys: tuple[str, ...]
    tz: ZoneInfo
    counts: Counter = field(default_factory=Counter)
    _hours: dict[str, str | None] = field(default_factory=dict)
    _local_names: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        self._local_names = tuple((name, f"{name}_local") for name in self.date_fields)

    def naive(self, raw: object) -> dt.datetime | None:
        """The naive local date-time a raw value means; None if it is not one in `date_format`."""
        return parse_row_naive(raw, self.date_format)

    def utc_text(self, raw: object) -> str | None:
        """RFC 3339 UTC of a raw date-time; None if it is not one in `date_format`."""
        if self.date_format == ISO_SPACE:  # the UTC hour is computed once per local hour
            if len(self._hours) > 10_000:  # a window's hours at most; bounded anyway
                self._hours.clear()
            return row_date_to_utc_text(raw, self.tz, self._hours)
        parsed = parse_row_date(raw, self.tz, self.date_format)
        return None if parsed is None else parsed.isoformat()

    @property
    def sort_by(self) -> SortBy:
        """Rows sort by the filter field's local time; rows whose date cannot be parsed come last.

        Local, not UTC (one parse per row, no conversion): the same order except for
        times in a spring-forward gap, which the clock skips, so no real row has them.
        (The repeated hour of a fall-back has one UTC value per naive time anyway.)
        """
        return SortBy(self.filter_field, self.sort_key)

    def sort_key(self, raw: object) -> dt.datetime:
        return self.naive(raw) or UNPARSED_LAST

    def records(
        self,
        answer: Answer,
        window: Window,
        edge_keys: set[tuple],
        skip: Skip | None = None,
    ) -> t.Iterator[dict]:
        """The answer's records, sorted; `edge_keys` is read, then replaced by this window's last second's.

        Rows `skip` gives a reason for (e.g. other campaigns') are skipped and counted by it.
        """
        new_edge_keys: set[tuple] = set()
        start, end = window
        filter_field, naive_of, convert = self.filter_field, self.naive, self.convert  # per row: locals
        keyed_by_date = answer.sort_by == self.sort_by  # then a row's key is its parsed filter field
        for key, row in answer.keyed():
            if keyed_by_date and key is not UNPARSED_LAST:
                naive = key
            else:
                naive = naive_of(row.get(filter_field))
            if naive is not None and (naive < start or naive > end):
                self.counts["outside"] += 1
                continue
            if skip is not None and (reason := skip(row, naive)):
                self.counts[reason] += 1
                continue
            convert(row)
            if naive in (start, end):  # only edge rows need their key
                primary_key = tuple(row[name] for name in self.primary_keys)
                if naive == start and primary_key in edge_keys:
                    self.counts["edge"] += 1
                    continue
                if naive == end:
                    new_edge_keys.add(primary_key)
            yield row
        edge_keys.clear()
        edge_keys.update(new_edge_keys)

    def odd_rows(self, duplicates: int) -> t.Iterator[tuple[int, str]]:
        """(log level, text) for each kind of odd row of the last answer (none about the edge second)."""
        for kind, text in ODD_ROWS.items():
            if self.counts.get(kind):
                yield logging.WARNING, f"{self.counts[kind]} row(s) {text}"
        if duplicates:
            yield logging.WARNING, f"{duplicates} exact duplicate row(s) in the answer, emitted once"
        for kind, text in SKIPPED_ROWS.items():
            if self.counts.get(kind):
                yield logging.INFO, f"{self.counts[kind]} row(s) {text}"

    def convert(self, row: dict) -> None:
        """Date-times to UTC (raw text kept in `<name>_local`), and no null or empty key field.

        Only nulls are counted for a warning: empty key fields are normal in some
        reports (campaign_5's TOTAL rows have no call id).
        """
        for name, local in self._local_names:
            raw = row.get(name)
            utc = self.utc_text(raw)
            row[local] = raw
            row[name] = utc
            if utc is None and raw is not None and (raw != "" or name == self.filter_field):
                self.counts["unparsed"] += 1  # an empty optional date (e.g. an open session's end) is fine
        if fill_keys(row, self.primary_keys):
            self.counts["null_key"] += 1


def fill_keys(row: dict, primary_keys: t.Iterable[str]) -> bool:
    """Put `NO_KEY` in each key field that is null, missing or empty; whether one was null or missing."""
    missing = False
    for name in primary_keys:
        value = row.get(name)
        if value is None or value == "":
            row[name] = NO_KEY
            missing |= value is None
    return missing
