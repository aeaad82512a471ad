"""Build both distributions exactly as `.github/workflows/release.yml` does, for tests/test_package.py.

The Build and Inspect steps' commands are read from the workflow and run with GitHub's
`shell: bash` (`bash --noprofile --norc -eo pipefail`) in a copy of the repository's files, with a
fresh venv's `python` first on PATH, so a change to the workflow is what gets tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# README sizes vary; the Inspect step must pass with METADATA past a pipe's 64 KiB buffer.
METADATA_FLOOR = 100_000


@dataclass(frozen=True)
class Release:
    dist: Path
    output: str  # what the Build and Inspect steps printed
    returncode: int


def workflow_steps(*names: str) -> str:
    """The `run:` text of the release job's steps, in order."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8"))
    assert workflow["defaults"]["run"]["shell"] == "bash"
    steps = {s.get("name"): s for s in workflow["jobs"]["build"]["steps"]}
    return "\n".join(steps[name]["run"] for name in names)


def repository_copy(dest: Path) -> Path:
    """The files git would commit (tracked, or new and not ignored), symlinks kept as symlinks."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet committed
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    return dest


def fresh_venv(path: Path) -> Path:
    """A venv with pip, of the Python running the tests; its bin folder."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def release(work: Path) -> Release:
    """Both distributions in `work/repo/dist`, built and inspected by release.yml's own commands."""
    repo = repository_copy(work / "repo")
    readme = repo / "README.md"
    text = readme.read_text(encoding="utf-8")
    if len(text.encode()) < METADATA_FLOOR:
        padding = "\n\n## Padding of the release test\n\n" + "A line of the release test's padding.\n" * 3000
        readme.write_text(text + padding, encoding="utf-8")
    bin_dir = fresh_venv(work / "ci-venv")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(bin_dir.parent),
    }
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", workflow_steps("Build", "Inspect")],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Release(repo / "dist", result.stdout + result.stderr, result.returncode)


def clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH: a checkout on it would count as the tap already installed."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def build_wheel(out: Path) -> Path:
    """The tap's wheel, built without isolation (no download) from a copy, leaving the checkout clean."""
    source = repository_copy(out / "source")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    shutil.rmtree(source)
    (wheel,) = out.glob("tap_wolkvox-*.whl")
    return wheel


def clean_install(venv_dir: Path, *wheels: Path) -> Path:
    """A new venv with only these wheels and their dependencies (pinned by the lock); its bin folder."""
    bin_dir = fresh_venv(venv_dir)
    subprocess.run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "-c",
            str(ROOT / "requirements/lock.txt"),
            *map(str, wheels),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(),
    )
    return bin_dir


if __name__ == "__main__":  # python tests/built_dist.py: the release build alone, in a temporary folder
    built = release(Path(tempfile.mkdtemp(prefix="tap-wolkvox-release-")))
    print(built.output)
    sys.exit(built.returncode)
