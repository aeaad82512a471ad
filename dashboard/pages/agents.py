"""Agents: time per state, occupancy and effectiveness, with one alert per threshold, and every state."""

from __future__ import annotations

import datetime

from bokeh.layouts import column
from bokeh.models import UIElement

from dashboard import marts as m
from dashboard.pages import Row, count, duration, heading, limit_text, note, pct, section, table
from dashboard.settings import Thresholds

ALERT_COLOUR = "#f8c9c4"
TIMES = [
    ("logged_seconds", "Logged"),
    ("ready_seconds", "Ready"),
    ("talk_seconds", "Talk"),
    ("acw_seconds", "ACW"),
    ("ring_seconds", "Ring"),
    ("aux_seconds", "Aux"),
]
ALERTS = [  # (mart column, title, threshold attribute, alert when above the threshold (else below))
    ("ready_share", "Ready %", "ready_max", True),
    ("aux_share", "Aux %", "aux_max", True),
    ("calls_uncoded_share", "Uncoded calls", "uncoded_max", True),
    ("voice_effectiveness", "Voice eff.", "effectiveness_min", False),
    ("chats_uncoded_share", "Uncoded chats", "uncoded_max", True),
    ("digital_effectiveness", "Digital eff.", "effectiveness_min", False),
]
WIDTHS = {
    "agent": 170,
    "calls": 50,
    "chats": 50,
    "occupancy": 75,
    **{key: 68 for key, _ in TIMES},
    **{key: 118 for key, *_ in ALERTS},
    "calls_uncoded_share": 135,
    "chats_uncoded_share": 135,
}


def page(marts: m.Marts, day: datetime.date, limits: Thresholds) -> UIElement:
    return column(
        heading(f"Agents on {day}"),
        *section(
            "Time per state, occupancy, effectiveness and alerts", lambda: agent_table(marts, day, limits)
        ),
        *section("Every state of the day (aux broken down by pause)", lambda: states(marts, day)),
    )


def alert_title(title: str, limit: float, above: bool) -> str:
    return f"{title} ({'>' if above else '<'} {limit_text(limit)})"


def alert_rows(agents: list[Row], shares: dict[str, Row], limits: Thresholds) -> list[Row]:
    """Each agent's row as text; each alert column coloured when its value breaches its threshold."""
    rows = []
    for agent in agents:
        values = {**agent, **shares.get(agent["agent_id"], {})}
        row: Row = {
            "agent": f"{agent['agent_name'] or '(no name)'} ({agent['agent_id']})",
            **{key: duration(agent[key]) for key, _ in TIMES},
            "occupancy": pct(agent["occupancy"]),
            "calls": count(agent["calls"]),
            "chats": count(agent["chats"]),
        }
        for key, _, limit_name, above in ALERTS:
            value, limit = values.get(key), getattr(limits, limit_name)
            breached = value is not None and (value > limit if above else value < limit)
            row[key], row[f"{key}_colour"] = pct(value), ALERT_COLOUR if breached else "white"
        rows.append(row)
    return rows


def agent_table(marts: m.Marts, day: datetime.date, limits: Thresholds) -> list[UIElement]:
    agents = m.agents(marts, day)
    try:
        shares, missing_note = m.agent_shares(marts, day), []
    except m.MissingMart as missing:
        shares, missing_note = (
            {},
            [note(f"The ready, aux and uncoded columns show '–': this table {missing}.")],
        )
    titles = [("agent", "Agent"), *TIMES, ("occupancy", "Occupancy")]
    for key, title, limit_name, above in ALERTS:
        if key.startswith(("calls_", "chats_")):
            titles.append((key[:5], key[:5].capitalize()))  # the count beside its uncoded share
        titles.append((key, alert_title(title, getattr(limits, limit_name), above)))
    legend = note(
        f"A red cell is an alert: ready above {limit_text(limits.ready_max)} or aux (pauses) above "
        f"{limit_text(limits.aux_max)} of logged time; uncoded calls or chats above "
        f"{limit_text(limits.uncoded_max)}; voice or digital effectiveness below "
        f"{limit_text(limits.effectiveness_min)}. Times are h:mm:ss."
    )
    colours = {key: f"{key}_colour" for key, *_ in ALERTS}
    return [legend, *missing_note, table(alert_rows(agents, shares, limits), titles, colours, WIDTHS)]


def states(marts: m.Marts, day: datetime.date) -> list[UIElement]:
    rows = [
        {
            "agent_id": r["agent_id"],
            "agent_status": r["agent_status"],
            "seconds": duration(r["seconds"]),
            "intervals": count(r["intervals"]),
        }
        for r in m.agent_states(marts, day)
    ]
    titles = [
        ("agent_id", "Agent id"),
        ("agent_status", "State"),
        ("seconds", "Time"),
        ("intervals", "Times"),
    ]
    return [table(rows, titles)]
