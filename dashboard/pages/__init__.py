"""The dashboard's pages, as Bokeh layouts, one module each. Values are formatted for reading here;
none is computed. This module has what the pages share: formats, tables, titled sections."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from bokeh.models import ColumnDataSource, DataTable, Div, StringFormatter, TableColumn, UIElement

from dashboard import marts as m
from dashboard.settings import percent

WIDTH = 1400
Row = dict[str, Any]


def pct(value: float | None) -> str:
    return "–" if value is None else percent(value)


def duration(seconds: float | None) -> str:
    """h:mm:ss."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def secs(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def limit_text(fraction: float) -> str:
    """A threshold as the page prints it: 0.5 -> '50 %'."""
    return f"{fraction * 100:g} %"


def heading(text: str, level: int = 2) -> Div:
    """A title; its text may hold names from the API, so it is escaped, never read as HTML."""
    return Div(text=f"<h{level}>{html.escape(text)}</h{level}>", width=WIDTH)


def note(text: str) -> Div:
    return Div(text=f"<p><i>{html.escape(text)}</i></p>", width=WIDTH)


def table(
    rows: Sequence[Row],
    columns: Sequence[tuple[str, str]],
    colours: dict[str, str] | None = None,
    widths: dict[str, int] | None = None,
) -> UIElement:
    """A table of preformatted text: (key, title) per column; `colours` maps a key to its colour key."""
    if not rows:
        return note("No rows for this day.")
    colours, widths = colours or {}, widths or {}
    data = {key: [row[key] for row in rows] for key in [k for k, _ in columns] + list(colours.values())}
    table_columns = [
        TableColumn(
            field=key,
            title=title,
            width=widths.get(key, 300),
            formatter=StringFormatter(background_color=colours.get(key)),
        )
        for key, title in columns
    ]
    return DataTable(
        source=ColumnDataSource(data),
        columns=table_columns,
        width=WIDTH,
        height=min(28 * len(rows) + 32, 720),
        index_position=None,
        reorderable=False,
    )


def section(title: str, build: Callable[[], list[UIElement]]) -> list[UIElement]:
    """A titled part of a page; a mart the warehouse lacks shows as a note, never as a computed stand-in."""
    try:
        return [heading(title, 3), *build()]
    except m.MissingMart as missing:
        return [heading(title, 3), note(f"Not shown: this section {missing}. The models must provide it.")]
