"""Celery jobs of the workflow app. Without a broker they run eagerly, in-process."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="workflows.verify_audit")
def verify_audit() -> int:
    """Walk the audit chain and record the outcome (daily from beat, or on an auditor's
    request); returns the AuditCheck's id."""
    from .audit import verify_and_record

    return verify_and_record().pk


@shared_task(name="workflows.audit_checkpoint")
def audit_checkpoint() -> bool:
    """Check the entries appended since the last signed checkpoint and write a new one
    outside the database (beat, hourly); False (recorded and mailed) when the chain is broken."""
    from .audit import checkpoint

    return checkpoint().ok


# The reminders kept their first names: django-celery-beat's schedule rows name them.
@shared_task(name="notifications.remind_registration_deadline")
def remind_registration_deadline() -> int:
    from .reminders import remind_registration_deadline as run

    return len(run())


@shared_task(name="notifications.remind_overdue_tasks")
def remind_overdue_tasks() -> int:
    from .reminders import remind_overdue_tasks as run

    return sum(len(v) for v in run().values())


@shared_task(name="workflows.remind_nominations")
def remind_nominations() -> int:
    """Lower committees that have not nominated to the level above, before its deadline."""
    from .levels.reminders import remind_nominations as run

    return len(run())
