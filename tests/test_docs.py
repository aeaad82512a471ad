"""docs/ stays true to the code: every module is named in design.md, and every relative link of
the README and docs/ points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_design_names_every_module_of_the_tap():
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    code = design[design.index("## The code") :]
    modules = sorted(p for p in (ROOT / "tap_wolkvox").glob("*.py") if p.name != "__init__.py")
    assert modules
    missing = [p.name for p in modules if f"`tap_wolkvox/{p.name}`" not in code]
    assert missing == []


def test_relative_links_point_at_files_that_exist():
    for page in [ROOT / "README.md", *DOCS]:
        for target in re.findall(r"\]\(([^)#:]+?)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to {target}"
