"""`WolkvoxReportStream`: the engine every `reports_manager.php` report runs on.

A report is a declaration (see `streams.py`): its `api` name, schema and primary key,
the date-time field the API selects rows by (`filter_field`) and its other date-time
fields, their format, its partition parameter (`campaign_id`, `skill_id` or none), the
longest window it allows and how far back an incremental run must re-read. This class
does the rest, the same way for every report: date windows sized to the density seen,
the 60,000-row split (`cut_windows.py`), range limits learned from refused windows,
404 as no rows, the envelope and error taxonomy (`client.py`),
one convention for records (`records.py`), partitions (`partitions.py`), and a
bookmark plus STATE after every window.
"""

from __future__ import annotations

import datetime as dt
import logging
import typing as t
from functools import cached_property

from singer_sdk.helpers.conform import TypeConformanceLevel
from typing_extensions import override

from tap_wolkvox import errors
from tap_wolkvox.answer import Answer
from tap_wolkvox.cut_windows import CutWindows
from tap_wolkvox.deadline import CallTimedOut
from tap_wolkvox.records import RowConverter
from tap_wolkvox.usage import CallBudgetReached
from tap_wolkvox.windows import (
    ISO_SPACE,
    LearnedLimit,
    Window,
    describe_span,
    next_window,
    split_window,
)

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

MAX_ROWS_PER_CALL = 60_000
"""The API silently cuts a response at this many rows: a full one may be incomplete."""

WINDOW_FILL = 0.9
"""Windows are sized for 90% of a full answer at the density seen so far: room for variation."""

SPLIT_ON_TIMEOUT_ABOVE = dt.timedelta(days=1)
"""A timeout on a window longer than this is taken as "too big for 60 s": it is halved."""


NOTHING_FOR = dt.timedelta(days=7)
"""A partition without a single row over this long draws a warning: perhaps a report not served."""


class WindowTimedOut(Exception):  # noqa: N818
    """A long window timed out; it is split instead of retried whole."""


