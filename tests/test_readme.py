"""The README's tables are what the code says: the settings table is what `tap-wolkvox --about
--format=markdown` prints, and the streams table is built from the stream declarations
(`scripts/readme_tables.py` rewrites both)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tap_wolkvox.tap import STREAM_TYPES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_spec = importlib.util.spec_from_file_location("readme_tables", ROOT / "scripts" / "readme_tables.py")
assert _spec and _spec.loader
readme_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_tables)


def test_readme_settings_table_matches_about_output():
    readme = README.read_text(encoding="utf-8")
    assert readme_tables.table_after(readme, "| Setting |") == readme_tables.settings_table()


def test_readme_streams_table_matches_the_declarations():
    readme = README.read_text(encoding="utf-8")
    table = readme_tables.streams_table()
    assert readme_tables.table_after(readme, "| stream |") == table
    assert len(table) == 2 + len(STREAM_TYPES)  # header, rule, one line per stream


def test_readme_is_short_and_links_only_to_files_that_exist():
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    for target in readme_tables.re.findall(r"\]\(((?:docs/)?[\w.-]+\.md)(?:#[\w-]+)?\)", readme):
        assert (ROOT / target).is_file(), target
