"""What workflows call to have something said, and what the bell's pages write.

Delivery itself (in-app, e-mail, webhook) is in notifications.delivery, run by Celery tasks.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import context, sql

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
    by_recipient = _by_recipient(messages)
    committee_id = _webhook_committee(subject_type, payload)
    if connection.vendor == "postgresql":
        ids = _insert_rows(event, subject_type, subject_id, payload, committee_id, by_recipient)
    else:
        ids = _create_rows(event, subject_type, subject_id, payload, committee_id, by_recipient)
    _dispatch_after_commit(ids)
    return len(ids)


def enqueue_deferred(
    *,
    event: str,
    subject_id: int,
    messages: Iterable[Message],
    payload: dict,
    subject_type: str = "initiative",
) -> sql.Deferred | None:
    """`enqueue`, its INSERT handed back to be sent with the caller's next statement
    (core.sql.fetch_with: the door's audit append), which saves it a round trip; the rows'
    delivery is set up when the rows come back. None when there is nothing to send, or when
    the rows were written at once (SQLite, server-side binding)."""
    if connection.vendor != "postgresql" or sql._server_side_binding():
        enqueue(
            event=event,
            subject_id=subject_id,
            messages=messages,
            payload=payload,
            subject_type=subject_type,
        )
        return None
    by_recipient = _by_recipient(messages)
    committee_id = _webhook_committee(subject_type, payload)
    params = _insert_params(event, subject_type, subject_id, payload, committee_id, by_recipient)
    if params is None:
        return None
    return sql.Deferred(
        _INSERT, params, lambda rows: _dispatch_after_commit([row[0] for row in rows])
    )


def _webhook_committee(subject_type: str, payload: dict) -> int | None:
    """Whose webhooks hear of the event: an initiative's committee, named in its payload."""
    return payload.get("committee_id") if subject_type == "initiative" else None


def _dispatch_after_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: dispatch_soon(ids))


def _by_recipient(messages: Iterable[Message]) -> dict[int, list]:
    by_recipient: dict[int, list] = {}
    for message in messages:
        row = by_recipient.get(message.recipient_id)
        if row is not None:
            # Told once, for the first reason; a task named by a later reason still gets linked.
            row[2] = row[2] or message.task_id
            continue
        by_recipient[message.recipient_id] = [message.recipient_id, message.reason, message.task_id]
    return by_recipient


# The recipients' rows and the committee's webhooks' rows in one statement, numbered in that
# order; the columns' defaults as the model states them.
_INSERT = """
INSERT INTO notifications_outbox
    (recipient_id, webhook_id, event, reason, subject_type, subject_id, task_id, payload,
     status, attempts, next_attempt_at, claim_token, last_error, in_app_state, email_state,
     created)
SELECT r.recipient_id, r.webhook_id, %(event)s, r.reason, %(subject_type)s, %(subject_id)s,
       r.task_id, %(payload)s::jsonb, 'pending', 0, %(now)s, NULL, '', '', '', %(now)s
  FROM (SELECT m.recipient_id, NULL::bigint AS webhook_id, m.reason, m.task_id, m.n
          FROM unnest(%(recipients)s::bigint[], %(reasons)s::text[], %(tasks)s::bigint[])
               WITH ORDINALITY AS m(recipient_id, reason, task_id, n)
        UNION ALL
        SELECT NULL, w.id, 'webhook', NULL, 2147483647 + w.id
          FROM notifications_webhook w
         WHERE w.committee_id = %(committee_id)s AND w.is_active) r
 ORDER BY r.n
RETURNING id
"""


def _insert_params(
    event, subject_type, subject_id, payload, committee_id, by_recipient
) -> dict | None:
    rows = list(by_recipient.values())
    if not rows and not committee_id:
        return None
    return {
        "event": event,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "payload": json.dumps(payload),
        "now": timezone.now(),
        "recipients": [r[0] for r in rows],
        "reasons": [r[1] for r in rows],
        "tasks": [r[2] for r in rows],
        "committee_id": committee_id,
    }


