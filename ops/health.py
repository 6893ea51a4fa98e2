"""Liveness and readiness, as load balancers and orchestrators read them: the status code says
it (200 serve me, 503 don't), the JSON body says why.

- /healthz (liveness): the process answers. Touches nothing else, so a slow database never
  gets a healthy process restarted.
- /readyz (readiness): this process can serve: the database answers and every migration is
  applied (503 otherwise). The rest is reported but does not take the instance out of the
  pool, because every instance shares it and notifications survive it (the outbox): Redis
  unreachable, an outbox backlog older than READY_OUTBOX_LAG_WARN_SECONDS, the last audit
  check failed or older than READY_AUDIT_CHECK_MAX_AGE_HOURS, next year without its audit
  partition or entries in the default one (decision 0015). Those set "status": "degraded".
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from . import state

_migrations_applied = False  # once true in a process it stays true (nothing unapplies them)


def liveness() -> tuple[int, dict]:
    return 200, {"status": "ok"}


def _migrations() -> dict:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            return {"status": "fail", "unapplied": len(unapplied)}
        _migrations_applied = True
    return {"status": "ok"}


def _redis() -> dict:
    client = state.broker_client()
    if client is None:
        return {"status": "ok", "detail": "no broker: tasks run in-process"}
    try:
        client.ping()
        return {"status": "ok", "celery_queue": state.celery_queue_length(client)}
    except Exception as exc:  # noqa: BLE001 - any broker error is reported, not raised
        return {"status": "warn", "detail": type(exc).__name__}
    finally:
        client.close()


def _outbox() -> dict:
    s = state.outbox()
    lag = round(s.oldest_age_seconds, 1)
    status = "warn" if lag > settings.READY_OUTBOX_LAG_WARN_SECONDS else "ok"
    return {"status": status, "backlog": s.backlog, "oldest_age_seconds": lag, "failed": s.failed}


def _audit() -> dict:
    check = state.last_audit_check()
    if check is None:
        return {"status": "warn", "detail": "never checked"}
    age_hours = (timezone.now() - check.checked_at).total_seconds() / 3600
    stale = age_hours > settings.READY_AUDIT_CHECK_MAX_AGE_HOURS
    return {
        "status": "ok" if check.ok and not stale else "warn",
        "ok": check.ok,
        "checked_at": check.checked_at.isoformat(),
        "age_hours": round(age_hours, 1),
    }


def _audit_partitions() -> dict:
    """Next year has its partition and the default one is empty (workflows.partitions)."""
    from workflows import partitions

    if not partitions.is_partitioned(connection):
        return {"status": "ok", "detail": "not partitioned (SQLite)"}
    parts = partitions.listing(connection)
    through = max((p.year for p in parts if p.year is not None), default=None)
    stray = sum(p.rows for p in parts if p.year is None)
    ready = through is not None and through > timezone.localdate().year and not stray
    return {"status": "ok" if ready else "warn", "through": through, "default_entries": stray}


def readiness() -> tuple[int, dict]:
    started = time.perf_counter()
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"status": "ok"}
        checks["migrations"] = _migrations()
        checks["outbox"] = _outbox()
        checks["audit"] = _audit()
        checks["audit_partitions"] = _audit_partitions()
    except DatabaseError as exc:
        checks["database"] = {"status": "fail", "detail": type(exc).__name__}
    checks["redis"] = _redis()
    statuses = {c["status"] for c in checks.values()}
    if "fail" in statuses:
        overall, code = "fail", 503
    else:
        overall, code = ("degraded" if "warn" in statuses else "ok"), 200
    took = round((time.perf_counter() - started) * 1000, 1)
    return code, {"status": overall, "checks": checks, "took_ms": took}