class WolkvoxReportStream(CutWindows):
    """A `reports_manager.php` report, read in date windows. Subclasses only declare."""

    api: t.ClassVar[str]
    """The report's `api` parameter, e.g. `campaign_3`."""
    filter_field: t.ClassVar[str] = "date"
    """The date-time field the API selects rows by; also the replication key."""
    date_fields: t.ClassVar[tuple[str, ...]] = ("date",)
    """Every date-time field: each becomes UTC, its raw text kept in `<name>_local`."""
    date_format: t.ClassVar[str] = ISO_SPACE
    max_window_days: t.ClassVar[int] = 31

    path = "/api/v2/reports_manager.php"
    is_sorted = True  # rows are emitted sorted by the filter field within each window
    check_sorted = False  # a lookback re-reads rows older than the bookmark on purpose
    max_rows_per_call = MAX_ROWS_PER_CALL
    # Records are built as strings (and date-times as RFC 3339) already: per-record type
    # conformance would only cost time (docs/performance.md).
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    @override
    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.replication_key = cls.filter_field  # type: ignore[assignment]

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._renames_logged: set[str] = set()
        self._declared_fields = frozenset(self.schema["properties"])  # before the API adds any

    @cached_property
    def rows(self) -> RowConverter:
        return RowConverter(
            date_fields=self.date_fields,
            filter_field=self.filter_field,
            date_format=self.date_format,
            primary_keys=tuple(self.primary_keys),
            tz=self.settings.tz,
        )

    # -- windows ----------------------------------------------------------------------

    def span(self, context: Context | None) -> tuple[dt.datetime, dt.datetime]:
        """This run's range, naive local: from the bookmark minus lookback (or `start_date`) to the end.

        The end is `run_end`. A catch-up partition ends where the `all` partition's range
        starts (`partition_range`).
        """
        return self.partition_range(context, self.run_end())

    @override
    def request_records(self, context: Context | None) -> t.Iterable[dict]:
        """Yield every row of every window, each window's rows sorted by the filter field.

        Windows are sized to the density learned from the windows already read, and
        share their edge second (see `windows.py`). One whose answer may have been cut
        (`max_rows_per_call` rows) is asked again in part (`cut_windows.py`), none of the
        cut answer's rows are emitted, and the rest is planned from the density that part
        shows. A window the API refuses (400) is asked again shorter (`narrower_than`).
        STATE is written after every completed window.
        """
        if not self.reads_campaign(context):
            return
        start, end = self.span(context)
        if start > end:
            return  # a catch-up with nothing before the `all` partition's range
        emitted = yield from self.read_windows(context, start, end)
        if not emitted and end - start >= NOTHING_FOR and self.expects_rows(context):
            self.log(
                "%s%s: no rows at all in %s..%s. If the operation had activity then, this report "
                "may not be enabled for it (the API answers 404 as for an empty window): ask Wolkvox, "
                "or deselect the stream.",
                self.api,
                self.describe_partition(context),
                start,
                end,
                level=logging.WARNING,
            )

    def read_windows(
        self, context: Context | None, cursor: dt.datetime, end: dt.datetime
    ) -> t.Generator[dict, None, int]:
        """The windows' rows from `cursor` to `end` (see `request_records`); returns how many."""
        where = self.describe_partition(context)
        progress = self._tap.progress.range(self.name, where, cursor, end)  # type: ignore[attr-defined]
        total = 0
        first_half: Window | None = None  # of a window that was cut, timed out or refused: asked next
        density: float | None = None  # rows per second of the last complete window
        dense: dt.datetime | None = None  # a second that held much of a cut answer alone (`after_cut`)
        edge_keys: set[tuple] = set()  # keys emitted in the second this window shares with the last
        fetch = self.request_decorator(self._fetch_window)
        done = False
        while not done:
            window = first_half or self.isolating(self.plan_window(cursor, end, density), dense)
            first_half = None
            try:
                with self._giving_up(f"{self.api}{where}, window {window}"):
                    answer = fetch(context, window)
                self.log_learned_limit()
                with answer:
                    if answer.received < self.max_rows_per_call:
                        emitted = yield from self.records_of(answer, window, edge_keys, context)
                        received = answer.count
                    elif not self.reads_per_member(window, context):
                        first_half, dense = self.after_cut(answer, window, density, dense, where)
                        continue
                    else:
                        seen = self.members_seen(answer, window)
                if answer.received >= self.max_rows_per_call:
                    emitted = yield from self.read_per_member(context, window, edge_keys, seen)
                    received = -1  # a dense second says nothing of the density around it
            except CallBudgetReached:
                self.log("max_calls_per_run reached before %s%s", window, where, level=logging.WARNING)
                return total
            except errors.RangeRefusedError as refusal:
                first_half = self.narrower_than(window, refusal)
                continue
            except WindowTimedOut:
                first_half = split_window(window)[0]
                self.log("Timed out on %s: asking again for its first half", window, level=logging.WARNING)
                continue
            self.log("%s", progress.after(window, emitted, self.usage.calls))
            self.usage.rows += emitted
            total += emitted
            density = max(received, 1) / window.seconds if received >= 0 else density
            # What is left is planned again, with the density this window showed.
            cursor, done = window.end, window.end >= end
            dense = dense if dense is not None and dense > cursor else None
            self.complete_window(context, window)
        return total

    def plan_window(self, cursor: dt.datetime, end: dt.datetime, density: float | None) -> Window:
        """The next window from `cursor`, sized to the density seen so far."""
        target = int(self.max_rows_per_call * WINDOW_FILL)
        days = min(self.settings.window_days, self.max_window_days)
        return self.range_limit.clip(next_window(cursor, end, days, density, target))

    @cached_property
    def range_limit(self) -> LearnedLimit:
        """The longest window this report accepted after refusing one, for every partition of the run."""
        return LearnedLimit()

    def narrower_than(self, window: Window, refusal: errors.RangeRefusedError) -> Window:
        """The window to ask after `window` was refused (HTTP 400); raises when none shorter can help."""
        if shorter := self.range_limit.narrower(window, str(refusal)):
            return shorter
        if self.range_limit.longest is not None:  # shorter windows were refused too
            msg = f"{refusal}; refused for a window of {describe_span(window.end - window.start)} too"
            raise errors.RangeRefusedError(msg) from refusal
        raise refusal

    def log_learned_limit(self) -> None:
        """Once a shorter window is accepted after a refusal: one line that says so."""
        if reason := self.range_limit.accepted():
            days = self.range_limit.days
            self.log(
                "The API refused a longer %s window (%s). Windows of %s are accepted: the rest of this "
                "run reads %s in windows of at most %s. If that is this report's limit, set "
                "`window_days: %d` to start there (it applies to every report).",
                self.api,
                reason,
                describe_span(self.range_limit.longest or dt.timedelta()),
                self.api,
                describe_span(self.range_limit.longest or dt.timedelta()),
                days,
                level=logging.WARNING,
            )

    @override
    def _fetch_window(self, context: Context | None, window: Window) -> Answer:
        """One call for one window; a timeout on a long window asks for a split."""
        params = {"api": self.api, **(context or {}), **window.api_params()}
        try:
            return self.call_api(self.path, params, sort_by=self.rows.sort_by, stop_at=self.max_rows_per_call)
        except CallTimedOut as exc:  # a slow answer, not a connection that never opened
            if window.end - window.start > SPLIT_ON_TIMEOUT_ABOVE:
                raise WindowTimedOut from exc
            raise

    # -- records ----------------------------------------------------------------------

    @override
    def generate_child_contexts(self, record: dict, context: Context | None) -> t.Iterable[Context | None]:
        """None without child streams: the SDK would copy the context for every record."""
        return super().generate_child_contexts(record, context) if self.child_streams else ()

    @override
    def records_of(
        self, answer: Answer, window: Window, edge_keys: set[tuple], context: Context | None
    ) -> t.Generator[dict, None, int]:
        """An answer's records (`records.RowConverter`); returns how many were emitted."""
        self.rows.counts.clear()
        emitted = fields_known = 0
        for record in self.rows.records(answer, window, edge_keys, self.skips_row(context)):
            if len(answer.fields) != fields_known:  # the rows read so far name new fields
                fields_known = len(answer.fields)
                self.add_new_properties(answer.fields)
            emitted += 1
            yield record
        self.log_renames(answer.renamed)  # every rename of the answer, emitted rows or not
        for level, text in self.rows.odd_rows(answer.duplicates):
            self.log("%s %s: %s", self.api, window, text, level=level)
        return emitted

    def log_renames(self, renamed: dict[str, str]) -> None:
        """Log each field the API named oddly and what it is called in records, once a run."""
        for raw, name in renamed.items():
            if name not in self._renames_logged:
                self._renames_logged.add(name)
                # A rename the declaration expects (a known typo) is no news; a new one is.
                known = name in self._declared_fields
                level = logging.INFO if known else logging.WARNING
                self.log("Field %r of %s is emitted as `%s`", raw, self.api, name, level=level)
