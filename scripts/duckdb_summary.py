"""Counts of the demo warehouse as JSON: `python duckdb_summary.py FILE` (with target-duckdb's Python).

Prints {"rows": N, "distinct_keys": N, "streams": {table: {"rows", "distinct_keys"}},
"campaigns": {id: {"rows", "first_date_utc", "last_date_utc"}}}: `rows` and `distinct_keys` summed
over every table of schema `wolkvox` (one per stream loaded; a key is the table's primary key), the
campaigns from `wolkvox.campaign_3`. Zeros when the file or the tables do not exist yet.
"""

import json
import sys
from pathlib import Path

import duckdb


def stream_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Rows and distinct primary keys of each table of schema `wolkvox` (target-duckdb declares the keys)."""
    keys = {
        table: columns
        for table, columns in connection.sql(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where schema_name = 'wolkvox' and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    }
    tables = connection.sql(
        "select table_name from information_schema.tables "
        "where table_schema = 'wolkvox' and table_type = 'BASE TABLE' order by 1"
    ).fetchall()
    streams = {}
    for (table,) in tables:
        key = ", ".join(f'"{column}"' for column in keys.get(table, [])) or "*"
        query = f'select count(*), count(distinct ({key})) from wolkvox."{table}"'  # noqa: S608  (catalog names)
        found = connection.sql(query).fetchall()[0]
        assert found is not None
        streams[table] = {"rows": found[0], "distinct_keys": found[1]}
    return streams


def counts(path: str) -> dict:
    empty: dict = {"rows": 0, "distinct_keys": 0, "streams": {}, "campaigns": {}}
    if not Path(path).exists():
        return empty
    connection = duckdb.connect(path, read_only=True)
    try:
        streams = stream_counts(connection)
        if "campaign_3" not in streams:
            return {**empty, **totals(streams), "streams": streams}
        per_campaign = connection.sql(
            "select campaign_id, count(*), strftime(min(date), '%Y-%m-%d %H:%M:%S'), "
            "strftime(max(date), '%Y-%m-%d %H:%M:%S') from wolkvox.campaign_3 group by all order by 1"
        ).fetchall()
    finally:
        connection.close()
    return {
        **totals(streams),
        "streams": streams,
        "campaigns": {
            campaign: {"rows": rows, "first_date_utc": first, "last_date_utc": last}
            for campaign, rows, first, last in per_campaign
        },
    }


def totals(streams: dict[str, dict[str, int]]) -> dict[str, int]:
    return {
        "rows": sum(s["rows"] for s in streams.values()),
        "distinct_keys": sum(s["distinct_keys"] for s in streams.values()),
    }


if __name__ == "__main__":
    print(json.dumps(counts(sys.argv[1])))
