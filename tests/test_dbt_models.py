"""The analytics models (transform/), end to end: `meltano run tap-wolkvox <loader> dbt-<adapter>:build`.

On DuckDB (the demo's warehouse) and on a real PostgreSQL (append-only there, loaded twice with a
lookback, so the staging models must keep one row per key), the marts are compared with KPIs computed
here by hand from the emulator's own rows: talk seconds and voice effectiveness of every agent and
day, service level of every skill and 30-minute interval. `dbt build` also runs the project's own
tests (grains, relationships, ratios in [0, 1]): a failing one fails the run. The project is also
compiled for Snowflake, without a connection, and every model's SQL parsed as Snowflake SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import typing as t
from collections import defaultdict
from pathlib import Path

import duckdb  # the test venv's (2.x): it reads a file dbt-duckdb wrote
import pytest
import sqlglot
from conftest import TOKEN
from meltano_project import MeltanoProject
from postgres_server import PostgresServer

START = dt.datetime(2026, 2, 28)
STREAMS = ["cdr_1", "agent_14", "chat_1", "skill_10", "skill_2", "campaign_3"]
LISTS = ["activity_codes", "agents", "skills"]
SELECT = json.dumps([f"{stream}.*" for stream in STREAMS + LISTS])
SERVICE_LEVEL_SECONDS = 20  # the dbt var's default
TEXT = "%Y-%m-%d %H:%M:%S"
KEYS = {  # each stream's primary key (the tap's, with the API's local text for `<name>_local`)
    "agent_14": ("agent_id", "agent_status", "date_ini_local"),
    "cdr_1": ("conn_id", "agent_id", "date_local"),
    "skill_10": ("skill_id", "conn_id", "date_local"),
    "skill_2": ("skill_id", "conn_id", "date_local"),
    "chat_1": ("conn_id",),
}
MARTS = [
    "agent_status_daily",
    "agent_daily",
    "inbound_interval",
    "campaign_daily",
    "campaign_result_daily",
    "chat_daily",
    "operation_daily",
    "activity_hourly",
]

Kpis = dict[str, dict[tuple[str, str], t.Any]]


# -- the KPIs, by hand, from the emulator's rows ------------------------------------------------


def api_rows(emulator, api: str, end: dt.datetime) -> list[dict]:
    """The rows the tap reads for `api` from START to `end`, one per primary key (as the models keep)."""
    key = [name.removesuffix("_local") for name in KEYS[api]]  # the API's own field of `<name>_local`
    by_key = {tuple(row[k] for k in key): row for row in emulator.report_rows(api, START, end)}
    return list(by_key.values())


def code(value: str | None) -> str:
    return (value or "").strip().upper()


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def half_hour(text: str) -> str:
    when = dt.datetime.strptime(text, TEXT)
    return when.replace(minute=30 if when.minute >= 30 else 0, second=0).strftime(TEXT)


def expected_kpis(emulator, end: dt.datetime) -> Kpis:
    """talk seconds and voice effectiveness by (agent, day); service level by (skill, interval)."""
    codes = {
        code(c["cod_act"]): c
        for c in (c.info() for c in emulator.activity_codes)
        if c["type_code"].strip().lower() == "cod_act1"
    }
    talk: dict[tuple[str, str], int] = defaultdict(int)
    for row in api_rows(emulator, "agent_14", end):
        began = dt.datetime.strptime(row["date_ini"], TEXT)
        seconds = (dt.datetime.strptime(row["date_end"], TEXT) - began).total_seconds()
        talk[(row["agent_id"], row["date_ini"][:10])] += (
            int(seconds) if code(row["agent_status"]) == "TALK" else 0
        )
    calls: dict[tuple[str, str], int] = defaultdict(int)
    contact: dict[tuple[str, str], int] = defaultdict(int)
    effective: dict[tuple[str, str], int] = defaultdict(int)
    for row in api_rows(emulator, "cdr_1", end):
        key = (row["agent_id"], row["date"][:10])
        calls[key] += 1
        found = codes.get(code(row["cod_act"]), {})
        coded = code(row["cod_act"]) != "" and not code(row["cod_act"]).startswith("TIMEOUT")
        contact[key] += coded and found.get("rpc") == "yes"
        effective[key] += coded and found.get("hit") == "yes"
    answered: dict[tuple[str, str], list[int]] = defaultdict(list)
    abandoned: dict[tuple[str, str], int] = defaultdict(int)
    for row in api_rows(emulator, "skill_10", end):
        answered[(row["skill_id"], half_hour(row["date"]))].append(int(row["answer_time"]))
    for row in api_rows(emulator, "skill_2", end):
        abandoned[(row["skill_id"], half_hour(row["date"]))] += 1
    # agent_daily has a row for each agent and day with a state, a call or a chat.
    agent_days = set(talk) | set(contact)
    agent_days |= {
        (r["agent_id"], r["date_close"][:10]) for r in api_rows(emulator, "chat_1", end) if r["agent_id"]
    }
    return {
        "talk_seconds": {key: talk.get(key, 0) for key in agent_days},
        "calls": {key: calls.get(key, 0) for key in agent_days},
        "voice_effectiveness": {key: ratio(effective[key], contact[key]) for key in agent_days},
        "service_level": {
            key: ratio(
                sum(seconds <= SERVICE_LEVEL_SECONDS for seconds in answered.get(key, [])),
                len(answered.get(key, [])) + abandoned.get(key, 0),
            )
            for key in set(answered) | set(abandoned)
        },
    }


def kpis_of(agent_rows: t.Iterable[tuple], interval_rows: t.Iterable[tuple]) -> Kpis:
    """The same KPIs from the marts' rows: (agent, day, talk, calls, effectiveness), (skill, interval, sl)."""
    agents = list(agent_rows)
    # psql prints NULL as an empty field.
    number = lambda value: None if value in (None, "") else round(float(value), 9)  # noqa: E731
    return {
        "talk_seconds": {(a, str(d)): int(talk) for a, d, talk, _, _ in agents},
        "calls": {(a, str(d)): int(calls) for a, d, _, calls, _ in agents},
        "voice_effectiveness": {(a, str(d)): number(e) for a, d, _, _, e in agents},
        "service_level": {(s, str(i)[:19]): number(sl) for s, i, sl in interval_rows},
    }


