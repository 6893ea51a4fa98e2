"""What the readiness endpoint and /metrics report about the whole deployment, read from the
database and the broker at the moment they are asked (the same answer from every process).

Each read is one indexed query: the outbox's unsent rows (partial index `outbox_unsent`), its
failed rows (`outbox_failed`), open tasks past due (`task_open_due`), the last audit check."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from notifications.models import Outbox
from workflows.models import AuditCheck, InitiativeTask

OPEN_TASK = ("NEW", "ASSIGNED", "STARTED")
UNSENT = (Outbox.Status.PENDING, Outbox.Status.SENDING)


@dataclass(frozen=True)
class OutboxState:
    pending: int
    sending: int
    oldest_age_seconds: float  # how long the oldest unsent row has waited (0 with none)
    failed: int  # rows given up after the last retry

    @property
    def backlog(self) -> int:
        return self.pending + self.sending


def outbox(now: datetime.datetime | None = None) -> OutboxState:
    now = now or timezone.now()
    unsent = Outbox.objects.filter(status__in=UNSENT).aggregate(
        pending=Count("pk", filter=Q(status=Outbox.Status.PENDING)),
        sending=Count("pk", filter=Q(status=Outbox.Status.SENDING)),
        oldest=Min("created"),
    )
    oldest = unsent["oldest"]
    return OutboxState(
        pending=unsent["pending"],
        sending=unsent["sending"],
        oldest_age_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        failed=Outbox.objects.filter(status=Outbox.Status.FAILED).count(),
    )


def overdue_tasks(now: datetime.datetime | None = None) -> int:
    """Human tasks still open past their due date (what the inbox marks overdue)."""
    return (
        InitiativeTask.objects.filter(status__in=OPEN_TASK, due_at__lt=now or timezone.now())
        .exclude(role="")
        .count()
    )


def last_audit_check() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-checked_at", "-pk").first()


def broker_client():
    """A Redis client for the broker, or None when tasks run in-process."""
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )


# kombu's Redis transport keeps one list per priority step (0, 3, 6, 9) of a queue.
QUEUE_KEYS = [b"celery", *(b"celery\x06\x16" + str(step).encode() for step in (3, 6, 9))]


def celery_queue_length(client) -> int:
    """Messages waiting in Celery's default queue, not yet taken by a worker."""
    pipe = client.pipeline()
    for key in QUEUE_KEYS:
        pipe.llen(key)
    return sum(pipe.execute())
