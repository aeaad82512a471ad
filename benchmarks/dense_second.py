"""API calls a run spends on one dense second under `campaign_calls: all`, at the API's real cut.

Prints figures; asserts nothing. Against the local emulator on 127.0.0.1: three predictive
campaigns of about 400 rows an hour each, 10 days, and one second holding `--per-campaign`
rows in each campaign (75,000 by default: more than the 60,000 one call returns). Prints the
calls of the run, those whose window held the dense second, the cut answers and the outcome,
then the same run without the dense second. `PYTHONPATH=<an older checkout>` measures that one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import random
import time
from contextlib import redirect_stdout

from tap_wolkvox.tap import TapWolkvox
from wolkvox_emulator import REPORTS, Campaign, Emulator

TOKEN = "bench-token"
DENSE = dt.datetime(2026, 2, 6, 10, 0, 0)
START, END = "2026-02-01T00:00:00", "2026-02-10T23:59:59"


class DenseSecondEmulator(Emulator):
    """campaign_3 with `per_campaign` extra rows at `DENSE` in every predictive campaign."""

    per_campaign = 0

    def report_rows(self, api, start, end, partition=None):  # type: ignore[no-untyped-def]
        rows = super().report_rows(api, start, end, partition)
        if api != "campaign_3" or not start <= DENSE <= end:
            return rows
        for campaign in self.campaigns:
            if partition in (None, "all") or partition == campaign.campaign_id:
                rows += [burst_row(campaign.campaign_id, n) for n in range(self.per_campaign)]
        return sorted(rows, key=REPORTS[api].sort_key)


def burst_row(campaign_id: str, n: int) -> dict:
    row = dict.fromkeys(REPORTS["campaign_3"].fields, "")
    row.update(
        campaign_id=campaign_id,
        date=f"{DENSE:%Y-%m-%d %H:%M:%S}",
        telephone=f"3{random.Random(f'{campaign_id}:{n}').randrange(10**9):09d}",  # noqa: S311
        conn_id=f"{DENSE:%Y%m%d%H%M%S}{campaign_id}{n:05d}",
    )
    return row


def run(per_campaign: int) -> str:
    emu = DenseSecondEmulator(now=dt.datetime(2026, 3, 1), tokens=(TOKEN,), cache_bodies=True)
    emu.per_campaign = per_campaign
    emu.campaigns = [Campaign(c, c, rows_per_hour=400) for c in ("101", "202", "303")]
    emu.start()
    config = {
        "token": TOKEN,
        "api_url": emu.url,
        "campaign_calls": "all",
        "campaign_ids": ["101", "202", "303"],
        "start_date": START,
        "end_date": END,
        "lookback_minutes": 0,
    }
    catalog = json.loads(TapWolkvox(config=config, parse_env_config=False).catalog_json_text)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] == "campaign_3"
    began = time.monotonic()
    try:
        with redirect_stdout(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")):
            TapWolkvox(config=config, catalog=catalog, parse_env_config=False).sync_and_report()
        outcome = "completed"
    except Exception as exc:
        outcome = f"stopped: {type(exc).__name__}"
    finally:
        emu.stop()
    calls = emu.calls_to("campaign_3")
    fmt = "%Y%m%d%H%M%S"
    holding = [
        c
        for c in calls
        if dt.datetime.strptime(c.params["date_ini"], fmt)
        <= DENSE
        <= dt.datetime.strptime(c.params["date_end"], fmt)
    ]
    cut = sum(c.rows >= emu.max_rows for c in calls)
    return (
        f"{per_campaign:>6} rows/campaign at {DENSE}: {len(emu.calls)} calls "
        f"({len(holding)} holding that second, {cut} cut), {outcome} in {time.monotonic() - began:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-campaign", type=int, default=25_000)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    print(run(args.per_campaign))
    print(run(0))


if __name__ == "__main__":
    main()
