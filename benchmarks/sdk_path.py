"""The Singer SDK's share: the tap's records, built in advance, sent through the SDK alone.

    python benchmarks/sdk_path.py CONFIG CATALOG RECORDS_JSONL OUT

Reads the RECORD messages of RECORDS_JSONL (a tap run's output), then runs the tap with the
same config and catalog, except that each report stream's rows come from that list (a fresh
copy of each record) instead of the API. What remains is the SDK's per-record path:
`Stream._sync_records`, stream maps, message building, and the tap's own writer. Prints the
seconds that took (CPU of this process) and the records sent.
"""

from __future__ import annotations

import json
import sys
import time
import typing as t
from pathlib import Path

from tap_wolkvox import report
from tap_wolkvox.tap import TapWolkvox


def main() -> None:
    config_path, catalog_path, records_path, out_path = sys.argv[1:5]
    with open(records_path, "rb") as handle:
        records = [json.loads(line)["record"] for line in handle if line.startswith(b'{"type":"RECORD"')]

    def prebuilt(self: report.WolkvoxReportStream, context: t.Any) -> t.Iterator[dict]:
        for record in records:
            yield dict(record)

    report.WolkvoxReportStream.request_records = prebuilt  # type: ignore[method-assign]
    config = json.loads(Path(config_path).read_text())
    catalog = json.loads(Path(catalog_path).read_text())
    tap = TapWolkvox(config=config, catalog=catalog, parse_env_config=False)
    with open(out_path, "w") as out:
        stdout, sys.stdout = sys.stdout, out
        try:
            started = time.process_time()
            tap.sync_all()
            sys.stdout.flush()
            seconds = time.process_time() - started
        finally:
            sys.stdout = stdout
    print(json.dumps({"seconds": seconds, "records": len(records)}))


if __name__ == "__main__":
    main()
