"""Celery tasks; filled in by the delivery work."""

from celery import shared_task


@shared_task
def deliver(ids: list[int]) -> int:
    from .delivery import deliver_rows

    return deliver_rows(ids)
