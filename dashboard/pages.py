"""The five pages, as Bokeh layouts. Values are formatted for reading here; none is computed."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from bokeh.layouts import column
from bokeh.models import (
    ColumnDataSource,
    DataTable,
    Div,
    FactorRange,
    HoverTool,
    LinearAxis,
    NumeralTickFormatter,
    Range1d,
    StringFormatter,
    TableColumn,
    UIElement,
)
from bokeh.palettes import Category20
from bokeh.plotting import figure

from dashboard import marts as m
from dashboard.settings import Thresholds, percent

WIDTH = 1400
ALERT_COLOUR = "#f8c9c4"
Row = dict[str, Any]


# -- formatting -----------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "–" if value is None else percent(value)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def secs(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def heading(text: str, level: int = 2) -> Div:
    return Div(text=f"<h{level}>{text}</h{level}>", width=WIDTH)


def note(text: str) -> Div:
    return Div(text=f"<p><i>{text}</i></p>", width=WIDTH)


def table(rows: Sequence[Row], columns: Sequence[tuple[str, str]], colours: dict[str, str] | None = None,
          widths: dict[str, int] | None = None) -> UIElement:
    """A table of preformatted text: (key, title) per column; `colours` maps a key to its colour key."""
    if not rows:
        return note("No rows for this day.")
    data = {key: [row[key] for row in rows] for key, _ in columns}
    for colour_key in (colours or {}).values():
        data[colour_key] = [row[colour_key] for row in rows]
    table_columns = [
        TableColumn(field=key, title=title, width=(widths or {}).get(key, 300),
                    formatter=StringFormatter(background_color=(colours or {}).get(key)))
        for key, title in columns
    ]  # fmt: skip
    height = min(28 * len(rows) + 32, 720)
    return DataTable(source=ColumnDataSource(data), columns=table_columns, width=WIDTH, height=height,
                     index_position=None, sortable=True, reorderable=False)  # fmt: skip


def section(title: str, build: Callable[[], list[UIElement]]) -> list[UIElement]:
    """A titled part of a page; a mart the warehouse lacks shows as a note, never as a computed stand-in."""
    try:
        return [heading(title, 3), *build()]
    except m.MissingMart as missing:
        return [heading(title, 3), note(f"Not shown: this section {missing}. The models must provide it.")]


# -- Today against yesterday ----------------------------------------------------------------------

KPIS = [  # (label, operation_daily column, format)
    ("Service level", "service_level", pct),
    ("ASA (average speed of answer)", "asa_seconds", secs),
    ("Abandonment", "abandon_rate", pct),
    ("Occupancy", "occupancy", pct),
    ("Voice effectiveness", "voice_effectiveness", pct),
    ("Digital effectiveness", "digital_effectiveness", pct),
    ("Inbound calls offered", "offered", count),
    ("Outbound attempts", "attempts", count),
]


def today_page(marts: m.Marts, day: datetime.date, previous: datetime.date) -> UIElement:
    def kpis() -> list[UIElement]:
        by_day = m.operation_days(marts, day, previous)
        rows = [
            {"kpi": label, "today": fmt(by_day.get(day, {}).get(key)), "yesterday": fmt(by_day.get(previous, {}).get(key))}
            for label, key, fmt in KPIS
        ]  # fmt: skip
        return [table(rows, [("kpi", "Indicator"), ("today", f"Today {day}"), ("yesterday", f"Yesterday {previous}")])]

    def attempts() -> list[UIElement]:
        found = {(r["campaign_id"], r["local_date"]): r["attempts"] for r in m.campaign_days(marts, previous, day)}
        campaigns = sorted({campaign for campaign, _ in found})
        rows = [
            {"campaign": c, "today": count(found.get((c, day))), "yesterday": count(found.get((c, previous)))}
            for c in campaigns
        ]
        titles = [("campaign", "Campaign"), ("today", f"Attempts {day}"), ("yesterday", f"Attempts {previous}")]
        return [table(rows, titles)]

    def chat_channels() -> list[UIElement]:
        found = {(r["channel"], r["local_date"]): r for r in m.chats(marts, day, previous)}
        rows = []
        for channel in sorted({c for c, _ in found}):
            today, yesterday = found.get((channel, day), {}), found.get((channel, previous), {})
            rows.append({
                "channel": channel, "chats_today": count(today.get("chats")),
                "chats_yesterday": count(yesterday.get("chats")),
                "asa_today": secs(today.get("avg_asa_seconds")), "asa_yesterday": secs(yesterday.get("avg_asa_seconds")),
            })  # fmt: skip
        titles = [("channel", "Channel"), ("chats_today", f"Chats {day}"), ("chats_yesterday", f"Chats {previous}"),
                  ("asa_today", f"Avg. ASA {day}"), ("asa_yesterday", f"Avg. ASA {previous}")]  # fmt: skip
        return [table(rows, titles)]

    return column(
        heading(f"Today ({day}) against yesterday ({previous})"),
        *section("The operation", kpis),
        *section("Outbound attempts per campaign", attempts),
        *section("Chats per channel (by close date)", chat_channels),
    )


# -- Agents ----------------------------------------------------------------------------------------

# (mart column, title, width, threshold attribute, breached when the value is above it?) per agent column.
AGENT_TIMES = [("logged_seconds", "Logged"), ("ready_seconds", "Ready"), ("talk_seconds", "Talk"),
               ("acw_seconds", "ACW"), ("ring_seconds", "Ring"), ("aux_seconds", "Aux")]  # fmt: skip
ALERTS = [  # (value column, title, threshold attribute, alert when above the threshold (else below))
    ("ready_share", "Ready %", "ready_max", True),
    ("aux_share", "Aux %", "aux_max", True),
    ("calls_uncoded_share", "Uncoded calls", "uncoded_max", True),
    ("voice_effectiveness", "Voice eff.", "effectiveness_min", False),
    ("chats_uncoded_share", "Uncoded chats", "uncoded_max", True),
    ("digital_effectiveness", "Digital eff.", "effectiveness_min", False),
]


def limit_text(fraction: float) -> str:
    return f"{fraction * 100:g} %"


def alert_title(title: str, limit: float, above: bool) -> str:
    return f"{title} ({'>' if above else '<'} {limit_text(limit)})"


def alert_rows(agents: list[Row], shares: dict[str, Row] | None, limits: Thresholds) -> list[Row]:
    """Each agent's row as text; each alert column coloured when its value breaches its threshold."""
    rows = []
    for a in agents:
        values = {**a, **(shares or {}).get(a["agent_id"], {})}
        row: Row = {
            "agent": f"{a['agent_name'] or '(no name)'} ({a['agent_id']})",
            **{key: duration(a[key]) for key, _ in AGENT_TIMES},
            "occupancy": pct(a["occupancy"]), "calls": count(a["calls"]), "chats": count(a["chats"]),
        }  # fmt: skip
        for key, _, limit_name, above in ALERTS:
            value, limit = values.get(key), getattr(limits, limit_name)
            breached = value is not None and (value > limit if above else value < limit)
            row[key], row[f"{key}_colour"] = pct(value), ALERT_COLOUR if breached else "white"
        rows.append(row)
    return rows


