"""`meltano run tap-wolkvox target-postgres`, twice, into a real PostgreSQL server the test starts.

The loader is the unmodified meltanolabs-target-postgres that meltano.yml installs, with
`load_method: upsert`. Between the runs the README's one-time step turns `date` into
`timestamp with time zone` (target-postgres creates `timestamp without time zone`).
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import typing as t
from pathlib import Path

import pytest
from conftest import TOKEN
from meltano_project import MeltanoProject
from postgres_server import PostgresServer

from wolkvox_emulator import Campaign

CAMPAIGNS = ["101", "202"]
START = dt.datetime(2026, 2, 20)
STATE_ID = "demo:tap-wolkvox-to-target-postgres"
# The README's one-time step, after the first load.
TIMESTAMPTZ_DDL = (
    "ALTER TABLE wolkvox.campaign_3 ALTER COLUMN date TYPE timestamptz USING date AT TIME ZONE 'UTC'"
)


@pytest.fixture
def postgres() -> t.Iterator[PostgresServer]:
    # The server's time zone is not UTC, so a date-time cast through it would show.
    server = PostgresServer(timezone="Asia/Tokyo")
    try:
        yield server
    finally:
        server.stop()


KEY = "campaign_id, conn_id, telephone, date_local"


def expected_rows(emulator, end: dt.datetime) -> list[tuple]:
    return sorted(
        (
            row["campaign_id"],
            row["conn_id"],
            row["telephone"],
            row["date"],
            (dt.datetime.strptime(row["date"], "%Y-%m-%d %H:%M:%S") + dt.timedelta(hours=5)).isoformat(),
            row["opt1"],
            row["customer_last_name"],
        )
        for campaign in CAMPAIGNS
        for row in emulator.rows(campaign, START, end)
    )


def loaded_rows(server, utc_expression: str) -> list[tuple]:
    return sorted(
        server.sql(
            f"select {KEY}, to_char({utc_expression}, 'YYYY-MM-DD\"T\"HH24:MI:SS'), opt1, customer_last_name "
            "from wolkvox.campaign_3"
        )
    )


def column_type(server, column: str) -> str:
    return server.sql(
        "select data_type from information_schema.columns "
        f"where table_schema = 'wolkvox' and table_name = 'campaign_3' and column_name = '{column}'"
    )[0][0]


def duplicate_keys(server) -> list[tuple]:
    return server.sql(f"select {KEY}, count(*) from wolkvox.campaign_3 group by {KEY} having count(*) > 1")


def test_meltano_run_into_postgres_loads_exact_rows_upserts_and_keeps_time_zones(
    tmp_path, emulator, postgres
):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=6), Campaign("202", "Dós", rows_per_hour=3)]
    first_end = dt.datetime(2026, 3, 1, 12)
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
            "TARGET_POSTGRES_HOST": "127.0.0.1",
            "TARGET_POSTGRES_PORT": str(postgres.port),
            "TARGET_POSTGRES_USER": "postgres",
            "TARGET_POSTGRES_PASSWORD": "unused-trust-auth",  # the target wants one all the same
            "TARGET_POSTGRES_DATABASE": "postgres",
        },
    )

    meltano("run", "tap-wolkvox", "target-postgres")
    expected = expected_rows(emulator, first_end)
    assert postgres.sql("select count(*) from wolkvox.campaign_3") == [(str(len(expected)),)]
    # target-postgres makes date-time columns `timestamp without time zone`, holding UTC.
    assert column_type(postgres, "date") == "timestamp without time zone"
    assert loaded_rows(postgres, "date") == expected
    assert meltano.bookmarks(STATE_ID) == dict.fromkeys(CAMPAIGNS, "2026-03-01T17:00:00+00:00")

    postgres.sql(TIMESTAMPTZ_DDL)

    # A day later, with a 2-hour lookback: re-read rows replace themselves.
    emulator.advance(dt.timedelta(days=1))
    second_end = emulator.local_now()
    meltano.env["TAP_WOLKVOX_END_DATE"] = second_end.isoformat()
    meltano("run", "tap-wolkvox", "target-postgres")
    expected = expected_rows(emulator, second_end)
    assert len(expected) > len(expected_rows(emulator, first_end))
    assert postgres.sql("select count(*) from wolkvox.campaign_3") == [(str(len(expected)),)]
    assert duplicate_keys(postgres) == []
    assert column_type(postgres, "date") == "timestamp with time zone"  # the target kept it
    assert loaded_rows(postgres, "date at time zone 'UTC'") == expected
    assert meltano.bookmarks(STATE_ID) == dict.fromkeys(CAMPAIGNS, "2026-03-02T17:00:00+00:00")

    # The README's backfill line: a past range under its own state ID, upserted into the same table.
    env, argv = readme_backfill_line()
    meltano.env.update(env)
    meltano(*argv[1:])
    january = [
        row
        for campaign in CAMPAIGNS
        for row in emulator.rows(
            campaign,
            dt.datetime.fromisoformat(env["TAP_WOLKVOX_START_DATE"]),
            dt.datetime.fromisoformat(env["TAP_WOLKVOX_END_DATE"]),
        )
    ]
    assert january
    assert postgres.sql("select count(*) from wolkvox.campaign_3") == [(str(len(expected) + len(january)),)]
    assert duplicate_keys(postgres) == []
    suffix = argv[argv.index("--state-id-suffix") + 1]
    assert f"{STATE_ID}:{suffix}" in meltano("state", "list").stdout.split()
    assert meltano.bookmarks(STATE_ID) == dict.fromkeys(CAMPAIGNS, "2026-03-02T17:00:00+00:00")  # untouched


def readme_backfill_line() -> tuple[dict[str, str], list[str]]:
    """The `--state-id-suffix` command of docs/operations.md: its env assignments and its argv."""
    readme = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")
    block = readme[readme.index("### Backfill and restatement") :]
    block = re.search(r"```bash\n(.*?)```", block, re.S).group(1).replace("\\\n", " ")
    line = next(line for line in block.splitlines() if "--state-id-suffix" in line)
    words = shlex.split(line, comments=True)
    env = dict(w.split("=", 1) for w in words if "=" in w and not w.startswith("-"))
    argv = [w for w in words if not ("=" in w and not w.startswith("-"))]
    assert argv[:2] == ["meltano", "run"], argv
    return env, argv
