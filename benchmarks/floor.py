"""The hand-written floor: the fastest careful plain script doing the tap's per-row work.

    python benchmarks/floor.py URL TOKEN WINDOWS_JSON OUT

WINDOWS_JSON is a list of {"campaign_id", "date_ini", "date_end"}: the same calls the tap made.

What it does, per answer, like the tap:

- one GET on a kept-alive `http.client` connection, the whole body read into memory;
- `orjson.loads` of the body (faster than msgspec here: docs/performance.md);
- each row's `date`, naive local `YYYY-MM-DD HH:MM:SS`, converted to RFC 3339 UTC as the tap
  writes it (`2026-01-01T05:00:00+00:00`; null if it is not that shape), the sent text kept
  in `date_local`. Conversions are cached per local hour: an hour whose offset is the same
  at :00:00 and :59:59 and a whole number of hours only has its date and hour shifted;
  any other hour is converted second by second with `zoneinfo`;
- the rows sorted by UTC `date`, unparseable ones last (the tap's order within a window);
- one Singer RECORD line per row (`type`, `stream`, `record`, `time_extracted`, the tap's
  keys in the tap's order), the record encoded with msgspec (faster than orjson here) between
  constant byte framing, written to OUT once per answer.

What it does not do, and the tap does: stream the body through a disk spool so memory
stays flat whatever the answer's size; check that every value is a string or null;
detect cut (60,000-row) answers and split windows; retries, error taxonomy, pacing and
call budget; SCHEMA and STATE messages; Singer SDK machinery (catalog selection, stream
maps, metrics). Its `time_extracted` is taken once per answer (the tap's, by the SDK, once
per record).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import sys
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import msgspec
import orjson

TZ = ZoneInfo("America/Bogota")
UTC = dt.timezone.utc
MINUTES_SECONDS = frozenset(f":{m:02d}:{s:02d}" for m in range(60) for s in range(60))
DIGITS = frozenset("0123456789")


def hour_prefix(hour: str) -> str | None:
    """'YYYY-MM-DDTHH' in UTC for a local 'YYYY-MM-DD HH' with one whole-hour offset; None otherwise."""
    if (
        hour[4] != "-"
        or hour[7] != "-"
        or hour[10] != " "
        or not DIGITS.issuperset(hour[:4] + hour[5:7] + hour[8:10] + hour[11:])
    ):
        return None
    try:
        first = dt.datetime.fromisoformat(hour + ":00:00")
    except ValueError:
        return None
    offset = first.replace(tzinfo=TZ).utcoffset()
    last = first.replace(minute=59, second=59, tzinfo=TZ).utcoffset()
    if offset is None or offset != last or offset % dt.timedelta(hours=1):
        return None
    return (first - offset).isoformat()[:13]


def to_utc(local: object, hours: dict[str, str | None]) -> str | None:
    if not isinstance(local, str) or len(local) != 19 or local[13:] not in MINUTES_SECONDS:
        return None
    hour = local[:13]
    try:
        prefix = hours[hour]
    except KeyError:
        prefix = hours[hour] = hour_prefix(hour)
    if prefix is not None:
        return f"{prefix}{local[13:]}+00:00"
    if local[10] != " ":  # not the API's shape
        return None
    try:  # an hour with a change of offset, or a zone with a fractional-hour offset
        return dt.datetime.fromisoformat(local).replace(tzinfo=TZ).astimezone(UTC).isoformat()
    except ValueError:
        return None


def sort_key(row: dict) -> str:
    return row["date"] or "~"  # "~" sorts after every date: unparseable rows last


def main() -> None:
    url, token, windows_json, out_path = sys.argv[1:5]
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    encode = msgspec.json.Encoder().encode
    head = b'{"type":"RECORD","stream":"campaign_3","record":'
    hours: dict[str, str | None] = {}
    with open(out_path, "wb") as out:
        for params in json.loads(windows_json):
            query = urlencode({"api": "campaign_3", **params})
            connection.request(
                "GET", f"/api/v2/reports_manager.php?{query}", headers={"wolkvox-token": token}
            )
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                continue  # the bench's windows all have rows
            rows = orjson.loads(body).get("data") or []
            del body
            extracted = dt.datetime.now(UTC).isoformat().replace("+00:00", "Z")
            tail = f',"time_extracted":"{extracted}"}}\n'.encode()
            for row in rows:
                local = row.get("date")
                row["date"] = to_utc(local, hours)
                row["date_local"] = local
            rows.sort(key=sort_key)
            out.write(b"".join([head + encode(row) + tail for row in rows]))


if __name__ == "__main__":
    main()
