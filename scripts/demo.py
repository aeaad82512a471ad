"""`make demo`: the emulator, `meltano run tap-wolkvox target-duckdb`, and what the run did.

1. starts `wolkvox-emulator` on 127.0.0.1:18080 (the `demo` environment's `api_url`), on the real
   clock, so a second run finds the rows of the minutes in between; if 18080 is taken, on a free
   port, given to the tap as TAP_WOLKVOX_API_URL (and says so);
2. reads Meltano's state (`meltano state get`) and the warehouse's counts, before the run;
3. runs `meltano --environment=demo run tap-wolkvox target-duckdb` (each command names the
   environment: meltano.yml has no default one), its output also in output/demo-meltano.log;
4. prints what the run did: whether it continued from Meltano's state, rows fetched, new rows,
   rows re-read by the lookback that replaced themselves, the warehouse total and the calls spent
   (the tap's "Wolkvox API usage" line), over every stream loaded, then each stream's rows;
5. stops the emulator;
6. builds the analytics models (`meltano run dbt-duckdb:build`: transform/, its output in
   output/demo-dbt.log) and prints a short KPI table from the marts (scripts/demo_kpis.py).

Run it twice: the second run continues from the first run's state.
Only the standard library: it runs with any Python 3.10+.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MELTANO = Path(os.environ.get("MELTANO", ROOT / ".venv-meltano/bin/meltano"))
EMULATOR = ROOT / ".meltano/extractors/tap-wolkvox/venv/bin/wolkvox-emulator"  # the tap's own install
DUCKDB_PYTHON = ROOT / ".meltano/loaders/target-duckdb/venv/bin/python"  # has the pinned duckdb
DBT_PYTHON = ROOT / ".meltano/transformers/dbt-duckdb/venv/bin/python"  # dbt's duckdb reads the marts
DBT_LOG = ROOT / "output" / "demo-dbt.log"
OUTPUT = ROOT / "output"
WAREHOUSE = OUTPUT / "warehouse.duckdb"
LOG = OUTPUT / "demo-meltano.log"
STATE_ID = "demo:tap-wolkvox-to-target-duckdb"
PORT = 18080  # the demo environment's api_url in meltano.yml
PORT_IN_USE = 3  # wolkvox-emulator's exit status when its port is taken
ENVIRONMENT = "--environment=demo"  # meltano.yml has no default environment: named on every command
ENV = {
    **os.environ,
    "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
    "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
}
USAGE_LINE = re.compile(r"Wolkvox API usage: (?P<calls>\d+) calls?, (?P<rows>\d+) rows?")


class DemoError(Exception):
    """A failure the user can act on: its message says what happened and what to do."""


# -- pure logic (tests/test_demo_summary.py) ----------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """The tap's quota line: API calls made and rows emitted by one run."""

    calls: int
    rows: int
    line: str


def parse_usage(log: str) -> Usage | None:
    """The last `Wolkvox API usage: N calls, M rows emitted, ...` line of a log, or None."""
    found = None
    for line in log.splitlines():
        match = USAGE_LINE.search(line)
        if match:
            found = Usage(int(match["calls"]), int(match["rows"]), line[match.start() :].strip())
    return found


def bookmarks(state: dict) -> dict[str, str]:
    """Campaign id → bookmark, from `meltano state get` output (`{}` when there is no state)."""
    singer_state = state.get("singer_state") or {}
    stream = (singer_state.get("bookmarks") or {}).get("campaign_3") or {}
    return {
        str(partition["context"]["campaign_id"]): partition["replication_key_value"]
        for partition in stream.get("partitions", [])
        if partition.get("replication_key_value")
    }


def every_bookmark(state: dict) -> dict[str, str]:
    """`stream` or `stream partition` → bookmark, for every stream of `meltano state get` output."""
    found = {}
    for stream, stream_state in ((state.get("singer_state") or {}).get("bookmarks") or {}).items():
        if not isinstance(stream_state, dict):
            continue
        if stream_state.get("replication_key_value"):
            found[stream] = stream_state["replication_key_value"]
        for partition in stream_state.get("partitions") or []:
            if partition.get("replication_key_value"):
                where = " ".join(str(v) for v in (partition.get("context") or {}).values())
                found[f"{stream} {where}"] = partition["replication_key_value"]
    return found


