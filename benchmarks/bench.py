"""`make bench`: tap-wolkvox against the hand-written floor, peak memory, and API calls.

Prints figures; asserts nothing. Everything runs against the local emulator on 127.0.0.1.

1. Throughput: 6 answers of up to ~58,000 rows (≈290,000 rows), the tap as a whole process
   writing to a file vs `floor.py` (a plain script doing the same per-row work, see its
   docstring) fetching the same windows; alternating, min/median/max of `--runs` runs each,
   in wall-clock records/s and in records per CPU second (user + system of the child: less
   sensitive to other processes on the machine). The floor's records are checked to be the
   tap's. The emulator keeps its encoded answers, so both measure the client. Then the
   Singer SDK's share: the same records sent through the SDK alone (`sdk_path.py`).
2. Peak RSS of the tap for one ≈22 MB answer and for one ≈256 MB answer.
3. API calls of a 100-day, 12-campaign backfill against the minimum, in both `campaign_calls`
   modes: `all`, max(⌈days / 31⌉, ⌈all rows / 60,000⌉); `each`, Σ over campaigns of
   max(⌈days / 31⌉, ⌈rows / 60,000⌉). And of a 5-minute incremental run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
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
    emulator: Emulator,
    work: Path,
    campaigns: list[str],
    start: dt.datetime,
    end: dt.datetime,
    *,
    mode: str = "each",  # the floor reads one campaign per call too
) -> Path:
    config = {
        "token": TOKEN,
        "api_url": emulator.url,
        "campaign_ids": campaigns,
        "campaign_calls": mode,
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
    return run_timed(args, out)[0]


def run_timed(args: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one child process writing stdout to `out`."""
    env = {**os.environ, "LOGLEVEL": "WARNING"}
    with out.open("wb") as stdout:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(args, stdout=stdout, stderr=subprocess.DEVNULL, check=True, env=env)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def tap_command(config: Path, work: Path, peak_file: Path | None = None) -> list[str]:
    """`python -m tap_wolkvox` with campaign_3 selected; under `peak_rss.py` if `peak_file`."""
    runner = [str(HERE / "peak_rss.py"), str(peak_file)] if peak_file else ["-m"]
    catalog = catalog_of(config, work)
    return [sys.executable, *runner, "tap_wolkvox", "--config", str(config), "--catalog", str(catalog)]


def count_records(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b'{"type":"RECORD"'))


def records_of(path: Path) -> list[dict]:
    """The RECORD messages of a Singer output, without `time_extracted` (a clock, not data)."""
    with path.open("rb") as handle:
        messages = [json.loads(line) for line in handle if line.startswith(b'{"type":"RECORD"')]
    for message in messages:
        message.pop("time_extracted", None)
    return messages


def unique(records: list[dict]) -> list[str]:
    return sorted({json.dumps(record, sort_keys=True) for record in records})


def spread(values: list[float]) -> str:
    return f"{min(values):>8,.0f} {statistics.median(values):>8,.0f} {max(values):>8,.0f}"


def spread_ratio(values: list[float]) -> str:
    return f"{min(values):.2f} {statistics.median(values):.2f} {max(values):.2f}"


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
        # Windows share their edge second: the floor emits its rows twice, the tap once.
        same = unique(records_of(work / "tap.jsonl")) == unique(records_of(work / "floor.jsonl"))
        outputs = {"tap": (tap, work / "tap.jsonl"), "floor": (floor, work / "floor.jsonl")}
        wall: dict[str, list[float]] = {"tap": [], "floor": []}
        cpu: dict[str, list[float]] = {"tap": [], "floor": []}
        for _ in range(runs):
            for name, (args, records) in outputs.items():
                # The floor writes its records to a file of its own and nothing to stdout.
                seconds, cpu_seconds = run_timed(args, work / "floor.out" if name == "floor" else records)
                count = count_records(records)
                wall[name].append(count / seconds)
                cpu[name].append(count / cpu_seconds)
        rows = count_records(work / "tap.jsonl")
        print(f"throughput ({rows} rows in {len(windows)} answers, {runs} runs; min, median, max):")
        for label, rates in (("records/s", wall), ("records per CPU second", cpu)):
            ratios = [
                tap_rate / floor_rate
                for tap_rate, floor_rate in zip(rates["tap"], rates["floor"], strict=True)
            ]
            print(f"  {label}:")
            print(f"    tap   {spread(rates['tap'])}")
            print(f"    floor {spread(rates['floor'])}")
            print(f"    ratio tap/floor, run by run {spread_ratio(ratios)}")
        print(f"  the floor's records are the tap's (time_extracted aside): {'yes' if same else 'NO'}")
        sdk = sdk_share(config, work)
        tap_us, floor_us = (1e6 / statistics.median(cpu[name]) for name in ("tap", "floor"))
        print(f"  per record, CPU: the tap {tap_us:.1f} µs, of which the Singer SDK's per-record path "
              f"{sdk:.1f} µs ({sdk / tap_us:.0%}); the floor, all of it, {floor_us:.1f} µs")  # fmt: skip
    finally:
        emulator.stop()


