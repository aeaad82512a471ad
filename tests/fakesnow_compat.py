"""A local Snowflake for `target-snowflake`: fakesnow plus a small compatibility layer.

Written for, and pinned to, fakesnow 0.12.1 with meltanolabs-target-snowflake 0.20.4
(`COMPAT_FOR`). fakesnow cannot run some of the target's load SQL as is; this layer
rewrites those statements inside the fake server, never the target:

- `PUT … '@~/…'` (user stage): sent to a named stage standing in for `@~`.
- `MERGE INTO t USING (SELECT $1:col::TYPE … FROM '@~/…' (file_format => f) QUALIFY …)`:
  the staged JSON files are read with DuckDB and the merge runs as delete + insert of
  the newest row per key, which is what Snowflake's MERGE with that QUALIFY does.
- `COPY INTO t (…) FROM (SELECT $1:col::TYPE … FROM '@~/…')`: an insert from the files.
- `REMOVE '@~/…'`: the staged files are deleted. `DROP FILE FORMAT`: a no-op.
- `CREATE TABLE … PRIMARY KEY (…)`: the constraint is dropped, because Snowflake does not
  enforce primary keys and DuckDB does (and rejects a MERGE that updates key columns).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import typing as t
from importlib.metadata import version

from fakesnow.cursor import FakeSnowflakeCursor
from fakesnow.transforms.stage import internal_dir

COMPAT_FOR = {"fakesnow": "0.12.1"}
USER_STAGE = "USER_STAGE"  # the named stage standing in for `@~`
STAGED = re.compile(r"'@~/(?P<path>[^']*)'")
SELECTION = re.compile(
    r"\$1:(?P<prop>\"[^\"]+\"|[^:\s]+)::(?P<type>[A-Z_]+(?:\([0-9, ]+\))?) as (?P<alias>\"[^\"]+\"|[^\s,]+)",
    re.I,
)
MERGE = re.compile(
    r"merge into (?P<table>\S+) d using \(select (?P<selects>.*?) from '@~/(?P<path>[^']*)'\s*"
    r"\(file_format => [^)]*\)\s*"
    r"QUALIFY ROW_NUMBER\(\) OVER \(PARTITION BY (?P<keys>.*?) ORDER BY SEQ8\(\) DESC\) = 1\) s ",
    re.I | re.S,
)
COPY = re.compile(
    r"copy into (?P<table>\S+) \((?P<columns>[^)]*)\) from "
    r"\(select (?P<selects>.*?) from '@~/(?P<path>[^']*)'\)",
    re.I | re.S,
)
DUCK_TYPES = {
    "TIMESTAMP_TZ": "TIMESTAMPTZ",
    "TIMESTAMP_NTZ": "TIMESTAMP",
    "TIMESTAMP_LTZ": "TIMESTAMPTZ",
    "VARIANT": "JSON",
}
DONE = "SELECT 'Statement executed successfully.' AS status"


def run(duck: t.Any, sql: str) -> None:
    """Run DuckDB SQL, saying which statement failed."""
    try:
        duck.execute(sql)
    except Exception as exc:
        msg = f"fakesnow_compat: {exc}\nin: {sql[:2000]}"
        raise RuntimeError(msg) from exc


def install() -> None:
    """Patch fakesnow's cursor so every statement passes through `rewrite` first."""
    if version("fakesnow") != COMPAT_FOR["fakesnow"]:
        msg = f"fakesnow_compat was written for fakesnow {COMPAT_FOR['fakesnow']}, not {version('fakesnow')}"
        raise RuntimeError(msg)
    if getattr(FakeSnowflakeCursor, "_compat_installed", False):
        return
    original = FakeSnowflakeCursor.execute

    def execute(self: t.Any, command: str, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return original(self, rewrite(self, command), *args, **kwargs)

    FakeSnowflakeCursor.execute = execute  # type: ignore[method-assign]
    FakeSnowflakeCursor._compat_installed = True  # type: ignore[attr-defined]


def rewrite(cursor: t.Any, command: str) -> str:
    """The statement fakesnow should run instead of `command` (doing any side work itself)."""
    sql = command.strip()
    lower = sql.lower()
    if lower.startswith("put ") and "'@~/" in sql:
        ensure_user_stage(cursor)
        return STAGED.sub(lambda m: f"@{stage_name(cursor)}/{m.group('path')}", sql)
    if lower.startswith("remove ") and "'@~/" in sql:
        shutil.rmtree(staged_dir(cursor, STAGED.search(sql)["path"]), ignore_errors=True)  # type: ignore[index]
        return DONE
    if lower.startswith("drop file format"):
        return DONE
    if lower.startswith("merge into") and (match := MERGE.match(sql)):
        inserted, updated = merge_from_stage(cursor, match)
        return f'SELECT {inserted} AS "number of rows inserted", {updated} AS "number of rows updated"'
    if lower.startswith("copy into") and (match := COPY.match(sql)):
        insert_from_stage(cursor, match["table"], match["columns"], match["selects"], match["path"])
        return DONE
    if lower.startswith("create table") and "primary key" in lower:
        return re.sub(r",\s*PRIMARY KEY\s*\([^)]*\)", "", sql, flags=re.I)
    return command


def stage_name(cursor: t.Any) -> str:
    return f"{cursor._conn.database}.PUBLIC.{USER_STAGE}"


def ensure_user_stage(cursor: t.Any) -> None:
    with contextlib.closing(cursor._conn.cursor()) as side:
        side.execute(f"CREATE SCHEMA IF NOT EXISTS {cursor._conn.database}.PUBLIC")
        side.execute(f"CREATE STAGE IF NOT EXISTS {stage_name(cursor)}")


def staged_dir(cursor: t.Any, path: str) -> str:
    return internal_dir(stage_name(cursor).upper(), path)


def staged_rows_sql(cursor: t.Any, selects: str, path: str) -> tuple[str, list[str]]:
    """DuckDB SQL selecting the cast columns from the staged JSON files, with a row order."""
    files = sorted(glob.glob(os.path.join(staged_dir(cursor, path), "**", "*"), recursive=True))
    files = [f for f in files if os.path.isfile(f)]
    columns, aliases = [], []
    for m in SELECTION.finditer(selects):
        prop = m["prop"].strip('"')
        duck_type = DUCK_TYPES.get(m["type"].upper(), m["type"])
        columns.append(f"CAST(json_extract_string(json, '$.\"{prop}\"') AS {duck_type}) AS {m['alias']}")
        aliases.append(m["alias"])
    source = f"read_json_objects({files!r}, format='newline_delimited')"
    return f"SELECT row_number() OVER () AS _seq, {', '.join(columns)} FROM {source}", aliases


def duck_table(cursor: t.Any, table: str) -> str:
    parts = table.split(".")
    if len(parts) == 2:
        parts = [cursor._conn.database, *parts]
    return ".".join(parts)


def merge_from_stage(cursor: t.Any, match: re.Match) -> tuple[int, int]:
    """Snowflake's MERGE with the target's QUALIFY: the newest staged row per key wins."""
    rows_sql, aliases = staged_rows_sql(cursor, match["selects"], match["path"])
    keys = [k.strip() for k in match["keys"].split(",")]
    target = duck_table(cursor, match["table"])
    duck = cursor._duck_conn
    run(duck, f"CREATE OR REPLACE TEMP TABLE _compat_staged AS {rows_sql}")
    newest = (
        f"SELECT {', '.join(aliases)} FROM _compat_staged "
        f"QUALIFY row_number() OVER (PARTITION BY {', '.join(keys)} ORDER BY _seq DESC) = 1"
    )
    matches = " AND ".join(f"{target}.{k} IS NOT DISTINCT FROM s.{k}" for k in keys)
    run(duck, f"DELETE FROM {target} WHERE EXISTS (SELECT 1 FROM ({newest}) s WHERE {matches})")
    updated = duck.fetchone()[0]
    run(duck, f"INSERT INTO {target} ({', '.join(aliases)}) {newest}")
    written = duck.fetchone()[0]
    run(duck, "DROP TABLE _compat_staged")
    return written - updated, updated


def insert_from_stage(cursor: t.Any, table: str, columns: str, selects: str, path: str) -> None:
    rows_sql, aliases = staged_rows_sql(cursor, selects, path)
    run(
        cursor._duck_conn,
        f"INSERT INTO {duck_table(cursor, table)} ({columns}) SELECT {', '.join(aliases)} FROM ({rows_sql})",
    )
