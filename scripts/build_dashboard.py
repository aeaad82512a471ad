"""Build the coordinator's dashboard from the analytics marts: `make dashboard`, the last step of `make demo`.

Reads the `analytics` marts of a DuckDB warehouse (read-only) and writes one self-contained HTML file,
output/dashboard/index.html by default, then prints its path. Runs in the dashboard's venv
(.venv-dashboard, dashboard/requirements.txt).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the dashboard package lives beside the tap, not inside it

from dashboard.build import build  # noqa: E402
from dashboard.marts import WarehouseError  # noqa: E402
from dashboard.settings import Settings, SettingsError, Thresholds, parse_day  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    defaults = Thresholds()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "output/warehouse.duckdb")
    parser.add_argument("--out", type=Path, default=ROOT / "output/dashboard", help="folder for index.html")
    parser.add_argument("--date", help="the day to show, YYYY-MM-DD (default: the latest day in the marts)")
    parser.add_argument(
        "--ready-max",
        type=float,
        default=defaults.ready_max,
        help="alert when ready time is above this share of logged time (default %(default)s)",
    )
    parser.add_argument(
        "--aux-max",
        type=float,
        default=defaults.aux_max,
        help="alert when aux time is above this share of logged time (default %(default)s)",
    )
    parser.add_argument(
        "--uncoded-max",
        type=float,
        default=defaults.uncoded_max,
        help="alert when uncoded calls or chats are above this share (default %(default)s)",
    )
    parser.add_argument(
        "--effectiveness-min",
        type=float,
        default=defaults.effectiveness_min,
        help="alert when voice or digital effectiveness is below this (default %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        settings = Settings(
            thresholds=Thresholds(args.ready_max, args.aux_max, args.uncoded_max, args.effectiveness_min),
            day=parse_day(args.date) if args.date else None,
        )
        page = build(args.warehouse, args.out, settings)
    except (SettingsError, WarehouseError) as exc:
        print(f"Dashboard not built: {exc}", file=sys.stderr)
        return 2
    print(f"Dashboard: {page}  (open it in a browser: file://{page})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
