"""The release workflow's own Build and Inspect steps pass (as GitHub runs them, tests/built_dist.py);
they make two distributions, the tap and the emulator, each one top-level package with the LICENSE
and full metadata; the tap's wheel installs alone in a clean venv and runs; no development
dependency is published; the sdists carry no tests (theirs need the emulator, Meltano and
warehouses)."""

from __future__ import annotations

import email
import json
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from built_dist import ROOT, clean_env, clean_install, release
from packaging.specifiers import SpecifierSet

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EMULATOR_PYPROJECT = tomllib.loads((ROOT / "emulator/pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    built = release(tmp_path_factory.mktemp("release"))
    assert built.returncode == 0, f"release.yml's Build and Inspect steps failed:\n{built.output[-6000:]}"
    return built.dist


def test_the_release_workflow_builds_and_inspects_both_distributions(dist):
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [
            f"tap_wolkvox-{PYPROJECT['version']}-py3-none-any.whl",
            f"tap_wolkvox-{PYPROJECT['version']}.tar.gz",
            f"wolkvox_emulator-{EMULATOR_PYPROJECT['version']}-py3-none-any.whl",
            f"wolkvox_emulator-{EMULATOR_PYPROJECT['version']}.tar.gz",
        ]
    )
    # Released together from one tag, which the workflow checks against both.
    assert EMULATOR_PYPROJECT["version"] == PYPROJECT["version"]
    for wheel, package in (
        ("tap_wolkvox-*.whl", "tap_wolkvox"),
        ("wolkvox_emulator-*.whl", "wolkvox_emulator"),
    ):
        with zipfile.ZipFile(next(dist.glob(wheel))) as archive:
            top = {n.split("/")[0] for n in archive.namelist() if ".dist-info/" not in n}
        assert top == {package}
        with zipfile.ZipFile(next(dist.glob(wheel))) as archive:
            (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
            if package == "tap_wolkvox":  # the README padded past a pipe's buffer (built_dist.py)
                assert archive.getinfo(metadata).file_size > 65536


def test_the_tap_wheel_installs_alone_and_runs(dist, tmp_path):
    bin_dir = clean_install(tmp_path / "venv", next(dist.glob("tap_wolkvox-*.whl")))
    about = subprocess.run(
        [str(bin_dir / "tap-wolkvox"), "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    )
    assert json.loads(about.stdout)["version"] == PYPROJECT["version"]
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps({"token": "t", "server": "0004", "start_date": "2026-01-01"}), encoding="utf-8"
    )
    discover = subprocess.run(
        [str(bin_dir / "tap-wolkvox"), "--config", str(config), "--discover"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=clean_env(),
    )
    streams = {s["tap_stream_id"] for s in json.loads(discover.stdout)["streams"]}
    assert {"campaign_3", "campaigns", "agents"} <= streams
    # The emulator is not part of the tap's install; its own wheel brings it.
    probe = [str(bin_dir / "python"), "-c", "import wolkvox_emulator"]  # not from the checkout: cwd tmp
    assert (
        subprocess.run(probe, capture_output=True, check=False, env=clean_env(), cwd=tmp_path).returncode != 0
    )
    assert not (bin_dir / "wolkvox-emulator").exists()


def test_the_emulator_wheel_installs_alone_and_runs(dist, tmp_path):
    bin_dir = clean_install(tmp_path / "venv", next(dist.glob("wolkvox_emulator-*.whl")))
    usage = subprocess.run(
        [str(bin_dir / "wolkvox-emulator"), "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    )
    assert "--port" in usage.stdout
    probe = [str(bin_dir / "python"), "-c", "import tap_wolkvox"]
    assert (
        subprocess.run(probe, capture_output=True, check=False, env=clean_env(), cwd=tmp_path).returncode != 0
    )


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
    with zipfile.ZipFile(next(dist.glob("tap_wolkvox-*.whl"))) as archive:
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
    assert any(n.startswith("tap_wolkvox/") for n in names)
    assert not any(n.startswith(("tests/", "wolkvox_emulator/")) for n in names)


def test_development_dependencies_are_not_published(dist):
    metadata, _ = wheel_metadata(dist)
    assert metadata.get_all("Provides-Extra") is None
    requires = " ".join(metadata.get_all("Requires-Dist") or [])
    for dev_only in ("pytest", "ruff", "mypy", "fakesnow", "build"):
        assert dev_only not in requires


def sdist_names(dist: Path, pattern: str) -> set[str]:
    (sdist,) = dist.glob(pattern)
    with tarfile.open(sdist) as archive:
        return {Path(n).relative_to(Path(n).parts[0]).as_posix() for n in archive.getnames() if "/" in n}


def test_the_sdists_carry_the_license_and_the_sources_and_no_tests(dist):
    tap = sdist_names(dist, "tap_wolkvox-*.tar.gz")
    assert {"LICENSE", "README.md", "pyproject.toml", "tap_wolkvox/tap.py"} <= tap
    emulator = sdist_names(dist, "wolkvox_emulator-*.tar.gz")
    assert {"LICENSE", "README.md", "pyproject.toml", "wolkvox_emulator/server.py"} <= emulator
    for names in (tap, emulator):
        assert not any(n.startswith("tests/") or n.endswith("conftest.py") for n in names)
    assert not any(n.startswith("wolkvox_emulator/") for n in tap)
    # The emulator's sdist carries the files, not the repository's symlinks.
    with tarfile.open(next(dist.glob("wolkvox_emulator-*.tar.gz"))) as archive:
        assert not any(m.issym() for m in archive.getmembers())
