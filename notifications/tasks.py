"""Celery tasks. The work is in delivery.py; these are the thin entry points that the
after-commit hook and Celery beat call. Reminders are the workflow's (workflows.tasks)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notifications.deliver", acks_late=True)
def deliver(ids: list[int]) -> int:
    from django.conf import settings

    from .delivery import deliver_rows

    return deliver_rows(ids, fill_to=settings.NOTIFICATIONS_BATCH_SIZE)


@shared_task(name="notifications.sweep")
def sweep() -> int:
    from .delivery import sweep as run

    return run()


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    from .delivery import send_digests as run

    return run()