def agents_page(marts: m.Marts, day: datetime.date, limits: Thresholds) -> UIElement:
    def agent_table() -> list[UIElement]:
        agents = m.agents(marts, day)
        try:
            shares: dict[str, Row] | None = m.agent_shares(marts, day)
            missing_note: list[UIElement] = []
        except m.MissingMart as missing:
            shares = None
            missing_note = [note(f"The ready, aux and uncoded columns show '–': this table {missing}.")]
        titles = [("agent", "Agent"), *AGENT_TIMES, ("occupancy", "Occupancy")]
        for key, title, limit_name, above in ALERTS:
            if key.startswith("calls_"):
                titles.append(("calls", "Calls"))
            if key.startswith("chats_"):
                titles.append(("chats", "Chats"))
            titles.append((key, alert_title(title, getattr(limits, limit_name), above)))
        widths = {"agent": 170, "calls": 50, "chats": 50, "occupancy": 75,
                  **{key: 68 for key, _ in AGENT_TIMES}, **{key: 118 for key, *_ in ALERTS}, "calls_uncoded_share": 135, "chats_uncoded_share": 135}  # fmt: skip
        legend = note(
            f"A red cell is an alert: ready above {limit_text(limits.ready_max)} or aux (pauses) above "
            f"{limit_text(limits.aux_max)} of logged time; uncoded calls or chats above "
            f"{limit_text(limits.uncoded_max)}; voice or digital effectiveness below "
            f"{limit_text(limits.effectiveness_min)}. Times are h:mm:ss."
        )
        colours = {key: f"{key}_colour" for key, *_ in ALERTS}
        return [legend, *missing_note, table(alert_rows(agents, shares, limits), titles, colours, widths)]

    def states() -> list[UIElement]:
        rows = [
            {"agent_id": r["agent_id"], "agent_status": r["agent_status"], "seconds": duration(r["seconds"]),
             "intervals": count(r["intervals"])}
            for r in m.agent_states(marts, day)
        ]  # fmt: skip
        titles = [("agent_id", "Agent id"), ("agent_status", "State"), ("seconds", "Time"), ("intervals", "Times")]
        return [table(rows, titles)]

    return column(
        heading(f"Agents on {day}"),
        *section("Time per state, occupancy, effectiveness and alerts", agent_table),
        *section("Every state of the day (aux broken down by pause)", states),
    )


