"""Summarize the demo warehouse: `python duckdb_summary.py FILE` (run with target-duckdb's Python)."""

import sys

import duckdb

connection = duckdb.connect(sys.argv[1], read_only=True)
connection.sql(
    "select campaign_id, result, count(*) as rows, min(date) as first_date_utc, max(date) as last_date_utc "
    "from wolkvox.campaign_3 group by all order by campaign_id, rows desc"
).show(max_rows=50)
connection.sql(
    "select count(*) as rows, "
    "count(distinct (campaign_id, conn_id, telephone, date_local)) as distinct_keys, "
    "min(date) as first_date_utc, max(date) as last_date_utc from wolkvox.campaign_3"
).show()
