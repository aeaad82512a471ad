"""The README's generated tables: the streams (from the stream declarations) and the settings
(`tap-wolkvox --about --format=markdown`).

    python scripts/readme_tables.py          # rewrite both tables in README.md
    python scripts/readme_tables.py --check  # exit 1 if README.md differs (tests/test_readme.py)
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _what(stream: type) -> str:
    """The first sentence of a stream's docstring, without its leading name."""
    first = (stream.__doc__ or "").strip().splitlines()[0]
    first = re.sub(r"^`[a-z_0-9]+`[:.]\s*", "", first)
    return first.split(". Key")[0].rstrip(".")


def _lookback(stream: type) -> str:
    lookback = getattr(stream, "min_lookback", None)
    if lookback is None:
        return "full table"
    if not lookback:
        return "`lookback_minutes`"
    minutes = lookback / dt.timedelta(minutes=1)
    if minutes < 60:
        return f"{minutes:g} min"
    return f"{minutes / 60:g} h" if minutes < 24 * 60 else f"{minutes / 1440:g} day"


def streams_table() -> list[str]:
    from tap_wolkvox.tap import STREAM_TYPES  # noqa: PLC0415  (the script runs without the tap too)

    rows = ["| stream | what | read on | partition | primary key | lookback |", "|---|---|---|---|---|---|"]
    for stream in STREAM_TYPES:
        report = hasattr(stream, "api")
        read_on = f"`{stream.filter_field}`" if report else "–"
        partition = getattr(stream, "partition_param", None)
        kind = getattr(stream, "campaign_type", None)
        where = f"`{partition}`" + (f" ({kind})" if kind else "") if partition else "–"
        keys = ", ".join(stream.primary_keys)
        rows.append(
            f"| `{stream.name}` | {_what(stream)} | {read_on} | {where} | {keys} | {_lookback(stream)} |"
        )
    return rows


def settings_table() -> list[str]:
    about = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tap_wolkvox.tap import TapWolkvox; TapWolkvox.cli()",
            "--about",
            "--format=markdown",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return table_after(about, "| Setting |")


def table_after(markdown: str, header: str) -> list[str]:
    """The Markdown table that starts with the line `header`."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return table


def with_tables(readme: str) -> str:
    """`readme` with both generated tables replaced by what the code says today."""
    for header, table in (("| stream |", streams_table()), ("| Setting |", settings_table())):
        old = "\n".join(table_after(readme, header))
        readme = readme.replace(old, "\n".join(table), 1)
    return readme


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md's tables are stale")
    args = parser.parse_args()
    current = README.read_text(encoding="utf-8")
    wanted = with_tables(current)
    if args.check:
        if wanted != current:
            print("README.md's tables are stale: run `python scripts/readme_tables.py`", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