# -- Hourly curve ----------------------------------------------------------------------------------


def hourly_page(marts: m.Marts, day: datetime.date) -> UIElement:
    def curve() -> list[UIElement]:
        rows = m.hourly(marts, day)
        if not rows:
            return [note("No rows for this day.")]
        source = ColumnDataSource({k: [r[k] for r in rows] for k in m.HOURLY_COLUMNS})
        plot = figure(width=WIDTH, height=420, x_range=(-0.5, 23.5), x_axis_label="Local hour of the day",
                      y_axis_label="Count", toolbar_location=None)  # fmt: skip
        plot.line("local_hour", "calls", source=source, line_width=3, color=Category20[3][0],
                  legend_label="Calls, by call time (cdr_1 date)")  # fmt: skip
        plot.scatter("local_hour", "calls", source=source, size=7, color=Category20[3][0])
        plot.line("local_hour", "chats", source=source, line_width=3, color=Category20[3][2],
                  legend_label="Chats, by close time (chat_1 date_close)")  # fmt: skip
        plot.scatter("local_hour", "chats", source=source, size=7, color=Category20[3][2])
        plot.xaxis.ticker = list(range(24))
        plot.legend.location = "top_left"
        plot.add_tools(HoverTool(tooltips=[("hour", "@local_hour"), ("calls", "@calls"), ("chats", "@chats")]))
        return [plot]

    return column(heading(f"Hourly curve, {day}"), *section("Calls by call time, chats by close time", curve))


# -- Inbound ---------------------------------------------------------------------------------------


def inbound_page(marts: m.Marts, day: datetime.date) -> UIElement:
    def skills() -> list[UIElement]:
        rows = m.inbound(marts, day)
        if not rows:
            return [note("No inbound calls on this day.")]
        parts: list[UIElement] = []
        for skill in dict.fromkeys((r["skill_id"], r["skill_name"]) for r in rows):
            mine = [r for r in rows if (r["skill_id"], r["skill_name"]) == skill]
            parts += [heading(f"{skill[1] or '(no name)'} (skill {skill[0]})", 4), skill_plot(mine)]
        table_rows = [
            {"skill": f"{r['skill_name']} ({r['skill_id']})", "interval": r["interval_start_local"].strftime("%H:%M"),
             "offered": count(r["offered"]), "answered": count(r["answered"]), "abandoned": count(r["abandoned"]),
             "service_level": pct(r["service_level"]), "asa": secs(r["asa_seconds"]),
             "abandon_rate": pct(r["abandon_rate"])}
            for r in rows
        ]  # fmt: skip
        titles = [("skill", "Skill"), ("interval", "Interval (local)"), ("offered", "Offered"),
                  ("answered", "Answered"), ("abandoned", "Abandoned"), ("service_level", "Service level"),
                  ("asa", "ASA"), ("abandon_rate", "Abandonment")]  # fmt: skip
        return [*parts, heading("Every interval", 4), table(table_rows, titles)]

    return column(heading(f"Inbound on {day}, per 30-minute interval"),
                  *section("Service level and offered calls per skill", skills))  # fmt: skip


