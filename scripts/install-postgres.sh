#!/usr/bin/env bash
# PostgreSQL server binaries for tests/test_meltano_postgres.py (Debian/Ubuntu).
# Does nothing when a server is already installed; the test starts and stops its own server
# (temporary data folder, 127.0.0.1, a free port), so the system service is not needed.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  exit 0
fi
if [ -n "${POSTGRES_BINDIR:-}" ] && [ -x "$POSTGRES_BINDIR/initdb" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq postgresql >/dev/null
# Debian starts a cluster on install where it can; the tests do not use it.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || { echo "PostgreSQL install failed" >&2; exit 1; }
