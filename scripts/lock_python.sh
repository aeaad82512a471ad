#!/usr/bin/env bash
# Write requirements/constraints-py<X.Y>.txt for another Python: the pins of
# requirements/constraints.txt (made on 3.11 by `make lock`), less those that do not install on
# that Python, which pip then resolves afresh. Usage: scripts/lock_python.sh /path/to/python3.X
set -euo pipefail
[ -n "${DEBUG:-}" ] && set -x
cd "$(dirname "$0")/.."
PYTHON=${1:?usage: scripts/lock_python.sh /path/to/python3.X}
VERSION=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q -U 'pip>=25.1'
grep -v '^#' requirements/constraints.txt > "$WORK/constraints.txt"
for _ in $(seq 1 20); do
  if "$WORK/venv/bin/python" -m pip install -c "$WORK/constraints.txt" -e . --group dev >"$WORK/err" 2>&1; then
    {
      echo "# Exact versions for Python $VERSION (CI's unit tests on $VERSION). Regenerate: scripts/lock_python.sh python$VERSION"
      "$WORK/venv/bin/python" -m pip freeze --all --exclude-editable | grep -v '^pip=='
    } > "requirements/constraints-py$VERSION.txt"
    echo "wrote requirements/constraints-py$VERSION.txt"
    exit 0
  fi
  # The pins pip could not install on this Python: drop them and let pip choose.
  bad=$(awk '/no matching distributions available for your environment:/ {f=1; next}
             f && /^    [^ ]/ {print $1; next} {f=0}' "$WORK/err")
  bad="$bad $(grep -oE 'Cannot install [A-Za-z0-9_.-]+==' "$WORK/err" | sed -E 's/Cannot install ([^=]+)==/\1/' || true)"
  bad="$bad $(grep -oE 'No matching distribution found for [A-Za-z0-9_.-]+' "$WORK/err" | awk '{print $NF}' || true)"
  dropped=0
  for name in $bad; do
    pattern="^${name//[-_.]/[-_.]}=="  # importlib-metadata matches importlib_metadata
    if grep -Eqi "$pattern" "$WORK/constraints.txt"; then
      grep -Evi "$pattern" "$WORK/constraints.txt" > "$WORK/next" && mv "$WORK/next" "$WORK/constraints.txt"
      echo "Python $VERSION: dropping the pin of $name" >&2
      dropped=1
    fi
  done
  if [ "$dropped" = 0 ]; then
    grep -v '^WARNING: Location' "$WORK/err" >&2
    exit 1
  fi
done
echo "gave up" >&2
exit 1
