"""Build the dashboard: the marts of one warehouse to one self-contained HTML file (no network at view time)."""

from __future__ import annotations

import datetime
from pathlib import Path

from bokeh.io import save
from bokeh.layouts import column
from bokeh.models import Div, TabPanel, Tabs
from bokeh.resources import INLINE

from dashboard import marts as m
from dashboard import pages
from dashboard.settings import Settings

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
        previous = day - datetime.timedelta(days=1)
        limits = settings.thresholds
        tabs = Tabs(tabs=[
            TabPanel(title="Today against yesterday", child=pages.today_page(marts, day, previous)),
            TabPanel(title="Agents", child=pages.agents_page(marts, day, limits)),
            TabPanel(title="Hourly curve", child=pages.hourly_page(marts, day)),
            TabPanel(title="Inbound", child=pages.inbound_page(marts, day)),
            TabPanel(title="Campaigns", child=pages.campaigns_page(
                marts, day - datetime.timedelta(days=CAMPAIGN_DAYS - 1), day)),
        ])  # fmt: skip
    finally:
        marts.close()
    header = Div(
        width=pages.WIDTH,
        text=(
            f"<h1>Contact center: {day}</h1><p>Every number is a column of the analytics marts "
            f"({m.SCHEMA} schema of <code>{warehouse.name}</code>), in the operation's local time. "
            f"Alert thresholds: ready &gt; {pages.limit_text(limits.ready_max)}, aux &gt; "
            f"{pages.limit_text(limits.aux_max)}, uncoded &gt; {pages.limit_text(limits.uncoded_max)}, "
            f"effectiveness &lt; {pages.limit_text(limits.effectiveness_min)}.</p>"
        ),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "index.html"
    # INLINE puts BokehJS into the file itself: nothing is fetched when the page is opened.
    save(column(header, tabs), filename=target, resources=INLINE, title=f"Contact center {day}")
    return target
