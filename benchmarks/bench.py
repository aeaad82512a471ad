"""`make bench`: tap-wolkvox against the hand-written floor, peak memory, and API calls.

Prints figures; asserts nothing. Everything runs against the local emulator on 127.0.0.1.

1. Throughput: 5 windows of ~58,000 rows (≈290,000 rows), the tap as a whole process
   writing to a file vs `floor.py` fetching the same windows; alternating, the median of
   `--runs` runs each. The emulator keeps its encoded answers, so both measure the client.
2. Peak RSS of the tap for one ≈22 MB answer and for one ≈256 MB answer.
3. API calls of a 100-day, three-campaign backfill against the minimum,
   Σ over campaigns of max(⌈days / 31⌉, ⌈rows / 60,000⌉); and of a 5-minute incremental run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wolkvox_emulator import Campaign, Emulator

TOKEN = "bench-token"
HERE = Path(__file__).resolve().parent
NOW = dt.datetime(2026, 9, 1)


def tap_config(
    emulator: Emulator, work: Path, campaigns: list[str], start: dt.datetime, end: dt.datetime
) -> Path:
    config = {
        "token": TOKEN,
        "api_url": emulator.url,
        "campaign_ids": campaigns,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "request_timeout": 300,
    }
    path = work / "config.json"
    path.write_text(json.dumps(config))
    return path


def catalog_of(config: Path, work: Path) -> Path:
    """campaign_3 only, as meltano.yml selects it (no campaign-list call)."""
    out = subprocess.run([sys.executable, "-m", "tap_wolkvox", "--config", str(config), "--discover"],
                         capture_output=True, check=True).stdout  # fmt: skip
    catalog = json.loads(out)
    for entry in catalog["streams"]:
        for md in entry["metadata"]:
            if md["breadcrumb"] == []:
                md["metadata"]["selected"] = entry["tap_stream_id"] == "campaign_3"
    path = work / "catalog.json"
    path.write_text(json.dumps(catalog))
    return path


def run_measured(args: list[str], out: Path) -> float:
    """Wall seconds of one child process writing stdout to `out`."""
    env = {**os.environ, "LOGLEVEL": "WARNING"}
    with out.open("wb") as stdout:
        started = time.perf_counter()
        subprocess.run(args, stdout=stdout, stderr=subprocess.DEVNULL, check=True, env=env)
        return time.perf_counter() - started


def tap_command(config: Path, work: Path, peak_file: Path | None = None) -> list[str]:
    """`python -m tap_wolkvox` with campaign_3 selected; under `peak_rss.py` if `peak_file`."""
    runner = [str(HERE / "peak_rss.py"), str(peak_file)] if peak_file else ["-m"]
    catalog = catalog_of(config, work)
    return [sys.executable, *runner, "tap_wolkvox", "--config", str(config), "--catalog", str(catalog)]


def count_records(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b'{"type":"RECORD"'))


def throughput(work: Path, runs: int) -> None:
    emulator = Emulator(
        now=NOW, tokens=(TOKEN,), cache_bodies=True, campaigns=[Campaign("701", "Bench", rows_per_hour=78)]
    )
    emulator.start()
    try:
        start = dt.datetime(2026, 1, 1)
        end = start + dt.timedelta(days=155) - dt.timedelta(seconds=1)
        config = tap_config(emulator, work, ["701"], start, end)
        tap = tap_command(config, work)
        run_measured(tap, work / "tap.jsonl")  # warm-up: fills the emulator's cache
        windows = [
            {k: c.params[k] for k in ("campaign_id", "date_ini", "date_end")}
            for c in emulator.calls_to("campaign_3")
        ]
        floor = [
            sys.executable,
            str(HERE / "floor.py"),
            emulator.url,
            TOKEN,
            json.dumps(windows),
            str(work / "floor.jsonl"),
        ]
        run_measured(floor, work / "floor.out")
        tap_rates, floor_rates = [], []
        for _ in range(runs):
            seconds = run_measured(tap, work / "tap.jsonl")
            tap_rates.append(count_records(work / "tap.jsonl") / seconds)
            seconds = run_measured(floor, work / "floor.out")
            floor_rates.append(count_records(work / "floor.jsonl") / seconds)
        rows = count_records(work / "tap.jsonl")
        tap_rate, floor_rate = statistics.median(tap_rates), statistics.median(floor_rates)
        print(f"throughput ({rows} rows in {len(windows)} answers, median of {runs}):")
        print(f"  tap   {tap_rate:>10,.0f} records/s")
        print(f"  floor {floor_rate:>10,.0f} records/s")
        print(f"  ratio tap/floor {tap_rate / floor_rate:.2f}")
    finally:
        emulator.stop()


def peak_rss(work: Path) -> None:
    print("peak RSS of the tap for one answer:")
    for label, padding in (("60,000-row", 0), ("256 MB", 3900)):
        big = Campaign("801", "Big", rows_per_hour=78, opt_padding=padding)
        emulator = Emulator(now=NOW, tokens=(TOKEN,), cache_bodies=True, campaigns=[big])
        emulator.start()
        try:
            start = dt.datetime(2026, 1, 1)
            config = tap_config(
                emulator, work, ["801"], start, start + dt.timedelta(days=31) - dt.timedelta(seconds=1)
            )
            run_measured(tap_command(config, work, work / "peak"), work / "big.jsonl")
            rss = int((work / "peak").read_text())
            answer = emulator._bodies[next(iter(emulator._bodies))]
            print(f"  {label} answer: {len(answer[1]) / 1e6:.0f} MB, {answer[0]} rows, "
                  f"{len(emulator.calls)} call(s): peak RSS {rss / 1024:.0f} MiB")  # fmt: skip
        finally:
            emulator.stop()


def calls(work: Path) -> None:
    densities = {"101": 12, "202": 120, "303": 5}
    emulator = Emulator(
        now=NOW, tokens=(TOKEN,), campaigns=[Campaign(c, c, rows_per_hour=r) for c, r in densities.items()]
    )
    emulator.start()
    try:
        start = dt.datetime(2026, 3, 1)
        end = start + dt.timedelta(days=100) - dt.timedelta(seconds=1)
        config = tap_config(emulator, work, list(densities), start, end)
        tap = tap_command(config, work)
        run_measured(tap, work / "calls.jsonl")
        used = len(emulator.calls_to("campaign_3"))
        minimum = sum(
            max(math.ceil(100 / 31), math.ceil(len(emulator.rows(c, start, end)) / 60_000)) for c in densities
        )
        print(f"API calls, 100-day backfill of 3 campaigns ({count_records(work / 'calls.jsonl')} rows):")
        print(f"  used {used}, minimum {minimum}, ratio {used / minimum:.2f}")
        state = [
            json.loads(line)
            for line in (work / "calls.jsonl").read_text().splitlines()
            if '"type":"STATE"' in line
        ][-1]
        (work / "state.json").write_text(json.dumps(state["value"]))
        emulator.now = end + dt.timedelta(minutes=5, seconds=1)
        config = tap_config(emulator, work, list(densities), start, emulator.now)
        before = len(emulator.calls)
        run_measured([*tap, "--state", str(work / "state.json")], work / "incremental.jsonl")
        print(f"  an incremental run 5 minutes later: {len(emulator.calls) - before} calls for 3 campaigns")
    finally:
        emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each side for the throughput median")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        throughput(work, args.runs)
        peak_rss(work)
        calls(work)


if __name__ == "__main__":
    main()
