"""Today against yesterday: the operation's indicators, attempts per campaign, chats per channel."""

from __future__ import annotations

import datetime

from bokeh.layouts import column
from bokeh.models import UIElement

from dashboard import marts as m
from dashboard.pages import count, heading, pct, secs, section, table

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


def page(marts: m.Marts, day: datetime.date, previous: datetime.date) -> UIElement:
    return column(
        heading(f"Today ({day}) against yesterday ({previous})"),
        *section("The operation", lambda: kpis(marts, day, previous)),
        *section("Outbound attempts per campaign", lambda: attempts(marts, day, previous)),
        *section("Chats per channel (by close date)", lambda: chat_channels(marts, day, previous)),
    )


def kpis(marts: m.Marts, day: datetime.date, previous: datetime.date) -> list[UIElement]:
    by_day = m.operation_days(marts, day, previous)
    today, yesterday = by_day.get(day, {}), by_day.get(previous, {})
    rows = [
        {"kpi": label, "today": fmt(today.get(key)), "yesterday": fmt(yesterday.get(key))}
        for label, key, fmt in KPIS
    ]
    titles = [("kpi", "Indicator"), ("today", f"Today {day}"), ("yesterday", f"Yesterday {previous}")]
    return [table(rows, titles)]


def attempts(marts: m.Marts, day: datetime.date, previous: datetime.date) -> list[UIElement]:
    found = {
        (r["campaign_id"], r["local_date"]): r["attempts"] for r in m.campaign_days(marts, previous, day)
    }
    rows = [
        {"campaign": c, "today": count(found.get((c, day))), "yesterday": count(found.get((c, previous)))}
        for c in sorted({campaign for campaign, _ in found})
    ]
    titles = [("campaign", "Campaign"), ("today", f"Attempts {day}"), ("yesterday", f"Attempts {previous}")]
    return [table(rows, titles)]


def chat_channels(marts: m.Marts, day: datetime.date, previous: datetime.date) -> list[UIElement]:
    found = {(r["channel"], r["local_date"]): r for r in m.chats(marts, day, previous)}
    rows = []
    for channel in sorted({c for c, _ in found}):
        today, yesterday = found.get((channel, day), {}), found.get((channel, previous), {})
        rows.append(
            {
                "channel": channel,
                "chats_today": count(today.get("chats")),
                "chats_yesterday": count(yesterday.get("chats")),
                "asa_today": secs(today.get("avg_asa_seconds")),
                "asa_yesterday": secs(yesterday.get("avg_asa_seconds")),
            }
        )
    titles = [
        ("channel", "Channel"),
        ("chats_today", f"Chats {day}"),
        ("chats_yesterday", f"Chats {previous}"),
        ("asa_today", f"Avg. ASA {day}"),
        ("asa_yesterday", f"Avg. ASA {previous}"),
    ]
    return [table(rows, titles)]
