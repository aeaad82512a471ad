"""The README's settings table is what `tap-wolkvox --about --format=markdown` prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def settings_table(markdown: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| Setting |")))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return table


def test_readme_settings_table_matches_about_output():
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
    assert settings_table(README.read_text(encoding="utf-8")) == settings_table(about)
