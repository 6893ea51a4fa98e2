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
    echo "!! Tests that need PostgreSQL (row locks, audit trigger) will be SKIPPED."
    echo "!! ============================================================================="
  fi
fi

echo "== ruff"
"$BIN/ruff" check .

echo "== pytest"
exec "$BIN/python" -m pytest "$@"
