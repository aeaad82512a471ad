"""`make demo`: the emulator, `meltano run tap-wolkvox target-duckdb`, and a summary.

1. starts `wolkvox-emulator` on 127.0.0.1:18080 (the `demo` environment's `api_url`),
   on the real clock, so a second run finds the rows of the minutes in between;
2. runs `meltano run tap-wolkvox target-duckdb` in the `demo` environment;
3. prints rows per campaign and result, and the first and last `date`, from DuckDB,
   and the bookmarks from `meltano state get`;
4. stops the emulator.

Run it twice: the second run continues from the first run's state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MELTANO = Path(os.environ.get("MELTANO", ROOT / ".venv-meltano/bin/meltano"))
DUCKDB_PYTHON = ROOT / ".meltano/loaders/target-duckdb/venv/bin/python"  # has the pinned duckdb
WAREHOUSE = ROOT / "output/warehouse.duckdb"
STATE_ID = "demo:tap-wolkvox-to-target-duckdb"
ENV = {
    **os.environ,
    "MELTANO_ENVIRONMENT": "demo",
    "MELTANO_CLI_DISABLE_VERSION_CHECK": "true",
    "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
}


def wait_for(url: str) -> None:
    for _ in range(50):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310  (loopback)
        except urllib.error.HTTPError:
            return  # answering (401 without a token) is all we need
        except OSError:
            time.sleep(0.1)
        else:
            return
    raise SystemExit(f"the emulator did not start at {url}")


def summarize() -> None:
    subprocess.run([str(DUCKDB_PYTHON), str(ROOT / "scripts/duckdb_summary.py"), str(WAREHOUSE)], check=True)
    meltano_state = [str(MELTANO), "state", "get", STATE_ID]
    state = subprocess.run(
        meltano_state, cwd=ROOT, env=ENV, capture_output=True, text=True, check=True
    ).stdout
    for partition in json.loads(state)["singer_state"]["bookmarks"]["campaign_3"]["partitions"]:
        campaign, bookmark = partition["context"]["campaign_id"], partition["replication_key_value"]
        print(f"bookmark campaign {campaign}: {bookmark}")


def main() -> None:
    emulator = subprocess.Popen(
        [sys.executable, "-m", "wolkvox_emulator", "--port", "18080"], stdout=subprocess.DEVNULL
    )
    try:
        wait_for("http://127.0.0.1:18080/api/v2/information.php?api=campaigns")
        again = " (again: continuing from state)" if WAREHOUSE.exists() else ""
        print(f"== meltano run tap-wolkvox target-duckdb, environment demo{again}")
        subprocess.run([str(MELTANO), "run", "tap-wolkvox", "target-duckdb"], cwd=ROOT, env=ENV, check=True)
        summarize()
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


if __name__ == "__main__":
    main()
