"""Hourly curve: calls by call time and chats by close time, as the models counted them per hour."""

from __future__ import annotations

import datetime

from bokeh.layouts import column
from bokeh.models import ColumnDataSource, DataRange1d, HoverTool, UIElement
from bokeh.palettes import Category10
from bokeh.plotting import figure

from dashboard import marts as m
from dashboard.pages import WIDTH, heading, note, section

SERIES = [  # (activity_hourly column, legend: says which time each count is by)
    ("calls", "Calls, by call time (cdr_1 date)"),
    ("chats", "Chats, by close time (chat_1 date_close)"),
]


def page(marts: m.Marts, day: datetime.date) -> UIElement:
    return column(
        heading(f"Hourly curve, {day}"),
        *section("Calls by call time, chats by close time", lambda: curve(marts, day)),
    )


def curve(marts: m.Marts, day: datetime.date) -> list[UIElement]:
    rows = m.hourly(marts, day)
    if not rows:
        return [note("No rows for this day.")]
    source = ColumnDataSource({key: [r[key] for r in rows] for key in m.HOURLY_COLUMNS})
    plot = figure(
        width=WIDTH,
        height=420,
        x_range=(-0.5, 23.5),
        y_range=DataRange1d(start=0),
        x_axis_label="Local hour of the day",
        y_axis_label="Count",
        toolbar_location=None,
    )
    for (key, legend), colour in zip(SERIES, Category10[3], strict=False):
        plot.line("local_hour", key, source=source, line_width=3, color=colour, legend_label=legend)
        plot.scatter("local_hour", key, source=source, size=7, color=colour)
    plot.xaxis.ticker = list(range(24))
    plot.add_layout(plot.legend[0], "right")  # beside the curve, not over it
    plot.add_tools(HoverTool(tooltips=[("hour", "@local_hour"), ("calls", "@calls"), ("chats", "@chats")]))
    return [plot]
