"""The used-by command, `meltano run tap-wolkvox target-snowflake`, against a local Snowflake.

The Snowflake is fakesnow's server with `fakesnow_compat` (see its docstring); the target
is the unmodified meltanolabs-target-snowflake that meltano.yml installs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import typing as t

import pytest

if sys.version_info < (3, 11):  # the dev group installs fakesnow on 3.11+ only (pyproject.toml)
    pytest.skip("fakesnow 0.12.1, the local Snowflake, needs Python 3.11+", allow_module_level=True)

import fakesnow
import fakesnow_compat
import snowflake.connector
from conftest import TOKEN
from meltano_project import MeltanoProject

from wolkvox_emulator import Campaign

CAMPAIGNS = ["101", "202"]
START = dt.datetime(2026, 2, 20)
STATE_ID = "demo:tap-wolkvox-to-target-snowflake"
FAKESNOW_URL_PARAMS = "protocol=http&network_timeout=10&account=fake&x="


@pytest.fixture
def snowflake_server() -> t.Iterator[dict]:
    os.environ["SNOWFLAKE_DISABLE_PLATFORM_DETECTION"] = "true"  # the test's own connector too
    fakesnow_compat.install()
    with fakesnow.server() as kwargs:
        yield kwargs


def warehouse_rows(kwargs: dict) -> list[tuple]:
    with contextlib.closing(snowflake.connector.connect(**kwargs, database="WOLKDB")) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "select campaign_id, conn_id, telephone, date_local, date, opt1 from WOLKDB.WOLKVOX.CAMPAIGN_3"
        )
        return [
            (c, k, p, local, date.astimezone(dt.timezone.utc), opt)
            for c, k, p, local, date, opt in cursor.fetchall()
        ]


def expected_rows(emulator, end: dt.datetime) -> list[tuple]:
    return [
        (
            row["campaign_id"],
            row["conn_id"],
            row["telephone"],
            row["date"],
            dt.datetime.strptime(row["date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
            + dt.timedelta(hours=5),
            row["opt1"],
        )
        for campaign in CAMPAIGNS
        for row in emulator.rows(campaign, START, end)
    ]


def test_meltano_run_into_snowflake_loads_every_row_and_upserts_on_the_next_run(
    tmp_path, emulator, snowflake_server
):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=6), Campaign("202", "Dos", rows_per_hour=3)]
    first_end = dt.datetime(2026, 3, 1, 12)
    port = snowflake_server["port"]
    meltano = MeltanoProject(
        tmp_path,
        {
            "TAP_WOLKVOX_API_URL": emulator.url,
            "TAP_WOLKVOX_TOKEN": TOKEN,
            "TAP_WOLKVOX_CAMPAIGN_CALLS": "each",  # DuckDB covers `all`; this covers `each`
            "TAP_WOLKVOX_CAMPAIGN_IDS": '["101", "202"]',
            "TAP_WOLKVOX_START_DATE": START.isoformat(),
            "TAP_WOLKVOX_END_DATE": first_end.isoformat(),
            "TAP_WOLKVOX_LOOKBACK_MINUTES": "120",
            "SNOWFLAKE_SQLALCHEMY_LEGACY_URL_PARAMS": "true",
            # The target builds its URL from `account`; these parameters point it at fakesnow.
            "TARGET_SNOWFLAKE_ACCOUNT": f"127.0.0.1:{port}/WOLKDB?{FAKESNOW_URL_PARAMS}",
            "TARGET_SNOWFLAKE_USER": "fake",
            "TARGET_SNOWFLAKE_PASSWORD": "snow",
            "TARGET_SNOWFLAKE_DATABASE": "WOLKDB",
            "TARGET_SNOWFLAKE_WAREHOUSE": "WH",
            "TARGET_SNOWFLAKE_ROLE": "LOADER",
            "TARGET_SNOWFLAKE_DEFAULT_TARGET_SCHEMA": "WOLKVOX",
        },
    )
    meltano("run", "tap-wolkvox", "target-snowflake")
    loaded = warehouse_rows(snowflake_server)
    assert sorted(loaded) == sorted(expected_rows(emulator, first_end))
    assert meltano.bookmarks(STATE_ID) == dict.fromkeys(CAMPAIGNS, "2026-03-01T17:00:00+00:00")

    emulator.advance(dt.timedelta(hours=6))
    meltano.env["TAP_WOLKVOX_END_DATE"] = emulator.local_now().isoformat()
    meltano("run", "tap-wolkvox", "target-snowflake")
    loaded = warehouse_rows(snowflake_server)
    assert len(loaded) == len(set(loaded))  # two hours of lookback re-read, upserted onto themselves
    assert sorted(loaded) == sorted(expected_rows(emulator, emulator.local_now()))
    assert meltano.bookmarks(STATE_ID) == dict.fromkeys(CAMPAIGNS, "2026-03-01T23:00:00+00:00")
