"""`meltano run tap-wolkvox target-duckdb` against the emulator: exact rows, upserts, state."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from conftest import TOKEN
from meltano_project import MeltanoProject, plugin_python

from tap_wolkvox.tap import STREAM_TYPES
from wolkvox_emulator import Campaign

CAMPAIGNS = ["101", "202", "303"]
START = dt.datetime(2026, 2, 1)


def table_rows(path) -> list[tuple]:
    code = (
        "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "rows = c.sql('select campaign_id, conn_id, telephone, date_local, "
        "strftime(date, \\'%Y-%m-%dT%H:%M:%S\\'), opt1, customer_last_name "
        "from wolkvox.campaign_3').fetchall(); "
        "print(json.dumps(rows))"
    )
    out = subprocess.run(
        [str(plugin_python("loaders", "target-duckdb")), "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [tuple(row) for row in json.loads(out)]


def expected_rows(emulator, end: dt.datetime) -> list[tuple]:
    rows = []
    for campaign in CAMPAIGNS:
        for row in emulator.rows(campaign, START, end):
            utc = dt.datetime.strptime(row["date"], "%Y-%m-%d %H:%M:%S") + dt.timedelta(hours=5)
            rows.append(
                (
                    row["campaign_id"],
                    row["conn_id"],
                    row["telephone"],
                    row["date"],
                    utc.isoformat(),
                    row["opt1"] or None,  # target-duckdb loads "" as NULL (its CSV load)
                    row["customer_last_name"],
                )
            )
    return rows


def test_meltano_run_loads_exactly_the_emulators_rows_and_continues_from_state(tmp_path, emulator):
    emulator.campaigns = [
        Campaign(c, f"C{c}", rows_per_hour=r) for c, r in zip(CAMPAIGNS, (6, 10, 2), strict=True)
    ]
    warehouse = tmp_path / "warehouse.duckdb"
    first_end = dt.datetime(2026, 3, 1, 12, 0, 0)
    meltano = MeltanoProject(
        tmp_path,
        {
            "TAP_WOLKVOX_API_URL": emulator.url,
            "TAP_WOLKVOX_TOKEN": TOKEN,
            "TAP_WOLKVOX_START_DATE": START.isoformat(),
            "TAP_WOLKVOX_END_DATE": first_end.isoformat(),
            "TAP_WOLKVOX_LOOKBACK_MINUTES": "60",
            "TARGET_DUCKDB_PATH": str(warehouse),
        },
    )
    meltano("run", "tap-wolkvox", "target-duckdb")
    loaded = table_rows(warehouse)
    assert sorted(loaded) == sorted(expected_rows(emulator, first_end))
    assert any("ñ" in row[6] or "á" in row[6] for row in loaded)
    assert meltano.bookmarks("demo:tap-wolkvox-to-target-duckdb") == {"all": "2026-03-01T17:00:00+00:00"}

    # The emulator's clock moves on a day; the next scheduled run adds the new rows only once.
    emulator.advance(dt.timedelta(days=1))
    second_end = emulator.local_now()
    meltano.env["TAP_WOLKVOX_END_DATE"] = second_end.isoformat()
    calls_before = len(emulator.calls)
    meltano("run", "tap-wolkvox", "target-duckdb")
    loaded = table_rows(warehouse)
    assert len(loaded) == len(set(loaded))  # the lookback's re-read rows were upserted, not appended
    assert sorted(loaded) == sorted(expected_rows(emulator, second_end))
    assert len(loaded) > len(expected_rows(emulator, first_end))
    assert len(emulator.calls) - calls_before == 1  # campaign_calls: all, one call for every campaign
    assert meltano.bookmarks("demo:tap-wolkvox-to-target-duckdb") == {"all": "2026-03-02T17:00:00+00:00"}


ALL_STREAMS = [str(kind.name) for kind in STREAM_TYPES]


def table_counts(path, tables: list[str]) -> dict[str, int]:
    code = (
        "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        "count = lambda t: c.sql(f'select count(*) from wolkvox.{t}').fetchone()[0]; "
        "print(json.dumps({t: count(t) for t in sys.argv[2:]}))"
    )
    out = subprocess.run(
        [str(plugin_python("loaders", "target-duckdb")), "-c", code, str(path), *tables],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def test_meltano_run_loads_every_stream(tmp_path, emulator):
    """Every report and dimension stream, selected together, lands with exactly the emulator's rows."""
    end = dt.datetime(2026, 2, 3)
    warehouse = tmp_path / "warehouse.duckdb"
    meltano = MeltanoProject(
        tmp_path,
        {
            "TAP_WOLKVOX_API_URL": emulator.url,
            "TAP_WOLKVOX_TOKEN": TOKEN,
            "TAP_WOLKVOX_START_DATE": START.isoformat(),
            "TAP_WOLKVOX_END_DATE": end.isoformat(),
            "TAP_WOLKVOX_CAMPAIGN_IDS": "[]",  # every campaign: no filter
            "TAP_WOLKVOX__SELECT": json.dumps([f"{name}.*" for name in ALL_STREAMS]),
            "TARGET_DUCKDB_PATH": str(warehouse),
        },
    )
    meltano("run", "tap-wolkvox", "target-duckdb")
    counts = table_counts(warehouse, ALL_STREAMS)
    lists = {"campaigns": emulator.campaigns, "agents": emulator.agents, "skills": emulator.skills}
    lists["activity_codes"] = emulator.activity_codes
    for kind in STREAM_TYPES:
        name = str(kind.name)
        if name in lists:
            assert counts[name] == len(lists[name]), name
        else:
            keys = {
                tuple(row.get(k.removesuffix("_local")) for k in kind.primary_keys)
                for row in emulator.report_rows(kind.api, START, end)  # type: ignore[attr-defined]
            }
            assert counts[name] == len(keys) > 0, name
