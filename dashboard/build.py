"""Build the dashboard: one warehouse's marts to one self-contained HTML file (no network at view time)."""

from __future__ import annotations

import datetime
import html
from pathlib import Path

from bokeh.io import save
from bokeh.layouts import column
from bokeh.models import Div, TabPanel, Tabs, UIElement
from bokeh.resources import INLINE

from dashboard import marts as m
from dashboard.pages import WIDTH, agents, campaigns, hourly, inbound, limit_text, today
from dashboard.settings import Settings, Thresholds

CAMPAIGN_DAYS = 7  # the Campaigns page shows this many days, ending on the dashboard's day


def build(warehouse: Path, out_dir: Path, settings: Settings) -> Path:
    """Write out_dir/index.html and return its path. Raises WarehouseError when the file cannot be read."""
    marts = m.Marts(warehouse)
    try:
        day = settings.day or marts.latest_day()
        if day is None:
            raise m.WarehouseError(
                f"The warehouse {warehouse} has no daily analytics marts with rows (schema {m.SCHEMA}): "
                "build the dbt models first (make demo does), then build the dashboard."
            )
        tabs = page_tabs(marts, day, settings.thresholds)
    finally:
        marts.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "index.html"
    # INLINE puts BokehJS into the file itself: nothing is fetched when the page is opened.
    layout = column(header(warehouse, day, settings.thresholds), tabs)
    save(layout, filename=target, resources=INLINE, title=f"Contact center {day}")
    return target


def page_tabs(marts: m.Marts, day: datetime.date, limits: Thresholds) -> Tabs:
    previous = day - datetime.timedelta(days=1)
    first_campaign_day = day - datetime.timedelta(days=CAMPAIGN_DAYS - 1)
    pages: list[tuple[str, UIElement]] = [
        ("Today against yesterday", today.page(marts, day, previous)),
        ("Agents", agents.page(marts, day, limits)),
        ("Hourly curve", hourly.page(marts, day)),
        ("Inbound", inbound.page(marts, day)),
        ("Campaigns", campaigns.page(marts, first_campaign_day, day)),
    ]
    return Tabs(tabs=[TabPanel(title=title, child=child) for title, child in pages])


def header(warehouse: Path, day: datetime.date, limits: Thresholds) -> Div:
    text = (
        f"<h1>Contact center: {day}</h1><p>Every number is a column of the analytics marts "
        f"({m.SCHEMA} schema of <code>{html.escape(warehouse.name)}</code>), in the operation's local time. "
        f"Alert thresholds: ready &gt; {limit_text(limits.ready_max)}, "
        f"aux &gt; {limit_text(limits.aux_max)}, uncoded &gt; {limit_text(limits.uncoded_max)}, "
        f"effectiveness &lt; {limit_text(limits.effectiveness_min)}.</p>"
    )
    return Div(text=text, width=WIDTH)