def assert_marts_match(loaded: Kpis, expected: Kpis) -> None:
    rounded = {
        name: {k: (round(v, 9) if isinstance(v, float) else v) for k, v in values.items()}
        for name, values in expected.items()
    }
    for name, values in rounded.items():
        assert loaded[name] == values, name
    # The comparison is not empty: some agent talked and had contacts; service levels vary.
    assert len(rounded["talk_seconds"]) >= 5 and any(rounded["talk_seconds"].values())
    assert any(v is not None for v in rounded["voice_effectiveness"].values())
    assert len({v for v in rounded["service_level"].values() if v is not None}) >= 3


def tap_env(emulator, end: dt.datetime) -> dict[str, str]:
    return {
        "TAP_WOLKVOX_API_URL": emulator.url,
        "TAP_WOLKVOX_TOKEN": TOKEN,
        "TAP_WOLKVOX_START_DATE": START.isoformat(),
        "TAP_WOLKVOX_END_DATE": end.isoformat(),
        "TAP_WOLKVOX__SELECT": SELECT,
    }


def dbt_files(tmp_path: Path, adapter: str) -> dict[str, str]:
    """dbt's target and log folders in the test's own folder (tests may run side by side)."""
    return {
        f"DBT_{adapter.upper()}_TARGET_PATH": str(tmp_path / f"dbt-{adapter}" / "target"),
        f"DBT_{adapter.upper()}_LOG_PATH": str(tmp_path / f"dbt-{adapter}" / "logs"),
    }


# -- DuckDB -------------------------------------------------------------------------------------


