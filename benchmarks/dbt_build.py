"""`make bench` (part 4): how long the dbt models take to build on DuckDB for a large operation.

The operation: `--agents` agents (default 200) over `--days` days (default 90), 20 skills, 3
predictive campaigns, and call and chat volumes scaled to the agents (`cdr_1` and `chat_1` rows per
hour, the emulator's `density`). The emulator generates the rows day by day (its own generators, the
same as the API serves); they are loaded into a DuckDB file as the tap and target-duckdb would write
them (text columns, each date-time as UTC plus its local text in `<name>_local`). Then dbt, from the
dbt-duckdb plugin's venv (`make meltano` or `make demo` installs it), builds the project twice:

1. `dbt build --full-refresh` over every day but the last: every model from empty, and every test;
2. the last day loaded, `dbt build`: the incremental staging models read only their re-read window
   (`reread_days`), the marts are rebuilt whole, every test runs again.

It prints the rows per stream, the generation time, and for each build its wall-clock time (dbt's
start-up and parsing included), the models' own seconds and the slowest models (dbt's
`run_results.json`). Figures, no assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from wolkvox_emulator import Emulator
from wolkvox_emulator.reports import Agent, Skill

ROOT = Path(__file__).resolve().parents[1]
DBT = ROOT / ".meltano/transformers/dbt-duckdb/venv/bin/dbt"
END = dt.datetime(2026, 9, 1)
REPORTS = {  # report → its date-time fields (UTC column + `<name>_local`)
    "agent_14": ("date_ini", "date_end"),
    "cdr_1": ("date",),
    "chat_1": ("date", "date_close"),
    "skill_10": ("date",),
    "skill_2": ("date",),
    "campaign_3": ("date",),
}
UTC_OFFSET_HOURS = 5  # America/Bogota, no daylight saving time


def operation(agents: int) -> Emulator:
    """The emulated operation, its volumes scaled to `agents` (the emulator's are for 7 agents)."""
    emulator = Emulator(
        now=END,
        agents=[Agent(str(10000 + n), f"Agente {n}", str(80000000 + n)) for n in range(agents)],
        skills=[Skill(str(200 + n), f"Skill {n}") for n in range(20)],
    )
    # About 25 calls and 10 chats per agent and day.
    emulator.density = {"cdr_1": max(1, agents * 25 // 24), "chat_1": max(1, agents * 10 // 24)}
    return emulator


def generate(emulator: Emulator, days: int, folder: Path) -> dict[str, int]:
    """Each report's rows, day by day, into `<report>.jsonl`; the lists into `<list>.jsonl`."""
    counts = {}
    for report in REPORTS:
        with (folder / f"{report}.jsonl").open("w", encoding="utf-8") as out:
            counts[report] = 0
            for day in range(days, 0, -1):
                start = END - dt.timedelta(days=day)
                for row in emulator.report_rows(report, start, start + dt.timedelta(seconds=86399)):
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    counts[report] += 1
    lists = {
        "agents": [agent.info() for agent in emulator.agents],
        "skills": [skill.info() for skill in emulator.skills],
        "activity_codes": [code.info() for code in emulator.activity_codes],
    }
    for name, rows in lists.items():
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        counts[name] = len(rows)
    return counts


def load(folder: Path, warehouse: Path, *, last_day: bool) -> None:
    """The files into schema `wolkvox` as the tap and target-duckdb write them: every day but the
    last (tables created), or the last day (rows added to the reports)."""
    cut = (END - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema if not exists wolkvox")
        for path in sorted(folder.glob("*.jsonl")):
            fields = REPORTS.get(path.stem, ())
            if last_day and not fields:
                continue
            converted = ", ".join(
                f"{name} as {name}_local, "
                f"strptime({name}, '%Y-%m-%d %H:%M:%S') + interval {UTC_OFFSET_HOURS} hour as {name}"
                for name in fields
            )
            excluded = f"exclude ({', '.join(fields)})" if fields else ""
            where = f"where {fields[0]} {'>=' if last_day else '<'} '{cut}'" if fields else ""
            rows = (
                f"select * {excluded}{', ' + converted if converted else ''} "  # noqa: S608  (this script's)
                f"from read_json('{path}', format = 'newline_delimited', columns = {columns(path)}) {where}"
            )
            if last_day:
                connection.execute(f"insert into wolkvox.{path.stem} by name {rows}")
            else:
                connection.execute(f"create or replace table wolkvox.{path.stem} as {rows}")


def columns(path: Path) -> dict[str, str]:
    """Every field as text (the tap's schema), from the file's first row; `ASA` as the tap names it."""
    with path.open(encoding="utf-8") as rows:
        first = json.loads(rows.readline())
    return dict.fromkeys(first, "VARCHAR")


def dbt(command: list[str], warehouse: Path, work: Path) -> tuple[float, list[tuple[str, float]]]:
    """Wall-clock seconds of one dbt command and the slowest nodes' own seconds."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(ROOT / "transform/profiles/duckdb"),
        "DBT_DUCKDB_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    started = time.monotonic()
    result = subprocess.run(
        [str(DBT), *command], cwd=ROOT / "transform", env=env, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"dbt {' '.join(command)} failed:\n{result.stdout[-3000:]}")
    results = json.loads((work / "target/run_results.json").read_text(encoding="utf-8"))["results"]
    nodes = [(r["unique_id"], r["execution_time"]) for r in results]  # model.wolkvox.<name>, test.…
    nodes.sort(key=lambda node: -node[1])
    return seconds, nodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--agents", type=int, default=200)
    args = parser.parse_args()
    if not DBT.exists():
        sys.exit(f"{DBT.relative_to(ROOT)} is missing: run `make meltano` (or `make demo`) first.")
    with tempfile.TemporaryDirectory(prefix="wolkvox-dbt-bench-") as folder:
        work = Path(folder)
        print(f"== dbt models on DuckDB: {args.agents} agents, {args.days} days (generating...)", flush=True)
        started = time.monotonic()
        counts = generate(operation(args.agents), args.days, work)
        warehouse = work / "warehouse.duckdb"
        load(work, warehouse, last_day=False)
        print(f"  rows: {sum(counts.values()):,} ({', '.join(f'{k} {v:,}' for k, v in counts.items())})")
        print(f"  generated and loaded in {time.monotonic() - started:.0f} s (not part of the build)")
        for label, command in (
            (f"{args.days - 1} days, dbt build --full-refresh", ["build", "--full-refresh"]),
            ("the last day loaded, dbt build (incremental)", ["build"]),
        ):
            if command == ["build"]:
                load(work, warehouse, last_day=True)
            seconds, nodes = dbt(command, warehouse, work)
            models = [(node.split(".")[2], took) for node, took in nodes if node.startswith("model.")]
            model_seconds = sum(took for _, took in models)
            test_seconds = sum(took for _, took in nodes) - model_seconds
            slowest = ", ".join(f"{name} {took:.1f} s" for name, took in models[:3])
            print(
                f"  {label}: {seconds:.1f} s wall clock; models {model_seconds:.1f} s "
                f"(slowest: {slowest}), tests {test_seconds:.1f} s"
            )


if __name__ == "__main__":
    main()
