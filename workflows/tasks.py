"""Celery jobs of the workflow app. Without a broker they run eagerly, in-process."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="workflows.verify_audit")
def verify_audit() -> int:
    """Walk the audit chain and record the outcome (daily from beat, or on an auditor's
    request); returns the AuditCheck's id."""
    from .audit import verify_and_record

    return verify_and_record().pk