def duckdb_rows(path: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.sql(query).fetchall()


def duckdb_kpis(warehouse: Path) -> Kpis:
    return kpis_of(
        duckdb_rows(
            warehouse,
            "select agent_id, local_date, talk_seconds, calls, voice_effectiveness "
            "from analytics.agent_daily",
        ),
        duckdb_rows(
            warehouse, "select skill_id, interval_start_local, service_level from analytics.inbound_interval"
        ),
    )


def test_duckdb_marts_match_kpis_computed_by_hand_after_a_full_and_an_incremental_build(tmp_path, emulator):
    # The first run sees the operation 3 hours earlier: states, calls and chats that end, or are
    # reported, after that appear in the second run, and the incremental models must take them in.
    end = emulator.local_now()
    emulator.now = end - dt.timedelta(hours=3)  # 09:00, agents at work
    warehouse = tmp_path / "warehouse.duckdb"
    meltano = MeltanoProject(
        tmp_path,
        {
            **tap_env(emulator, emulator.now),
            **dbt_files(tmp_path, "duckdb"),
            "TARGET_DUCKDB_PATH": str(warehouse),
            "DBT_DUCKDB_PATH": str(warehouse),
        },
    )
    result = meltano("run", "tap-wolkvox", "target-duckdb", "dbt-duckdb:build")
    assert "Completed successfully" in result.stderr
    tables = {
        row[0]
        for row in duckdb_rows(
            warehouse, "select table_name from duckdb_tables() where schema_name = 'analytics'"
        )
    }
    assert tables == set(MARTS)
    assert_marts_match(duckdb_kpis(warehouse), expected_kpis(emulator, emulator.now))

    emulator.now = end
    meltano.env["TAP_WOLKVOX_END_DATE"] = end.isoformat()
    result = meltano("run", "tap-wolkvox", "target-duckdb", "dbt-duckdb:build")
    assert "Completed successfully" in result.stderr
    assert "incremental model wolkvox_staging.stg_wolkvox__agent_14" in result.stderr
    assert_marts_match(duckdb_kpis(warehouse), expected_kpis(emulator, end))
    assert (tmp_path / "dbt-duckdb" / "target" / "manifest.json").exists()


# -- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def postgres() -> t.Iterator[PostgresServer]:
    server = PostgresServer(timezone="Asia/Tokyo")  # not UTC, so a cast through the session's zone shows
    try:
        yield server
    finally:
        server.stop()


def test_postgres_marts_match_kpis_and_the_latest_extraction_of_a_key_wins(tmp_path, emulator, postgres):
    end = emulator.local_now()
    connection = {"HOST": "127.0.0.1", "PORT": str(postgres.port), "USER": "postgres", "PASSWORD": "unused"}
    meltano = MeltanoProject(
        tmp_path,
        {
            **tap_env(emulator, end),
            **dbt_files(tmp_path, "postgres"),
            **{f"TARGET_POSTGRES_{name}": value for name, value in connection.items()},
            "TARGET_POSTGRES_DATABASE": "postgres",
            **{f"DBT_POSTGRES_{name}": value for name, value in connection.items()},
            "DBT_POSTGRES_DBNAME": "postgres",
        },
    )
    result = meltano("run", "tap-wolkvox", "target-postgres", "dbt-postgres:build")
    assert "Completed successfully" in result.stderr
    tables = postgres.sql(
        "select table_name from information_schema.tables where table_schema = 'wolkvox_analytics'"
    )
    assert {row[0] for row in tables} == set(MARTS)
    expected = expected_kpis(emulator, end)
    assert_marts_match(postgres_kpis(postgres), expected)

    # An append-only load keeps every copy of a re-read row. Older copies whose values differ (a later
    # end, another code) must lose to the latest extraction, and the grain tests must still pass.
    for table, changed in STALE_COPIES.items():
        columns = {**dict.fromkeys(KEYS[table]), **changed, **EARLIER}
        targets = ", ".join(columns)
        values = ", ".join(expression or name for name, expression in columns.items())
        before = int(postgres.sql(f"select count(*) from wolkvox.{table}")[0][0])
        for (constraint,) in postgres.sql(  # an append-only table has no primary key
            "select conname from pg_constraint "
            f"where conrelid = 'wolkvox.{table}'::regclass and contype = 'p'"
        ):
            postgres.sql(f"alter table wolkvox.{table} drop constraint {constraint}")
        postgres.sql(f"insert into wolkvox.{table} ({targets}) select {values} from wolkvox.{table}")
        assert int(postgres.sql(f"select count(*) from wolkvox.{table}")[0][0]) == 2 * before
    # A call loaded late: an hour before the newest call the staging model holds, uncoded (so it
    # changes only `calls`). The incremental model re-reads `reread_days` and must take it in.
    agent, started = postgres.sql(
        "select agent_id, to_char(date - interval '1 hour', 'YYYY-MM-DD HH24:MI:SS') "
        "from wolkvox.cdr_1 order by date desc, conn_id limit 1"
    )[0]
    postgres.sql(
        "insert into wolkvox.cdr_1 (conn_id, agent_id, date_local, date, cod_act, _sdc_extracted_at) "
        "select 'late-' || conn_id, agent_id, 'late', date - interval '1 hour', null, now() "
        "from wolkvox.cdr_1 order by date desc, conn_id limit 1"
    )
    local_day = (dt.datetime.strptime(started, TEXT) - dt.timedelta(hours=5)).date().isoformat()
    expected["calls"][(agent, local_day)] += 1
    result = meltano("run", "dbt-postgres:build")
    assert "Completed successfully" in result.stderr
    assert_marts_match(postgres_kpis(postgres), expected)


# The keys of the stale copies are the tap's primary keys: `<name>_local` is the key column.
STALE_COPIES = {
    "agent_14": {"date_ini": None, "date_end": "date_end + interval '1 hour'"},
    "cdr_1": {"date": None, "cod_act": "'TIMEOUTACW'"},
    "skill_10": {"date": None, "answer_time": "'999'"},
}
EARLIER = {
    "_sdc_extracted_at": "_sdc_extracted_at - interval '1 day'",
    "_sdc_batched_at": "_sdc_batched_at - interval '1 day'",
    "_sdc_sequence": "_sdc_sequence - 1",
}


def postgres_kpis(postgres: PostgresServer) -> Kpis:
    return kpis_of(
        postgres.sql(
            "select agent_id, local_date, talk_seconds, calls, voice_effectiveness "
            "from wolkvox_analytics.agent_daily"
        ),
        postgres.sql(
            "select skill_id, to_char(interval_start_local, 'YYYY-MM-DD HH24:MI:SS'), service_level "
            "from wolkvox_analytics.inbound_interval"
        ),
    )


# -- Snowflake (compiled, not run) --------------------------------------------------------------


def test_models_compile_for_snowflake_into_sql_that_parses_as_snowflake(tmp_path):
    files = dbt_files(tmp_path, "snowflake")
    meltano = MeltanoProject(
        tmp_path,
        {
            **files,
            # Never contacted: compiling without introspection needs no connection.
            "DBT_SNOWFLAKE_ACCOUNT": "unused",
            "DBT_SNOWFLAKE_USER": "unused",
            "DBT_SNOWFLAKE_PASSWORD": "unused",
            "DBT_SNOWFLAKE_WAREHOUSE": "WH",
            "DBT_SNOWFLAKE_DATABASE": "WOLKDB",
        },
    )
    meltano(
        "invoke",
        "dbt-snowflake",
        "compile",
        "--no-introspect",
        "--no-populate-cache",
        "--vars",
        "{introspect_sources: false, assume_incremental: true}",
    )
    compiled = sorted(
        (Path(files["DBT_SNOWFLAKE_TARGET_PATH"]) / "compiled" / "wolkvox" / "models").rglob("*.sql")
    )
    assert {path.stem for path in compiled} >= set(MARTS)
    for path in compiled:
        sql = path.read_text(encoding="utf-8")
        assert sqlglot.parse_one(sql, read="snowflake", error_level=sqlglot.ErrorLevel.RAISE), path.name
