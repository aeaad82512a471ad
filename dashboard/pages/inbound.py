"""Inbound: service level and offered calls per 30-minute interval, per skill."""

from __future__ import annotations

import datetime

from bokeh.layouts import column
from bokeh.models import ColumnDataSource, HoverTool, LinearAxis, NumeralTickFormatter, Range1d, UIElement
from bokeh.plotting import figure

from dashboard import marts as m
from dashboard.pages import WIDTH, Row, count, heading, note, pct, secs, section, table

HALF_INTERVAL = datetime.timedelta(minutes=15)
TITLES = [
    ("skill", "Skill"),
    ("interval", "Interval (local)"),
    ("offered", "Offered"),
    ("answered", "Answered"),
    ("abandoned", "Abandoned"),
    ("service_level", "Service level"),
    ("asa", "ASA"),
    ("abandon_rate", "Abandonment"),
]


def page(marts: m.Marts, day: datetime.date) -> UIElement:
    return column(
        heading(f"Inbound on {day}, per 30-minute interval"),
        *section("Service level and offered calls per skill", lambda: skills(marts, day)),
    )


def skills(marts: m.Marts, day: datetime.date) -> list[UIElement]:
    rows = m.inbound(marts, day)
    if not rows:
        return [note("No inbound calls on this day.")]
    parts: list[UIElement] = []
    for skill_id, skill_name in dict.fromkeys((r["skill_id"], r["skill_name"]) for r in rows):
        mine = [r for r in rows if (r["skill_id"], r["skill_name"]) == (skill_id, skill_name)]
        parts += [heading(f"{skill_name or '(no name)'} (skill {skill_id})", 4), skill_plot(mine)]
    table_rows = [
        {
            "skill": f"{r['skill_name']} ({r['skill_id']})",
            "interval": r["interval_start_local"].strftime("%H:%M"),
            "offered": count(r["offered"]),
            "answered": count(r["answered"]),
            "abandoned": count(r["abandoned"]),
            "service_level": pct(r["service_level"]),
            "asa": secs(r["asa_seconds"]),
            "abandon_rate": pct(r["abandon_rate"]),
        }
        for r in rows
    ]
    return [*parts, heading("Every interval", 4), table(table_rows, TITLES)]


def skill_plot(rows: list[Row]) -> UIElement:
    """Offered calls as bars (left axis), service level as a line (right axis); a bar spans its interval."""
    source = ColumnDataSource(
        {
            "start": [r["interval_start_local"] for r in rows],
            "middle": [
                r["interval_start_local"] + HALF_INTERVAL for r in rows
            ],  # where the bar's centre is drawn
            "offered": [r["offered"] for r in rows],
            "service_level": [r["service_level"] for r in rows],
            "label": [r["interval_start_local"].strftime("%H:%M") for r in rows],
        }
    )
    plot = figure(width=WIDTH, height=300, x_axis_type="datetime", toolbar_location=None)
    plot.xaxis.axis_label = "Local time (a bar is one 30-minute interval)"
    plot.yaxis.axis_label = "Offered calls"
    bar_width = 27 * 60 * 1000  # milliseconds: 27 of the interval's 30 minutes, a gap between bars
    plot.vbar(x="middle", top="offered", width=bar_width, source=source, color="#9ecae1",
              legend_label="Offered calls (bars, left axis)")  # fmt: skip
    plot.extra_y_ranges = {"sl": Range1d(0, 1.05)}
    right = LinearAxis(y_range_name="sl", axis_label="Service level")
    right.formatter = NumeralTickFormatter(format="0 %")
    plot.add_layout(right, "right")
    line = {"source": source, "y_range_name": "sl", "color": "#d62728"}
    plot.line(
        "middle", "service_level", line_width=2, legend_label="Service level (line, right axis)", **line
    )
    plot.scatter("middle", "service_level", size=6, **line)
    tooltips = [("interval", "@label"), ("offered", "@offered"), ("service level", "@service_level{0.0 %}")]
    plot.add_tools(HoverTool(tooltips=tooltips))
    plot.add_layout(plot.legend[0], "right")  # beside the plot, not over its bars
    return plot
