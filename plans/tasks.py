"""Celery jobs of plans and periodic reports. Without a broker they run eagerly, in-process."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="plans.remind_filings")
def remind_filings() -> int:
    from .reminders import remind_filings as run

    return sum(len(v) for v in run().values())


@shared_task(name="plans.open_current_periods")
def open_current_periods() -> int:
    from .services import open_current_periods as run

    return len(run())
