"""Rows the API sends with an empty `campaign_id`, under `campaign_calls: all`."""

from __future__ import annotations

import datetime as dt
import logging
import re

from conftest import base_config, run_tap

from wolkvox_emulator import Campaign

START = dt.datetime(2026, 1, 1)
END = dt.datetime(2026, 1, 3, 23, 59, 59)


def operation(emulator) -> int:
    """Campaign 101, and campaign 909 whose rows come without a campaign_id; how many rows 909 has."""
    emulator.campaigns = [
        Campaign("101", "Cobranza", rows_per_hour=4),
        Campaign("909", "Sin id", rows_per_hour=4, row_fields={"campaign_id": ""}),
    ]
    return len(emulator.rows("909", START, END))


def config(emulator, **overrides) -> dict:
    return base_config(
        emulator, campaign_calls="all", start_date=START.isoformat(), end_date=END.isoformat(), **overrides
    )


def test_with_campaign_ids_they_are_skipped_and_counted_in_a_warning(emulator, caplog):
    caplog.set_level(logging.INFO)
    without_campaign = operation(emulator)
    run = run_tap(config(emulator, campaign_ids=["101"]))
    assert {r["campaign_id"] for r in run.records} == {"101"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    counted = [re.search(r"(\d+) row\(s\) have an empty campaign_id: skipped", m) for m in warnings]
    assert sum(int(m.group(1)) for m in counted if m) == without_campaign > 0
    # A count, never the rows themselves (personal data).
    rows = emulator.rows("909", START, END)
    assert not any(row["telephone"] in caplog.text or row["customer_id"] in caplog.text for row in rows)


def test_without_campaign_ids_they_are_emitted_with_none_as_campaign(emulator):
    without_campaign = operation(emulator)
    settings = config(emulator)
    del settings["campaign_ids"]
    run = run_tap(settings)
    assert sum(r["campaign_id"] == "(none)" for r in run.records) == without_campaign
