#!/usr/bin/env bash
# The deployment the README describes under "Audit trail": migrate as the tables' owner
# (MIGRATE_DATABASE_URL), which creates and grants the restricted role (APP_DATABASE_ROLE); then
# the service, as that role, loads the demo province through the one door and walks the chain;
# the role is refused TRUNCATE and DISABLE TRIGGER on the audit trail.
# usage: scripts/restricted_role_smoke.sh OWNER_DATABASE_URL   (an empty database; PostgreSQL,
# the owner may create roles). The role (dvk_smoke_<pid>) is dropped at the end.
set -euo pipefail
BIN="${BIN:-.venv/bin}"
cd "$(dirname "$0")/.."
owner_url="$1"
role="dvk_smoke_$$"
app_url="$("$BIN/python" -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); host = p.hostname + (f":{p.port}" if p.port else "")
print(u.urlunsplit((p.scheme, f"{sys.argv[2]}@{host}", p.path, p.query, "")))' "$owner_url" "$role")"
checkpoints="$(mktemp -d)"
cleanup() {
  psql "$owner_url" -qAt -c "DROP OWNED BY $role" >/dev/null 2>&1 || true
  psql "$owner_url" -qAt -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
  rm -rf "$checkpoints"
}
trap cleanup EXIT
export DATABASE_URL="$app_url" MIGRATE_DATABASE_URL="$owner_url" APP_DATABASE_ROLE="$role"
export AUDIT_CHECKPOINT_DIR="$checkpoints"
"$BIN/python" manage.py migrate --noinput -v0   # as the owner; grants the role after
test "$(psql "$app_url" -qAt -c 'SELECT current_user')" = "$role"
"$BIN/python" manage.py load_demo >/dev/null       # as the role
"$BIN/python" manage.py verify_audit
for sql in "TRUNCATE workflows_auditentry" \
           "ALTER TABLE workflows_auditentry DISABLE TRIGGER ALL" \
           "DELETE FROM workflows_auditentry" \
           "UPDATE workflows_auditentry SET comment = ''"; do
  if psql "$app_url" -qAt -v ON_ERROR_STOP=1 -c "$sql" >/dev/null 2>&1; then
    echo "!! the service's role was allowed: $sql"; exit 1
  fi
done
test -s "$checkpoints"/*.jsonl
echo "== restricted role $role: appends and verifies; TRUNCATE, DISABLE TRIGGER, DELETE, UPDATE refused"