def _insert_rows(event, subject_type, subject_id, payload, committee_id, by_recipient) -> list:
    params = _insert_params(event, subject_type, subject_id, payload, committee_id, by_recipient)
    if params is None:
        return []
    return [row[0] for row in sql.fetchall(_INSERT, params)]


def _create_rows(event, subject_type, subject_id, payload, committee_id, by_recipient) -> list:
    """The same rows through the ORM (SQLite, the embedded default)."""
    common = {"event": event, "subject_type": subject_type, "subject_id": subject_id}
    rows = [
        Outbox(recipient_id=pk, reason=reason, task_id=task_id, payload=payload, **common)
        for pk, reason, task_id in by_recipient.values()
    ]
    if committee_id:
        for webhook_id in Webhook.objects.filter(
            committee_id=committee_id, is_active=True
        ).values_list("pk", flat=True):
            rows.append(Outbox(webhook_id=webhook_id, reason="webhook", payload=payload, **common))
    if not rows:
        return []
    return [row.pk for row in Outbox.objects.bulk_create(rows) if row.pk is not None]


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


def dispatch_soon(ids: list[int]) -> None:
    """After commit: hand the rows to the worker. With a broker, a thread of this process
    publishes them a moment later, together with other transitions' rows (one broker message
    per batch, not per transition, and the transition does not wait for Redis); the rows are
    committed already, so if this process dies first the sweep sends them (ADR 0013). Without
    a broker (tasks run in-process) they are delivered at once, as before."""
    from .tasks import deliver

    if deliver.app.conf.task_always_eager:
        dispatch(ids)
    else:
        _publisher.submit(ids)


class _Publisher:
    """One thread per process that publishes what commits hand it, in batches."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._guard = threading.Lock()
        self._idle = threading.Condition(self._guard)
        self._queue: queue.SimpleQueue | None = None
        self._pending = 0

    def submit(self, ids: list[int]) -> None:
        with self._guard:
            if self._pid != os.getpid():  # first use in this process (or after a fork)
                self._queue = queue.SimpleQueue()
                self._pending = 0
                threading.Thread(
                    target=self._run, args=(self._queue,), name="outbox-publisher", daemon=True
                ).start()
                self._pid = os.getpid()
            self._pending += 1
            # What caused them (request id, user, initiative): the tasks they become carry it.
            self._queue.put((context.current(), ids))

    def _run(self, inbox: queue.SimpleQueue) -> None:
        while True:
            batches = [inbox.get()]
            # Let the transitions of the next moment join this message.
            time.sleep(settings.NOTIFICATIONS_PUBLISH_DELAY_SECONDS)
            while True:
                try:
                    batches.append(inbox.get_nowait())
                except queue.Empty:
                    break
            # One message per request that caused rows (ops.celery puts its id in the headers),
            # several transitions of one request, or of none, together.
            caused: dict[tuple, list[int]] = {}
            for cause, ids in batches:
                caused.setdefault(tuple(cause.items()), []).extend(ids)
            size = settings.NOTIFICATIONS_BATCH_SIZE
            try:
                for cause, ids in caused.items():
                    values = dict(cause)
                    tokens = context.bind(
                        request_id_value=values["request_id"],
                        user_value=values["user"],
                        initiative_value=values["initiative"],
                    )
                    try:
                        for start in range(0, len(ids), size):
                            dispatch(ids[start : start + size])
                    finally:
                        context.unbind(tokens)
            except Exception:  # noqa: BLE001 - never let the thread die; the sweep has the rows
                log.exception("publishing outbox rows failed")
            finally:
                with self._guard:
                    self._pending -= len(batches)
                    self._idle.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything handed over has been published (tests, shutdown)."""
        with self._guard:
            if self._pid != os.getpid():
                return True
            return self._idle.wait_for(lambda: self._pending == 0, timeout)


_publisher = _Publisher()
atexit.register(_publisher.flush, 2.0)


def flush_published(timeout: float = 5.0) -> bool:
    """Wait for the rows already committed to be handed to the broker."""
    return _publisher.flush(timeout)


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
