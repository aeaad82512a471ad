"""Counts of the demo warehouse as JSON: `python duckdb_summary.py FILE` (with target-duckdb's Python).

Prints {"rows": N, "distinct_keys": N, "campaigns": {id: {"rows", "first_date_utc", "last_date_utc"}}};
zeros when the file or its `wolkvox.campaign_3` table does not exist yet.
"""

import json
import sys
from pathlib import Path

import duckdb

KEY = "(campaign_id, conn_id, telephone, date_local)"  # the stream's primary key


def counts(path: str) -> dict:
    empty: dict = {"rows": 0, "distinct_keys": 0, "campaigns": {}}
    if not Path(path).exists():
        return empty
    connection = duckdb.connect(path, read_only=True)
    try:
        tables = connection.sql(
            "select count(*) from information_schema.tables "
            "where table_schema = 'wolkvox' and table_name = 'campaign_3'"
        ).fetchone()
        if not tables or not tables[0]:
            return empty
        total = connection.sql(f"select count(*), count(distinct {KEY}) from wolkvox.campaign_3").fetchone()  # noqa: S608  (constant)
        per_campaign = connection.sql(
            "select campaign_id, count(*), strftime(min(date), '%Y-%m-%d %H:%M:%S'), "
            "strftime(max(date), '%Y-%m-%d %H:%M:%S') from wolkvox.campaign_3 group by all order by 1"
        ).fetchall()
    finally:
        connection.close()
    assert total is not None
    return {
        "rows": total[0],
        "distinct_keys": total[1],
        "campaigns": {
            campaign: {"rows": rows, "first_date_utc": first, "last_date_utc": last}
            for campaign, rows, first, last in per_campaign
        },
    }


if __name__ == "__main__":
    print(json.dumps(counts(sys.argv[1])))