def sdk_share(config: Path, work: Path) -> float:
    """µs per record of the SDK's per-record path alone (`sdk_path.py`), the best of 3 runs."""
    catalog = catalog_of(config, work)
    args = [sys.executable, str(HERE / "sdk_path.py"), str(config), str(catalog), str(work / "tap.jsonl")]
    runs = []
    for _ in range(3):
        result = subprocess.run([*args, str(work / "sdk.jsonl")], capture_output=True, check=True,
                                env={**os.environ, "LOGLEVEL": "WARNING"})  # fmt: skip
        figures = json.loads(result.stdout)
        runs.append(figures["seconds"] / figures["records"] * 1e6)
    return min(runs)


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
    """A 100-day backfill of 12 campaigns, then a run 5 minutes later, in each `campaign_calls` mode."""
    densities = {str(100 + n): rate for n, rate in enumerate([12, 120, 5, 40, 2, 60, 8, 30, 1, 90, 15, 25])}
    start = dt.datetime(2026, 3, 1)
    end = start + dt.timedelta(days=100) - dt.timedelta(seconds=1)
    for mode in ("all", "each"):
        emulator = Emulator(
            now=NOW,
            tokens=(TOKEN,),
            campaigns=[Campaign(c, c, rows_per_hour=r) for c, r in densities.items()],
        )
        emulator.start()
        try:
            rows = {c: len(emulator.rows(c, start, end)) for c in densities}
            if mode == "all":
                minimum = max(math.ceil(100 / 31), math.ceil(sum(rows.values()) / 60_000))
            else:
                minimum = sum(max(math.ceil(100 / 31), math.ceil(n / 60_000)) for n in rows.values())
            tap = tap_command(tap_config(emulator, work, list(densities), start, end, mode=mode), work)
            run_measured(tap, work / "calls.jsonl")
            used = len(emulator.calls_to("campaign_3"))
            total = sum(rows.values())
            print(f"API calls, campaign_calls={mode}, 100-day backfill of 12 campaigns ({total} rows):")
            print(f"  used {used}, minimum {minimum}, ratio {used / minimum:.2f}")
            state = [
                json.loads(line)
                for line in (work / "calls.jsonl").read_text().splitlines()
                if '"type":"STATE"' in line
            ][-1]
            (work / "state.json").write_text(json.dumps(state["value"]))
            emulator.now = end + dt.timedelta(minutes=5, seconds=1)
            tap = tap_command(
                tap_config(emulator, work, list(densities), start, emulator.now, mode=mode), work
            )
            before = len(emulator.calls)
            run_measured([*tap, "--state", str(work / "state.json")], work / "incremental.jsonl")
            print(
                f"  an incremental run 5 minutes later: {len(emulator.calls) - before} calls for 12 campaigns"
            )
        finally:
            emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each side for the throughput figures")
    parser.add_argument(
        "--only", choices=["throughput", "memory", "calls"], action="append", help="run only these parts"
    )
    args = parser.parse_args()
    parts = args.only or ["throughput", "memory", "calls"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "throughput" in parts:
            throughput(work, args.runs)
        if "memory" in parts:
            peak_rss(work)
        if "calls" in parts:
            calls(work)


if __name__ == "__main__":
    main()
