"""`python -m build` makes an sdist and a wheel that carry the LICENSE and full metadata, and
publish no development dependencies. Built without isolation, from the installed build backend,
so nothing is downloaded."""

from __future__ import annotations

import email
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return out


def wheel_metadata(dist: Path) -> tuple[email.message.Message, list[str]]:
    (wheel,) = dist.glob("tap_wolkvox-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(metadata)), names


def test_the_wheel_carries_the_license_and_full_metadata(dist):
    metadata, names = wheel_metadata(dist)
    assert metadata["Name"] == "tap-wolkvox"
    assert metadata["Version"] == PYPROJECT["version"]
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
    with zipfile.ZipFile(next(dist.glob("*.whl"))) as archive:
        assert archive.read(licence) == (ROOT / "LICENSE").read_bytes()
    assert b"Apache License" in (ROOT / "LICENSE").read_bytes()
    assert SpecifierSet(metadata["Requires-Python"]) == SpecifierSet(PYPROJECT["requires-python"])
    assert set(metadata.get_all("Classifier")) == set(PYPROJECT["classifiers"])
    assert {"Programming Language :: Python :: 3.10", "Programming Language :: Python :: 3.13"} <= set(
        metadata.get_all("Classifier")
    )
    assert set(metadata["Keywords"].split(",")) == set(PYPROJECT["keywords"])
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Repository", "Issues", "Documentation"}
    assert metadata["Summary"] and metadata.get_payload().startswith("# tap-wolkvox")
    assert metadata["Description-Content-Type"] == "text/markdown"
    # Both entry points, and both packages, are in the wheel.
    assert any(n.startswith("tap_wolkvox/") for n in names)
    assert any(n.startswith("wolkvox_emulator/") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_development_dependencies_are_not_published(dist):
    metadata, _ = wheel_metadata(dist)
    assert metadata.get_all("Provides-Extra") is None
    requires = " ".join(metadata.get_all("Requires-Dist") or [])
    for dev_only in ("pytest", "ruff", "mypy", "fakesnow", "build"):
        assert dev_only not in requires


def test_the_sdist_carries_the_license_and_the_sources(dist):
    (sdist,) = dist.glob("tap_wolkvox-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {Path(n).relative_to(Path(n).parts[0]).as_posix() for n in archive.getnames() if "/" in n}
    assert {
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "tap_wolkvox/tap.py",
        "wolkvox_emulator/server.py",
    } <= names
