"""A throwaway PostgreSQL server for the end-to-end tests: the machine's own binaries, a temporary
data folder, a free port on 127.0.0.1, trust authentication, stopped and deleted afterwards.

`initdb` refuses to run as root, so as root the server runs as the `postgres` system user (which
Debian's `postgresql` package creates). Where no server can be had, the test fails and says what
to install: it is never skipped.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, postgres, psql) were not found. Install them with "
    "`bash scripts/install-postgres.sh` (Debian/Ubuntu: `apt-get install -y postgresql`), "
    "or point POSTGRES_BINDIR at a folder that holds them."
)


def bindir() -> Path:
    """The folder of initdb/postgres/psql: POSTGRES_BINDIR, Debian's versioned folder, or PATH."""
    candidates = []
    if os.environ.get("POSTGRES_BINDIR"):
        candidates.append(Path(os.environ["POSTGRES_BINDIR"]))
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    candidates += [Path(p) for p in reversed(versions)]
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb")).parent)  # type: ignore[arg-type]
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "postgres", "psql")):
            return folder
    pytest.fail(INSTALL_HINT)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One running server; `sql()` runs a query with psql and returns its rows."""

    def __init__(self, timezone: str = "UTC") -> None:
        self.bin = bindir()
        self.port = free_port()
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                pytest.fail("Running as root needs `runuser` (util-linux) to start PostgreSQL as `postgres`")
            self.as_postgres = [runuser, "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="tap-wolkvox-pg-"))
        self.data = self.folder / "data"
        if self.as_postgres:
            shutil.chown(self.folder, user="postgres")
        self._run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
            "--locale=C",
            "--no-sync",
        )
        self.process = subprocess.Popen(
            [
                *self.as_postgres,
                str(self.bin / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.folder}",
                "-c",
                f"timezone={timezone}",
                "-c",
                "fsync=off",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "server.log", "w"),
        )
        deadline = time.monotonic() + 30
        while True:
            probe = subprocess.run(
                [str(self.bin / "psql"), *self.args(), "-c", "select 1"], capture_output=True, check=False
            )
            if probe.returncode == 0:
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
                self.stop()
                pytest.fail(f"PostgreSQL did not start:\n{log}")
            time.sleep(0.2)

    def _run(self, command: list[str], *extra: str) -> None:
        result = subprocess.run(
            [*self.as_postgres, *command, *extra], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            self.stop()
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    def args(self, database: str = "postgres") -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]

    def sql(self, query: str) -> list[tuple[str, ...]]:
        """Rows of a query, each a tuple of texts (NULL as None)."""
        out = subprocess.run(
            [
                str(self.bin / "psql"),
                *self.args(),
                "-X",
                "-A",
                "-t",
                "-F",
                "\x1f",
                "-P",
                "null=\x1e",
                "-c",
                query,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PGTZ": "UTC"},
        ).stdout
        return [
            tuple(None if value == "\x1e" else value for value in line.split("\x1f"))
            for line in out.splitlines()
            if line
        ]

    def stop(self) -> None:
        process = getattr(self, "process", None)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
