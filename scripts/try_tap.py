"""Run tap-wolkvox against the local emulator and show what came out.

Starts the emulator on 127.0.0.1 with its clock fixed at NOW, runs `tap-wolkvox --config`
for 100 days of three campaigns with `end_date` NOW (so the emulator and the tap agree on
"now"), then runs it again from the STATE the first run wrote, one emulated hour later
(both clocks moved on), and prints a summary of both runs with the tap's API usage line.
Output files (config.json with the token, Singer output, logs) go to `output/try/` (gitignored).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from wolkvox_emulator import Emulator

OUT = Path("output/try")
NOW = dt.datetime(2026, 3, 1, 0, 0, 0)


def run(config: dict, state: dict | None, name: str) -> list[dict]:
    (OUT / "config.json").write_text(json.dumps(config, indent=2))
    args = [sys.executable, "-m", "tap_wolkvox", "--config", str(OUT / "config.json")]
    if state is not None:
        (OUT / "state.json").write_text(json.dumps(state))
        args += ["--state", str(OUT / "state.json")]
    out_file = OUT / f"{name}.jsonl"
    with out_file.open("wb") as out, (OUT / f"{name}.log").open("wb") as log:
        subprocess.run(args, stdout=out, stderr=log, check=True)
    return [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]


def usage_line(name: str) -> str:
    """The tap's `Wolkvox API usage: ...` line from the run's log."""
    found = re.findall(r"Wolkvox API usage: .*", (OUT / f"{name}.log").read_text(encoding="utf-8"))
    return found[-1] if found else "no 'Wolkvox API usage' line in the log"


def summarize(name: str, title: str, messages: list[dict]) -> dict:
    records = [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == "campaign_3"]
    state = [m["value"] for m in messages if m["type"] == "STATE"][-1]
    print(f"\n== {title}: {len(records)} records ==")
    print(f"  {usage_line(name)}")
    per_campaign = Counter(r["campaign_id"] for r in records)
    for campaign, count in sorted(per_campaign.items()):
        rows = [r for r in records if r["campaign_id"] == campaign]
        results = Counter(r["result"] for r in rows).most_common(3)
        span = f"{rows[0]['date']} .. {rows[-1]['date']} (UTC)"
        print(f"  campaign {campaign}: {count:>6} rows, {span}; top results {results}")
    if records:
        print("  one record:", json.dumps(records[0], ensure_ascii=False)[:300], "…")
    for partition in state["bookmarks"]["campaign_3"]["partitions"]:
        print(
            f"  bookmark campaign {partition['context']['campaign_id']}: {partition['replication_key_value']}"
        )
    return state


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(now=NOW, tokens=("demo-token",))
    url = emulator.start()
    print(f"emulator on {url}, its clock at {NOW} (America/Bogota)")
    config = {
        "token": "demo-token",
        "api_url": url,
        "campaign_ids": ["101", "202", "303"],
        "start_date": "2025-11-21T00:00:00",
        "end_date": NOW.isoformat(),
        "lookback_minutes": 15,
    }
    try:
        state = summarize("first", "first run (backfill)", run(config, None, "first"))
        emulator.advance(dt.timedelta(hours=1))
        config["end_date"] = emulator.local_now().isoformat()
        summarize(
            "second", "second run, one hour later, from the first run's state", run(config, state, "second")
        )
        calls = emulator.calls_to("campaign_3")
        print(f"\nAPI calls: {len(calls)} in all; Singer output and logs in {OUT}/")
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
