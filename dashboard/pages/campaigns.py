"""Campaigns: attempts and the result mix per campaign and day."""

from __future__ import annotations

import datetime
from typing import Any

from bokeh.layouts import column
from bokeh.models import ColumnDataSource, FactorRange, UIElement
from bokeh.palettes import Category20
from bokeh.plotting import figure

from dashboard import marts as m
from dashboard.pages import WIDTH, count, heading, note, section, table


def page(marts: m.Marts, first: datetime.date, day: datetime.date) -> UIElement:
    return column(
        heading(f"Campaigns, {first} to {day}"),
        *section("Result mix per campaign and day", lambda: mix(marts, first, day)),
        *section("Attempts per campaign and day", lambda: days(marts, first, day)),
        *section("Attempts per result", lambda: results(marts, first, day)),
    )


def mix(marts: m.Marts, first: datetime.date, day: datetime.date) -> list[UIElement]:
    """One stacked bar per campaign and day, a block per result (placed side by side, not added up)."""
    rows = m.campaign_results(marts, first, day)
    if not rows:
        return [note("No outbound attempts in these days.")]
    bars = list(dict.fromkeys((r["campaign_id"], str(r["local_date"])) for r in rows))
    results = sorted({r["result"] or "(none)" for r in rows})
    found = {(r["campaign_id"], str(r["local_date"]), r["result"] or "(none)"): r["attempts"] for r in rows}
    data: dict[str, list[Any]] = {"bar": bars}
    for result in results:
        data[result] = [found.get((*bar, result), 0) for bar in bars]
    palette = (Category20[20] * (len(results) // 20 + 1))[: len(results)]
    plot = figure(
        width=WIDTH,
        height=420,
        x_range=FactorRange(factors=bars),
        y_axis_label="Attempts",
        toolbar_location=None,
        tooltips="$name: @$name attempts",
    )
    source = ColumnDataSource(data)
    plot.vbar_stack(results, x="bar", width=0.8, source=source, color=palette, legend_label=results)
    plot.xaxis.major_label_orientation = 0.9
    plot.add_layout(plot.legend[0], "right")  # beside the plot, not over its bars
    return [plot]


def days(marts: m.Marts, first: datetime.date, day: datetime.date) -> list[UIElement]:
    rows = [
        {
            "campaign": r["campaign_id"],
            "day": str(r["local_date"]),
            "attempts": count(r["attempts"]),
            "phones": count(r["distinct_telephones"]),
        }
        for r in m.campaign_days(marts, first, day)
    ]
    titles = [
        ("campaign", "Campaign"),
        ("day", "Day"),
        ("attempts", "Attempts"),
        ("phones", "Distinct phones"),
    ]
    return [table(rows, titles)]


def results(marts: m.Marts, first: datetime.date, day: datetime.date) -> list[UIElement]:
    rows = [
        {
            "campaign": r["campaign_id"],
            "day": str(r["local_date"]),
            "result": r["result"] or "(none)",
            "attempts": count(r["attempts"]),
        }
        for r in m.campaign_results(marts, first, day)
    ]
    titles = [("campaign", "Campaign"), ("day", "Day"), ("result", "Result"), ("attempts", "Attempts")]
    return [table(rows, titles)]
