"""Celery beat's scheduler: django-celery-beat's, installing the defaults only once.

The stock DatabaseScheduler writes every CELERY_BEAT_SCHEDULE entry back over the database at
each start, so a schedule an administrator changed in the admin would silently revert on the
next deploy. This one adds the entries that are missing and leaves the others alone.
"""

from __future__ import annotations

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler


class Scheduler(DatabaseScheduler):
    def update_from_dict(self, mapping: dict) -> None:
        existing = set(
            PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True)
        )
        super().update_from_dict({k: v for k, v in mapping.items() if k not in existing})
