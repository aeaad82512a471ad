#!/usr/bin/env bash
# Headless Chromium for the dashboard's browser tests (tests/test_dashboard.py), from Debian/Ubuntu's
# packages: browsers that download their own builds (playwright's installer) cannot reach their servers.
# Does nothing when a Chromium is already there (or CHROMIUM names one). First time: about 2 minutes, 350 MB.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then
  exit 0
fi
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "== Installing Debian's chromium for the dashboard's browser tests (first time: about 2 minutes, 350 MB)"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "Chromium install failed: apt-get install chromium" >&2; exit 1; }
