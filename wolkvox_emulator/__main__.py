"""`wolkvox-emulator --port 8080`: serve the emulator on 127.0.0.1 until interrupted.

It serves every report of `wolkvox_emulator/reports.py` and the `information.php` lists (see
`wolkvox_emulator/server.py`).

Exit status: 0 when stopped (SIGTERM, Ctrl-C); 3 when the port is already in use; 2 for a bad
command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import signal
import sys
import threading

from wolkvox_emulator.reports import REPORTS
from wolkvox_emulator.server import Emulator, Fault

PORT_IN_USE = 3
"""Exit status when `--port` is taken."""


def write_atomically(path: str, text: str) -> None:
    """Write `text` to `path` so that a reader never sees it half-written."""
    partial = f"{path}.partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="wolkvox-emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic data")
    parser.add_argument("--token", action="append", help="accepted token (repeatable); default demo-token")
    parser.add_argument("--now", help="fixed local clock, e.g. 2026-03-01T00:00:00; default: real time")
    parser.add_argument("--timezone", default="America/Bogota", help="the operation's time zone")
    parser.add_argument("--licences", type=int, default=1, help="daily quota is licences × 1000 calls")
    parser.add_argument("--faults", help='JSON list of faults, e.g. [{"on_call": 2, "kind": "reset"}]')
    parser.add_argument(
        "--density",
        action="append",
        default=[],
        metavar="API=N",
        help="rows per hour of one report (repeatable), e.g. cdr_1=300; see wolkvox_emulator/reports.py",
    )
    parser.add_argument(
        "--url-file",
        help="write the base URL to this file once serving (atomically: it is complete when seen)",
    )
    args = parser.parse_args(argv)
    density: dict[str, int] = {}
    for item in args.density:
        api, _, rows = item.partition("=")
        if api not in REPORTS or not rows.isdigit():
            parser.error(f"--density {item}: expected API=N with API one of {sorted(REPORTS)}")
        density[api] = int(rows)

    emulator = Emulator(
        seed=args.seed,
        tokens=tuple(args.token or ["demo-token"]),
        timezone=args.timezone,
        now=dt.datetime.fromisoformat(args.now) if args.now else None,
        licences=args.licences,
        faults=[Fault(**fault) for fault in json.loads(args.faults)] if args.faults else [],
        density=density,
    )
    try:
        url = emulator.start(args.port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"wolkvox-emulator: port {args.port} on 127.0.0.1 is already in use, by another program or "
            "an emulator still running. Stop it, or choose another port: --port N (0: any free port).",
            file=sys.stderr,
        )
        sys.exit(PORT_IN_USE)
    if args.url_file:
        write_atomically(args.url_file, url)
    print(
        f"wolkvox-emulator serving {url} (campaigns {[c.campaign_id for c in emulator.campaigns]})",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    emulator.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
