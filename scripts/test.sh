#!/usr/bin/env bash
# The whole test suite: lint, then pytest. Uses PostgreSQL when DATABASE_URL says so, or when
# one answers on 127.0.0.1:5432; otherwise SQLite, and says loudly which tests it cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ -z "${DATABASE_URL:-}" ]; then
  if "$BIN/python" - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("host=127.0.0.1 port=5432 user=root dbname=postgres", connect_timeout=2).close()
PY
  then
    export DATABASE_URL="postgres://root@127.0.0.1:5432/danvankheo"
    echo "== tests on PostgreSQL at 127.0.0.1:5432 (set DATABASE_URL to choose another)"
  else
    echo "!! ============================================================================="
    echo "!! No PostgreSQL at 127.0.0.1:5432 and no DATABASE_URL: running on SQLite."
    echo "!! Tests that need PostgreSQL (row locks, the audit trigger, the Celery worker and"
    echo "!! fault tests, the API schema check) will be SKIPPED."
    echo "!! ============================================================================="
  fi
fi

# Browser tests (tests/e2e) drive Debian's chromium. Install it when missing and the machine
# allows it (root with apt); otherwise say so loudly: the browser tests then skip with that reason
# (CI sets REQUIRE_BROWSER=1, which turns the skip into a failure).
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the browser tests (apt-get install -y chromium)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
      || echo "!! apt-get could not install chromium"
  fi
  if [ ! -x "$CHROMIUM" ]; then
    echo "!! ============================================================================="
    echo "!! No chromium at $CHROMIUM and it cannot be installed here (needs root + apt)."
    echo "!! The browser tests (tests/e2e) will be SKIPPED. Install it with:"
    echo "!!     sudo apt-get install -y chromium     (or set CHROMIUM_PATH)"
    echo "!! ============================================================================="
  fi
fi

echo "== ruff"
"$BIN/ruff" check .

# Two processes by default (pytest-xdist): the browser, worker and fuzzing tests spend much of
# their time waiting, so two share two cores well. TEST_WORKERS=0 runs in this one process.
echo "== pytest (${TEST_WORKERS:-2} workers)"
exec "$BIN/python" -m pytest -n "${TEST_WORKERS:-2}" "$@"
