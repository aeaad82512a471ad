"""The hand-written floor: fetch, parse, convert dates and write Singer RECORD lines, nothing else.

    python benchmarks/floor.py URL TOKEN WINDOWS_JSON OUT

WINDOWS_JSON is a list of {"campaign_id", "date_ini", "date_end"}: the same calls the tap made.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

import msgspec
import requests

TZ = ZoneInfo("America/Bogota")


def main() -> None:
    url, token, windows_json, out_path = sys.argv[1:5]
    session = requests.Session()
    encoder = msgspec.json.Encoder()
    cache: dict[str, str] = {}  # the floor may cache conversions too: dates repeat
    with open(out_path, "wb") as out:
        for params in json.loads(windows_json):
            response = session.get(
                f"{url}/api/v2/reports_manager.php",
                params={"api": "campaign_3", **params},
                headers={"wolkvox-token": token},
                timeout=120,
            )
            rows = msgspec.json.decode(response.content).get("data") or []
            for row in rows:
                local = row["date"]
                utc = cache.get(local)
                if utc is None:
                    naive = dt.datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
                    utc = cache[local] = naive.replace(tzinfo=TZ).astimezone(dt.timezone.utc).isoformat()
                row["date_local"], row["date"] = local, utc
                out.write(encoder.encode({"type": "RECORD", "stream": "campaign_3", "record": row}))
                out.write(b"\n")


if __name__ == "__main__":
    main()
