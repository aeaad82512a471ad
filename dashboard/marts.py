"""Reading the analytics marts: plain selects, no arithmetic (the models own every calculation).

Each reader names the mart columns it needs. A mart or column this warehouse lacks raises `MissingMart`,
and the page shows what is missing in place of that section, instead of computing it here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

SCHEMA = "analytics"
Row = dict[str, Any]


class WarehouseError(Exception):
    """The warehouse cannot be read; the message says what to do."""


class MissingMart(Exception):  # noqa: N818  (shown as a note on the page, not a failure)
    """A section needs a mart or columns the warehouse does not have."""

    def __init__(self, relation: str, columns: list[str]) -> None:
        self.relation, self.columns = relation, columns
        super().__init__(
            f"needs {SCHEMA}.{relation}({', '.join(columns)}), which this warehouse does not have"
        )


class Marts:
    """A read-only connection to the warehouse and the columns of its `analytics` schema."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise WarehouseError(
                f"No warehouse file at {path}: run `make demo` first (it loads the tap's tables and "
                "builds the analytics marts), or give the path of yours with --warehouse."
            )
        try:
            self._db = duckdb.connect(str(path), read_only=True)
            found = self._db.execute(
                "select table_name, column_name from information_schema.columns where table_schema = ?",
                [SCHEMA],
            ).fetchall()
        except duckdb.Error as exc:
            raise WarehouseError(
                f"Cannot read the warehouse {path} ({type(exc).__name__}: {exc}). Check that it is a DuckDB "
                "file and that no other program holds it open for writing."
            ) from None
        self.columns: dict[str, set[str]] = {}
        for table, column in found:
            self.columns.setdefault(table, set()).add(column)

    def close(self) -> None:
        self._db.close()

    def require(self, relation: str, columns: list[str]) -> None:
        missing = [c for c in columns if c not in self.columns.get(relation, set())]
        if missing:
            raise MissingMart(relation, missing)

    def select(
        self,
        relation: str,
        columns: list[str],
        *,
        where: str = "",
        params: list[Any] | None = None,
        order: str = "",
        require: bool = True,
    ) -> list[Row]:
        """Rows of one mart: the named columns as they are, filtered and ordered."""
        if require:
            self.require(relation, columns)
        # Names and clauses come from this module's constants, never from input; values are bound.
        sql = f"select {', '.join(columns)} from {SCHEMA}.{relation}"  # noqa: S608
        sql += f" where {where}" if where else ""
        sql += f" order by {order}" if order else ""
        cursor = self._db.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [{n: plain(v) for n, v in zip(names, values, strict=True)} for values in cursor.fetchall()]

    def latest_day(self) -> datetime.date | None:
        """The latest local date any daily mart has: the day the dashboard shows unless told."""
        days = []
        for relation in DAILY_MARTS:
            if "local_date" in self.columns.get(relation, set()):
                (latest,) = self.select(relation, ["max(local_date) as latest"], require=False)[0].values()
                days += [latest] if latest is not None else []
        return max(days) if days else None


def plain(value: Any) -> Any:
    """A DECIMAL column's value as a float: the page shows it, it never sums it."""
    return float(value) if isinstance(value, Decimal) else value


DAILY_MARTS = ["operation_daily", "agent_daily", "campaign_daily", "chat_daily", "agent_status_daily"]

# The marts of issue 21's contract, and those this dashboard asks the models for in addition.
AGENT_COLUMNS = [
    "agent_id",
    "agent_name",
    "logged_seconds",
    "ready_seconds",
    "talk_seconds",
    "acw_seconds",
    "ring_seconds",
    "aux_seconds",
    "occupancy",
    "calls",
    "calls_uncoded",
    "voice_effectiveness",
    "chats",
    "chats_uncoded",
    "digital_effectiveness",
]
AGENT_SHARE_COLUMNS = ["ready_share", "aux_share", "calls_uncoded_share", "chats_uncoded_share"]
OPERATION_COLUMNS = [
    "local_date",
    "service_level",
    "asa_seconds",
    "abandon_rate",
    "offered",
    "occupancy",
    "voice_effectiveness",
    "digital_effectiveness",
    "attempts",
]
HOURLY_COLUMNS = ["local_hour", "calls", "chats"]
INBOUND_COLUMNS = [
    "skill_id",
    "skill_name",
    "interval_start_local",
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "asa_seconds",
    "abandon_rate",
]


def operation_days(marts: Marts, day: datetime.date, previous: datetime.date) -> dict[datetime.date, Row]:
    rows = marts.select(
        "operation_daily", OPERATION_COLUMNS, where="local_date in (?, ?)", params=[day, previous]
    )
    return {row["local_date"]: row for row in rows}


def campaign_days(marts: Marts, first: datetime.date, last: datetime.date) -> list[Row]:
    columns = ["campaign_id", "local_date", "attempts", "distinct_telephones"]
    return marts.select(
        "campaign_daily",
        columns,
        where="local_date between ? and ?",
        params=[first, last],
        order="campaign_id, local_date",
    )


def campaign_results(marts: Marts, first: datetime.date, last: datetime.date) -> list[Row]:
    columns = ["campaign_id", "local_date", "result", "attempts"]
    return marts.select(
        "campaign_result_daily",
        columns,
        where="local_date between ? and ?",
        params=[first, last],
        order="campaign_id, local_date, result",
    )


def agents(marts: Marts, day: datetime.date) -> list[Row]:
    return marts.select(
        "agent_daily", AGENT_COLUMNS, where="local_date = ?", params=[day], order="agent_name, agent_id"
    )


def agent_shares(marts: Marts, day: datetime.date) -> dict[str, Row]:
    """The shares the alerts compare (a separate read: a warehouse without them still shows the table)."""
    rows = marts.select(
        "agent_daily", ["agent_id", *AGENT_SHARE_COLUMNS], where="local_date = ?", params=[day]
    )
    return {row["agent_id"]: row for row in rows}


def agent_states(marts: Marts, day: datetime.date) -> list[Row]:
    columns = ["agent_id", "agent_status", "seconds", "intervals"]
    return marts.select(
        "agent_status_daily", columns, where="local_date = ?", params=[day], order="agent_id, seconds desc"
    )


def hourly(marts: Marts, day: datetime.date) -> list[Row]:
    return marts.select(
        "activity_hourly", HOURLY_COLUMNS, where="local_date = ?", params=[day], order="local_hour"
    )


def inbound(marts: Marts, day: datetime.date) -> list[Row]:
    return marts.select(
        "inbound_interval",
        INBOUND_COLUMNS,
        where="cast(interval_start_local as date) = ?",
        params=[day],
        order="skill_name, skill_id, interval_start_local",
    )


def chats(marts: Marts, day: datetime.date, previous: datetime.date) -> list[Row]:
    columns = [
        "channel",
        "local_date",
        "chats",
        "uncoded",
        "effective",
        "avg_duration_seconds",
        "avg_asa_seconds",
    ]
    return marts.select(
        "chat_daily",
        columns,
        where="local_date in (?, ?)",
        params=[day, previous],
        order="channel, local_date",
    )
