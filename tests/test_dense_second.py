"""One second holding more rows than one call returns, under `campaign_calls: all`.

The emulator here has one dense second: 150 rows in each of three predictive campaigns
at 2026-02-10 10:00:00, with the API's cut lowered to 300 rows. Under `all` that second
is cut whatever the window; read once per campaign, each answer is whole.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import typing as t
from collections import Counter

import pytest
from conftest import EMULATOR_NOW, TOKEN, base_config, expected_keys, key, run_tap

from tap_wolkvox.errors import TruncatedSecondError
from tap_wolkvox.streams import Campaign3Stream
from wolkvox_emulator import REPORTS, Campaign, Emulator

DENSE = dt.datetime(2026, 2, 10, 10, 0, 0)
PER_CAMPAIGN = 150
CUT = 300
START, END = dt.datetime(2026, 2, 1), dt.datetime(2026, 2, 28, 23, 59, 59)
FEBRUARY = {"start_date": "2026-02-01T00:00:00", "end_date": "2026-02-28T23:59:59"}


class DenseSecondEmulator(Emulator):
    """campaign_3 with `dense[campaign_id]` extra rows at the second `DENSE`."""

    dense: t.ClassVar[dict[str, int]] = {}

    def report_rows(
        self, api: str, start: dt.datetime, end: dt.datetime, partition: str | None = None
    ) -> list[dict]:
        rows = super().report_rows(api, start, end, partition)
        inside = start <= DENSE and (DENSE < end if self.end_exclusive else DENSE <= end)
        if api != "campaign_3" or not inside:
            return rows
        for campaign in self.campaigns:
            wanted = partition in (None, "all") or partition == campaign.campaign_id
            if wanted and campaign.type_campaign == "predictive":
                rows += [
                    burst_row(campaign.campaign_id, n) for n in range(self.dense.get(campaign.campaign_id, 0))
                ]
        return sorted(rows, key=REPORTS[api].sort_key)


def burst_row(campaign_id: str, n: int) -> dict:
    row = dict.fromkeys(REPORTS["campaign_3"].fields, "")
    row.update(
        campaign_id=campaign_id,
        date=f"{DENSE:%Y-%m-%d %H:%M:%S}",
        # Random phones: the API's order (by phone here) spreads them through the answer.
        telephone=f"3{random.Random(f'{campaign_id}:{n}').randrange(10**9):09d}",
        conn_id=f"{DENSE:%Y%m%d%H%M%S}{campaign_id}{n:05d}",
        result="ANSWER",
    )
    return row


@pytest.fixture(params=[False, True], ids=["end-inclusive", "end-exclusive"])
def dense(request, monkeypatch) -> t.Iterator[DenseSecondEmulator]:
    emu = DenseSecondEmulator(now=EMULATOR_NOW, tokens=(TOKEN,), max_rows=CUT, end_exclusive=request.param)
    emu.campaigns = [
        Campaign("101", "Uno", rows_per_hour=3),
        Campaign("202", "Dos", rows_per_hour=2),
        Campaign("303", "Tres", status="Stopped", rows_per_hour=2),
        Campaign("404", "Vista", type_campaign="preview", rows_per_hour=2),
    ]
    monkeypatch.setattr(DenseSecondEmulator, "dense", dict.fromkeys(("101", "202", "303"), PER_CAMPAIGN))
    monkeypatch.setattr(Campaign3Stream, "max_rows_per_call", CUT)
    emu.start()
    yield emu
    emu.stop()


def calls_before_the_end(emu: Emulator) -> int:
    return len(emu.calls_to("campaign_3"))


@pytest.mark.parametrize("listed", [True, False], ids=["campaign_ids", "every-campaign"])
def test_a_dense_second_under_all_is_read_once_per_campaign(dense, listed, caplog):
    caplog.set_level(logging.INFO)
    ids = ["101", "202", "303"]
    config = base_config(dense, campaign_calls="all", **FEBRUARY, **({"campaign_ids": ids} if listed else {}))
    if not listed:
        config.pop("campaign_ids")
    run = run_tap(config)
    got = Counter(key(r) for r in run.records)
    assert got == expected_keys(dense, ids, START, END)  # every row once: the dense second's too
    assert sum(1 for k in got if k[3] == f"{DENSE:%Y-%m-%d %H:%M:%S}") == 3 * PER_CAMPAIGN
    per_campaign = [c for c in dense.calls_to("campaign_3") if c.params.get("campaign_id") != "all"]
    assert sorted(c.params["campaign_id"] for c in per_campaign) == ids  # once each, not 404's preview
    cut = [c for c in dense.calls_to("campaign_3") if c.rows == CUT]
    calls = len(dense.calls_to("campaign_3"))
    print(
        f"\n{calls} campaign_3 calls ({len(cut)} cut, {len(per_campaign)} per campaign),",
        f"{len(dense.calls)} in all",
    )


def test_one_campaign_alone_over_the_cut_in_one_second_stops_saying_so(dense, monkeypatch):
    monkeypatch.setattr(DenseSecondEmulator, "dense", {"101": CUT + 10})
    config = base_config(dense, campaign_calls="all", campaign_ids=["101", "202"], **FEBRUARY)
    run = run_tap(config, expect=TruncatedSecondError)
    message = str(run.error)
    assert "campaign 101" in message and "the API cannot return them all" in message


def test_the_run_after_a_dense_second_starts_at_its_bookmark_and_repeats_nothing(dense):
    config = base_config(dense, campaign_calls="all", campaign_ids=["101", "202", "303"], **FEBRUARY)
    before = run_tap({**config, "end_date": "2026-02-10T12:00:00"})
    after = run_tap(config, state=before.last_state)
    first, second = Counter(key(r) for r in before.records), Counter(key(r) for r in after.records)
    assert max(first.values()) == max(second.values()) == 1
    assert set(first) | set(second) == set(expected_keys(dense, ("101", "202", "303"), START, END))
    assert all(k[3] >= "2026-02-10 12:00:00" for k in set(first) & set(second))  # only the bookmark's second