def plural(count: int, noun: str) -> str:
    """`1 row`, `2 rows`, `28,936 rows`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def rows(count: int) -> str:
    return plural(count, "row")


@dataclass(frozen=True)
class RunSummary:
    """What one run did, from the state before it, the warehouse before and after, and its log."""

    continued: bool
    state_before: dict[str, str]
    state_after: dict[str, str]
    fetched: int | None
    new_rows: int
    duplicates_added: int
    replaced: int | None
    total: int
    distinct_keys: int
    calls: int | None
    warehouse_was_empty: bool = False
    streams: int = 1

    @classmethod
    def of(
        cls,
        *,
        state_before: dict[str, str],
        state_after: dict[str, str],
        before: dict,
        after: dict,
        usage: Usage | None,
    ) -> RunSummary:
        new_rows = after["distinct_keys"] - before["distinct_keys"]
        duplicates_before = before["rows"] - before["distinct_keys"]
        duplicates_added = after["rows"] - after["distinct_keys"] - duplicates_before
        fetched = usage.rows if usage else None
        replaced = None
        if fetched is not None and fetched - new_rows - duplicates_added >= 0:
            replaced = fetched - new_rows - duplicates_added
        return cls(
            continued=bool(state_before),
            state_before=state_before,
            state_after=state_after,
            fetched=fetched,
            new_rows=new_rows,
            duplicates_added=duplicates_added,
            replaced=replaced,
            total=after["rows"],
            distinct_keys=after["distinct_keys"],
            calls=usage.calls if usage else None,
            warehouse_was_empty=before["rows"] == 0,
            streams=len(after.get("streams", {})) or 1,
        )

    def lines(self) -> list[str]:
        """The summary as printed, one fact a line."""
        if self.continued:
            oldest = min(self.state_before.values())
            state = (
                f"continued from Meltano's state ({plural(len(self.state_before), 'bookmark')}, "
                f"the oldest {oldest}; "
                "each re-read from lookback_minutes before it)"
            )
        else:
            state = f"a first run: Meltano had no state for {STATE_ID}, so it started at start_date"
        unknown = "unknown: no 'Wolkvox API usage' line in the log"
        fetched = unknown if self.fetched is None else f"{rows(self.fetched)} emitted by the tap"
        if self.replaced is None:
            replaced = "unknown" if self.fetched is None else "n/a (fewer rows fetched than new rows)"
        else:
            why = "fetched again by the lookback" if self.continued else "already in the warehouse"
            replaced = f"{rows(self.replaced)} {why} replaced themselves (upserted on the primary key)"
        duplicates = (
            f"{self.distinct_keys:,} distinct keys: one row per key"
            if self.total == self.distinct_keys
            else f"{self.distinct_keys:,} distinct keys: {self.total - self.distinct_keys:,} duplicate rows"
        )
        lines = [
            f"state:      {state}",
            f"fetched:    {fetched}",
            f"new:        {rows(self.new_rows)} new to the warehouse",
            f"re-read:    {replaced}",
        ]
        if self.duplicates_added:
            lines.append(
                f"duplicates: {rows(self.duplicates_added)} added a second copy (the target did not upsert)"
            )
        lines += [
            f"warehouse:  {rows(self.total)} in {plural(self.streams, 'table')} of schema wolkvox "
            f"({duplicates})",
            f"calls:      {unknown if self.calls is None else plural(self.calls, 'API call')}",
        ]
        if self.continued and self.warehouse_was_empty:
            lines += [
                "note:       the warehouse was empty but Meltano had state: only rows since the bookmarks",
                f"            were loaded. To start over: .venv-meltano/bin/meltano state clear {STATE_ID}",
            ]
        return lines


# -- running ------------------------------------------------------------------------------------


def check_installed() -> None:
    for path in (MELTANO, EMULATOR, DUCKDB_PYTHON, DBT_PYTHON):
        if not path.exists():
            raise DemoError(f"{path.relative_to(ROOT)} is missing: run `make demo`, which installs it first.")


def start_emulator(port: int, url_file: Path) -> tuple[subprocess.Popen, str] | None:
    """Start the emulator; its process and URL, or None when `port` is taken."""
    errors = url_file.with_suffix(".stderr")
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [str(EMULATOR), "--port", str(port), "--url-file", str(url_file)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if url_file.exists():
            return process, url_file.read_text(encoding="utf-8").strip()
        if process.poll() is not None:
            if process.returncode == PORT_IN_USE:
                return None
            message = errors.read_text(encoding="utf-8", errors="replace").strip()
            raise DemoError(
                f"wolkvox-emulator stopped (exit {process.returncode}) before serving:\n{message}"
            )
        time.sleep(0.1)
    process.kill()
    raise DemoError("wolkvox-emulator did not start serving within 30 seconds.")


def meltano(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(MELTANO), ENVIRONMENT, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DemoError(
            f"`meltano {' '.join(args)}` failed (exit {result.returncode}):\n{result.stderr[-3000:]}"
        )
    return result.stdout


def warehouse_counts() -> dict:
    out = subprocess.run(
        [str(DUCKDB_PYTHON), str(ROOT / "scripts/duckdb_summary.py"), str(WAREHOUSE)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise DemoError(f"could not read {WAREHOUSE.relative_to(ROOT)}:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout)


def run_meltano(env: dict[str, str]) -> str:
    """`meltano run tap-wolkvox target-duckdb`, shown as it runs and kept in LOG; its output."""
    lines = []
    with LOG.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(MELTANO), ENVIRONMENT, "run", "tap-wolkvox", "target-duckdb"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            log.write(line)
            lines.append(line)
        process.wait()
    if process.returncode != 0:
        raise DemoError(
            f"`meltano run tap-wolkvox target-duckdb` failed (exit {process.returncode}). "
            f"Its whole output is in {LOG.relative_to(ROOT)}; the cause is usually in its last lines."
        )
    return "".join(lines)


def demo(url_dir: Path) -> None:
    check_installed()
    OUTPUT.mkdir(exist_ok=True)  # gitignored: a fresh clone has none, and target-duckdb does not create it
    started = start_emulator(PORT, url_dir / "url-18080")
    if started is None:
        started = start_emulator(0, url_dir / "url-free")
        if started is None:
            raise DemoError("wolkvox-emulator found no free port on 127.0.0.1.")
        print(
            f"== Port {PORT} on 127.0.0.1 is taken (by another program, or an emulator still running): "
            f"the demo's emulator serves {started[1]} instead, given to the tap as TAP_WOLKVOX_API_URL."
        )
    emulator, url = started
    try:
        env = {**ENV, "TAP_WOLKVOX_API_URL": url}
        state_before = every_bookmark(json.loads(meltano("state", "get", STATE_ID, env=env) or "{}"))
        before = warehouse_counts()
        how = "continuing from Meltano's state" if state_before else "first run: no Meltano state yet"
        print(
            f"== meltano run tap-wolkvox target-duckdb (environment demo, emulator {url}; {how})", flush=True
        )
        output = run_meltano(env)
        after = warehouse_counts()
        state_after = bookmarks(json.loads(meltano("state", "get", STATE_ID, env=env) or "{}"))
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    summary = RunSummary.of(
        state_before=state_before,
        state_after=state_after,
        before=before,
        after=after,
        usage=parse_usage(output),
    )
    print(f"\n== What this run did (its whole output: {LOG.relative_to(ROOT)})")
    for line in summary.lines():
        print(f"  {line}")
    if "all" in state_after:  # campaign_calls: all, one partition and one call for every campaign
        print(f"  bookmark:   {state_after['all']} (campaign_calls: all: one bookmark for every campaign)")
    for campaign in sorted({*after["campaigns"], *state_after} - {"all"}):
        figures = after["campaigns"].get(campaign, {"rows": 0})
        added = figures["rows"] - before["campaigns"].get(campaign, {}).get("rows", 0)
        dates = f", {figures['first_date_utc']} .. {figures['last_date_utc']} UTC" if figures["rows"] else ""
        own = f"; bookmark {state_after[campaign]}" if campaign in state_after else ""
        print(f"  campaign {campaign}: {rows(figures['rows'])} (+{added:,}){dates}{own}")
    for stream, figures in after.get("streams", {}).items():
        added = figures["distinct_keys"] - before.get("streams", {}).get(stream, {}).get("distinct_keys", 0)
        print(f"  stream {stream}: {rows(figures['rows'])} (+{added:,} new)")
    print(f"  file:       {WAREHOUSE.relative_to(ROOT)}; run `make demo` again: it continues from here.")
    build_models_and_show_kpis(env)


# -- the analytics models (transform/, issue 21) ----------------------------------------------


def build_models_and_show_kpis(env: dict[str, str]) -> None:
    """`meltano run dbt-duckdb:build` (models and their tests), then the KPI table of the marts."""
    print(
        "\n== meltano run dbt-duckdb:build (transform/: staging and the analytics marts, with tests)",
        flush=True,
    )
    with DBT_LOG.open("w", encoding="utf-8") as log:
        result = subprocess.run(
            [str(MELTANO), ENVIRONMENT, "run", "dbt-duckdb:build"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    output = DBT_LOG.read_text(encoding="utf-8")
    done = [line.split("dbt-duckdb", 1)[-1].strip() for line in output.splitlines() if "Done. PASS=" in line]
    if result.returncode != 0:
        raise DemoError(
            f"`meltano run dbt-duckdb:build` failed (exit {result.returncode}): {done[-1] if done else ''} "
            f"Its whole output is in {DBT_LOG.relative_to(ROOT)}; the failing model or test is named there."
        )
    print(f"  {done[-1] if done else 'done'} (models and tests; its output: {DBT_LOG.relative_to(ROOT)})")
    kpis = subprocess.run(
        [str(DBT_PYTHON), str(ROOT / "scripts/demo_kpis.py"), str(WAREHOUSE)],
        capture_output=True,
        text=True,
        check=False,
    )
    if kpis.returncode != 0:
        raise DemoError(f"could not read the marts of {WAREHOUSE.relative_to(ROOT)}:\n{kpis.stderr[-2000:]}")
    print(kpis.stdout, end="")


def main() -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="wolkvox-demo-") as url_dir:
            demo(Path(url_dir))
    except DemoError as error:
        print(f"make demo: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