def skill_plot(rows: list[Row]) -> UIElement:
    source = ColumnDataSource({
        "start": [r["interval_start_local"] for r in rows], "offered": [r["offered"] for r in rows],
        "service_level": [r["service_level"] for r in rows],
        "label": [r["interval_start_local"].strftime("%H:%M") for r in rows],
    })  # fmt: skip
    plot = figure(width=WIDTH, height=300, x_axis_type="datetime", x_axis_label="Interval start (local time)",
                  y_axis_label="Offered calls", toolbar_location=None)  # fmt: skip
    plot.vbar(x="start", top="offered", width=25 * 60 * 1000, source=source, color="#9ecae1",
              legend_label="Offered calls (bars, left axis)")  # fmt: skip
    plot.extra_y_ranges = {"sl": Range1d(0, 1.05)}
    plot.add_layout(LinearAxis(y_range_name="sl", axis_label="Service level",
                               formatter=NumeralTickFormatter(format="0 %")), "right")  # fmt: skip
    plot.line("start", "service_level", source=source, y_range_name="sl", color="#d62728", line_width=2,
              legend_label="Service level (line, right axis)")  # fmt: skip
    plot.scatter("start", "service_level", source=source, y_range_name="sl", color="#d62728", size=6)
    plot.add_tools(HoverTool(tooltips=[("interval", "@label"), ("offered", "@offered"),
                                       ("service level", "@service_level{0.0 %}")]))  # fmt: skip
    plot.legend.location = "top_left"
    return plot


# -- Campaigns -------------------------------------------------------------------------------------


def campaigns_page(marts: m.Marts, first: datetime.date, day: datetime.date) -> UIElement:
    def mix() -> list[UIElement]:
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
        plot = figure(width=WIDTH, height=420, x_range=FactorRange(*bars), y_axis_label="Attempts",
                      toolbar_location=None, tooltips="$name: @$name attempts")  # fmt: skip
        plot.vbar_stack(results, x="bar", width=0.8, source=ColumnDataSource(data), color=palette,
                        legend_label=results)  # fmt: skip
        plot.xaxis.major_label_orientation = 0.9
        plot.legend.location = "top_left"
        return [plot]

    def days() -> list[UIElement]:
        rows = [
            {"campaign": r["campaign_id"], "day": str(r["local_date"]), "attempts": count(r["attempts"]),
             "phones": count(r["distinct_telephones"])}
            for r in m.campaign_days(marts, first, day)
        ]  # fmt: skip
        titles = [("campaign", "Campaign"), ("day", "Day"), ("attempts", "Attempts"), ("phones", "Distinct phones")]
        return [table(rows, titles)]

    def results() -> list[UIElement]:
        rows = [
            {"campaign": r["campaign_id"], "day": str(r["local_date"]), "result": r["result"] or "(none)",
             "attempts": count(r["attempts"])}
            for r in m.campaign_results(marts, first, day)
        ]  # fmt: skip
        titles = [("campaign", "Campaign"), ("day", "Day"), ("result", "Result"), ("attempts", "Attempts")]
        return [table(rows, titles)]

    return column(
        heading(f"Campaigns, {first} to {day}"),
        *section("Result mix per campaign and day", mix),
        *section("Attempts per campaign and day", days),
        *section("Attempts per result", results),
    )
