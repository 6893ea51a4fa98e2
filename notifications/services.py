"""What workflows call to have something said, and what the bell's pages write.

Delivery itself (in-app, e-mail, webhook) is in notifications.delivery, run by Celery tasks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Notification, Outbox, Preference, Webhook

log = logging.getLogger(__name__)

# After a failed publish, skip the broker for a few seconds (per process): connecting to a
# broker that is down costs seconds, and the sweep delivers these rows once it is back.
_broker_down_until = 0.0


@dataclass(frozen=True)
class Message:
    recipient_id: int
    reason: str
    task_id: int | None = None  # the task the recipient now holds, for a link straight to it


def enqueue(
    *,
    event: str,
    subject_id: int,
    messages: Iterable[Message],
    payload: dict,
    subject_type: str = "initiative",
) -> int:
    """Write one outbox row per recipient (deduplicated, first reason wins) inside the caller's
    transaction, plus one per active webhook of the committee named in the payload; after
    commit a Celery task delivers them (the periodic sweep catches any the broker missed)."""
    by_recipient: dict[int, Outbox] = {}
    for message in messages:
        row = by_recipient.get(message.recipient_id)
        if row is not None:
            # Told once, for the first reason; a task named by a later reason still gets linked.
            row.task_id = row.task_id or message.task_id
            continue
        by_recipient[message.recipient_id] = Outbox(
            recipient_id=message.recipient_id,
            event=event,
            reason=message.reason,
            subject_type=subject_type,
            subject_id=subject_id,
            task_id=message.task_id,
            payload=payload,
        )
    rows = list(by_recipient.values())
    committee_id = payload.get("committee_id")
    if committee_id and subject_type == "initiative":
        for webhook_id in Webhook.objects.filter(
            committee_id=committee_id, is_active=True
        ).values_list("pk", flat=True):
            rows.append(
                Outbox(
                    webhook_id=webhook_id,
                    event=event,
                    reason="webhook",
                    subject_type=subject_type,
                    subject_id=subject_id,
                    payload=payload,
                )
            )
    if not rows:
        return 0
    created = Outbox.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk is not None]
    transaction.on_commit(lambda: dispatch(ids))
    return len(rows)


def dispatch(ids: list[int]) -> bool:
    """Hand rows to the worker. Never raises: a broker outage must not fail a transition that
    has already committed; the sweep re-enqueues what is still pending."""
    from .tasks import deliver

    global _broker_down_until
    if not ids:
        return True
    if time.monotonic() < _broker_down_until:
        return False  # it failed a moment ago: don't make every transition wait on it again
    try:
        deliver.delay(ids)
    except Exception:  # noqa: BLE001 - any broker error; the rows stay pending for the sweep
        _broker_down_until = time.monotonic() + settings.NOTIFICATIONS_BROKER_COOLDOWN_SECONDS
        log.warning("broker unavailable; %d outbox rows left for the sweep", len(ids))
        return False
    return True


def mark_read(user, ids: Iterable[int]) -> int:
    """Mark some of the user's own notifications read; others' ids are ignored."""
    return Notification.objects.filter(
        recipient=user, pk__in=list(ids), read_at__isnull=True
    ).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_for(user) -> Preference:
    """The person's preference, defaults (everything at once) when never saved."""
    pref = Preference.objects.filter(user=user).first()
    return pref or Preference(user=user)


def set_preference(user, *, in_app: str, email: str) -> Preference:
    pref, _ = Preference.objects.update_or_create(
        user=user, defaults={"in_app": in_app, "email": email}
    )
    return pref
