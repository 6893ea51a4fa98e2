"""What workflows call to have something said. Delivery is this app's business."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Outbox


@dataclass(frozen=True)
class Message:
    recipient_id: int
    reason: str


def enqueue(*, event: str, subject_id: int, messages: Iterable[Message], payload: dict) -> int:
    """Write one outbox row per recipient (deduplicated) inside the caller's transaction."""
    seen: set[int] = set()
    rows = []
    for message in messages:
        if message.recipient_id in seen:
            continue
        seen.add(message.recipient_id)
        rows.append(
            Outbox(
                recipient_id=message.recipient_id,
                event=event,
                reason=message.reason,
                subject_id=subject_id,
                payload=payload,
            )
        )
    Outbox.objects.bulk_create(rows)
    return len(rows)
