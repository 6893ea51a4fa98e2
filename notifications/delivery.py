"""Delivering outbox rows: claim, send on each channel, mark; retry with back-off; sweep; digest.

Exactly-once rests on three things. A row is claimed by one worker at a time (SELECT … FOR
UPDATE SKIP LOCKED, then pending → sending, with a fresh claim token); a worker that dies holding
a claim loses it when the lease runs out and the sweep hands the row out again. The lease is
short (NOTIFICATIONS_CLAIM_LEASE_SECONDS, 15 s) because a live worker renews it from a heartbeat
thread every third of it, however long one e-mail takes: a killed or disconnected worker's rows
go to another worker within a lease and a sweep period (about 20 s by default). Every later write
of the worker names its token, and before each e-mail or webhook it re-takes the row (a
compare-and-set that also renews the lease), so a worker that was only slow, and whose rows were
claimed again meanwhile, sends and marks nothing more. The in-app Notification has a unique FK to
its row, so a second delivery of the same row cannot make a second notification; each channel's
state is saved as soon as it is done, so a retry only redoes what had not finished.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import threading
import uuid
from collections.abc import Iterable

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .messages import render
from .models import Notification, Outbox, Preference

log = logging.getLogger(__name__)

State = Outbox.ChannelState
Mode = Preference.Mode


def backoff(attempts: int) -> datetime.timedelta:
    """Seconds before the next try: base, 2×base, 4×base, … capped at an hour."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def claim(
    ids: Iterable[int], *, now: datetime.datetime | None = None, fill_to: int = 0
) -> list[Outbox]:
    """Take the rows nobody else holds: pending, due, not locked by another worker. The rows
    share a new claim token, which every later write of this worker names.

    `fill_to`: when fewer of `ids` than this can be taken, also take other due rows up to that
    many. A transition hands over two or three ids; during a backlog the first such task then
    delivers a whole batch and the tasks for those rows find nothing left to do (SKIP LOCKED and
    the pending test keep it exactly-once)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    ids = list(ids)
    due = Outbox.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        status=Outbox.Status.PENDING, next_attempt_at__lte=now
    )
    with transaction.atomic():
        rows = list(due.filter(pk__in=ids).select_related("recipient", "webhook").order_by("pk"))
        if fill_to > len(rows):
            rows += list(
                due.exclude(pk__in=ids)
                .select_related("recipient", "webhook")
                .order_by("next_attempt_at")[: fill_to - len(rows)]
            )
        if rows:
            Outbox.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Outbox.Status.SENDING,
                claimed_at=now,
                claim_token=token,
                attempts=F("attempts") + 1,
            )
    for row in rows:
        row.status, row.claimed_at, row.attempts = Outbox.Status.SENDING, now, row.attempts + 1
        row.claim_token = token
    return rows


def _mine(row: Outbox):
    """Rows still held by this row's claim. A row carries a claim token only while it is held:
    the token is cleared when the row leaves the claim (sent, failed, back to pending, taken
    back by the sweep), so the token alone is the test. Callers always add the rows' pks: a
    `status = 'sending'` test would lead the planner onto the partial unsent index, a scan of
    the whole backlog during a drain, instead of the primary key."""
    return Outbox.objects.filter(claim_token=row.claim_token)


class _Lease:
    """Keeps a claim while its rows are sent, and stops the worker once it has lost it.

    A batch of 100 rows may take 100 × the e-mail timeout, far longer than the lease, so the
    claim alone does not keep it: every third of a lease the whole claim's lease is renewed (one
    UPDATE of its rows still carrying the token). Only the claim and that renewal write
    `claimed_at`, so a claim's rows share it and the sweep takes them back all together or not
    at all. Before each send the worker proves it still holds the claim by a statement guarded
    by its token: for the first e-mail (and each webhook) a check of the row; for each next
    e-mail, the saving of the previous e-mail's state (one commit per e-mail, as before). If the
    claim was taken back (the sweep thought this worker dead, another worker claimed the rows),
    the worker stops and sends nothing more."""

    def __init__(self, rows: list[Outbox]):
        self.pks = [row.pk for row in rows]
        self.renewed = rows[0].claimed_at if rows else None
        self.every = datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS / 3)
        self.lost = False

    def _lose(self, row: Outbox) -> bool:
        log.warning("lost the claim on outbox row %s; sending nothing more", row.pk)
        self.lost = True
        return False

    def _renew_if_due(self, row: Outbox) -> bool | None:
        """Renew the claim's lease if a third of it has passed: True/False whether the claim is
        still held, None if it was not due."""
        now = timezone.now()
        if self.renewed is not None and now - self.renewed < self.every:
            return None
        try:
            renewed = _mine(row).filter(pk__in=self.pks).update(claimed_at=now)
        except DatabaseError:  # e.g. a deadlock with the sweep taking these rows back
            log.warning("could not renew the claim of outbox row %s", row.pk, exc_info=True)
            renewed = 0
        self.renewed = now
        return bool(renewed)

    def hold(self, row: Outbox) -> bool:
        """True if this worker still holds `row` (and its lease is fresh)."""
        if self.lost:
            return False
        held = self._renew_if_due(row)
        if held is None:
            held = _mine(row).filter(pk=row.pk).exists()
        return held or self._lose(row)

    def saved(self, done: Outbox, then: Outbox | None) -> bool:
        """Save `done`'s sent e-mail, guarded by the token; True if `then` (the next row to
        e-mail, held together with `done`) may be sent."""
        kept = (
            _mine(done)
            .filter(pk=done.pk)
            .update(email_state=done.email_state, in_app_state=done.in_app_state)
        )
        if then is None:
            return bool(kept)
        if not kept:
            return self._lose(then)
        return self._renew_if_due(then) is not False or self._lose(then)


class _Heartbeat:
    """Renews a claim's lease from a thread of its own every third of a lease while the worker
    delivers, so a live worker keeps its rows even while one e-mail or webhook takes longer
    than the lease, and the lease can be short. When the renewal finds none of the claim's rows
    still carrying the token (the sweep took them back) it marks the lease lost and the worker
    stops at its next check. The thread uses its own database connection, closed at the end."""

    def __init__(self, lease: _Lease, token) -> None:
        self.lease = lease
        self.token = token
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox-lease", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        from django.db import connection as own  # this thread's connection

        try:
            while not self.stopped.wait(self.lease.every.total_seconds()):
                try:
                    renewed = Outbox.objects.filter(
                        claim_token=self.token, pk__in=self.lease.pks
                    ).update(claimed_at=timezone.now())
                except DatabaseError:  # disconnected: the lease runs out, as it should
                    log.warning("could not renew an outbox lease", exc_info=True)
                    continue
                if not renewed:
                    self.lease.lost = True
                    return
        finally:
            own.close()


def _heartbeat_applies() -> bool:
    """Only in a worker's own delivery: not in-process (eager) mode, and not inside a caller's
    transaction (whose uncommitted claim another connection could not see)."""
    return not settings.CELERY_TASK_ALWAYS_EAGER and not connection.in_atomic_block


def deliver_rows(ids: Iterable[int], *, fill_to: int = 0) -> int:
    """Deliver what can be claimed among `ids` (and other due rows up to `fill_to`, see
    claim); return how many were sent."""
    return deliver_claimed(claim(ids, fill_to=fill_to))


def deliver_claimed(rows: list[Outbox]) -> int:
    """Deliver rows this worker claimed; return how many were sent.

    Batched: one query for the recipients' preferences, one insert for every in-app
    notification, one update per outcome to mark the rows sent. Only e-mail and webhooks go row
    by row: each is re-taken before it is sent (see _Lease) and each sent e-mail's state is
    saved at once (see _send_emails)."""
    if not rows:
        return 0
    lease = _Lease(rows)
    if _heartbeat_applies():
        with _Heartbeat(lease, rows[0].claim_token):
            return _deliver(rows, lease)
    return _deliver(rows, lease)


def _deliver(rows: list[Outbox], lease: _Lease) -> int:
    delivered: list[Outbox] = []
    for row in (r for r in rows if r.webhook_id):
        if not lease.hold(row):
            break
        try:
            _post_webhook(row)
        except Exception as exc:  # noqa: BLE001 - any channel error becomes a retry
            _failed_attempt(row, exc)
            continue
        delivered.append(row)
    if not lease.lost:
        delivered += _deliver_to_people([r for r in rows if not r.webhook_id], lease)
    return _mark_sent(delivered)


def _deliver_to_people(rows: list[Outbox], lease: _Lease) -> list[Outbox]:
    """In-app and e-mail for rows addressed to people; returns the rows fully delivered."""
    if not rows:
        return []
    prefs = _preferences({row.recipient_id for row in rows})
    fresh = []
    for row in rows:
        pref = prefs[row.recipient_id]
        if row.in_app_state == State.NONE:
            # Repeating this after a crash is harmless (the unique FK), so its state is only
            # saved with the final "sent".
            if pref.in_app == Mode.DIGEST:
                row.in_app_state = State.DIGEST
            else:
                fresh.append(row)
                row.in_app_state = State.DONE
        if row.email_state == State.NONE:
            if not row.recipient.email or pref.email == Mode.OFF:
                row.email_state = State.SKIPPED
            elif pref.email == Mode.DIGEST:
                row.email_state = State.DIGEST
    _notifications(fresh)
    failed = _send_emails([row for row in rows if row.email_state == State.NONE], lease)
    return [row for row in rows if row.pk not in failed]


def _preferences(user_ids: set[int]) -> dict[int, Preference]:
    found = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}
    return {pk: found.get(pk) or Preference(user_id=pk) for pk in user_ids}


def _send_emails(rows: list[Outbox], lease: _Lease) -> set[int]:
    """Send each row's e-mail over one connection; returns the ids of rows not delivered (failed
    ones are handed to _failed_attempt; after the claim is lost, the rest are left alone). A
    sent e-mail's state is saved at once, so a retry after a later error, or after the worker
    dies, does not send it again: at most the one e-mail between its send and that save can go
    twice."""
    failed: set[int] = set()
    if not rows:
        return failed
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the mail server is down: every row retries
        for row in rows:
            _failed_attempt(row, exc)
        return {row.pk for row in rows}
    try:
        held = lease.hold(rows[0])
        for i, row in enumerate(rows):
            if not held:
                failed.update(r.pk for r in rows[i:])
                break
            after = rows[i + 1] if i + 1 < len(rows) else None
            try:
                _email(row, connection)
            except Exception as exc:  # noqa: BLE001 - one bad address must not stop the rest
                _failed_attempt(row, exc)
                failed.add(row.pk)
                held = after is None or lease.hold(after)
                continue
            row.email_state = State.DONE
            held = lease.saved(row, after)
    finally:
        connection.close()
    return failed


def _mark_sent(rows: list[Outbox]) -> int:
    """One UPDATE per combination of channel states (there are only a few)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        groups.setdefault((row.in_app_state, row.email_state), []).append(row.pk)
    if not groups:
        return 0
    sent = 0
    now = timezone.now()
    mine = _mine(rows[0])  # one claim, one token
    for (in_app_state, email_state), pks in groups.items():
        sent += mine.filter(pk__in=pks).update(
            status=Outbox.Status.SENT,
            claim_token=None,
            sent_at=now,
            last_error="",
            in_app_state=in_app_state,
            email_state=email_state,
        )
    return sent


def _notification(row: Outbox) -> None:
    _notifications([row])


def _notifications(rows: list[Outbox]) -> None:
    """Insert the rows' notifications unless they exist (ON CONFLICT DO NOTHING on the unique
    outbox FK): one query, and a second delivery of the same row is a no-op."""
    if not rows:
        return
    notes = []
    for row in rows:
        rendered = render(row)
        notes.append(
            Notification(
                recipient_id=row.recipient_id,
                outbox=row,
                event=row.event,
                subject_id=row.subject_id,
                title=rendered.title,
                body=rendered.body,
                url=rendered.url,
            )
        )
    Notification.objects.bulk_create(notes, ignore_conflicts=True)


def _email(row: Outbox, connection=None) -> None:
    rendered = render(row)
    body = rendered.body
    if rendered.url:
        with translation.override(row.recipient.language or settings.LANGUAGE_CODE):
            body += "\n\n" + _("Xem: %(url)s") % {"url": rendered.absolute_url()}
    EmailMessage(
        subject=rendered.title,
        body=body,
        to=[row.recipient.email],
        headers={"X-DVK-Outbox": str(row.pk)},
        connection=connection,
    ).send(fail_silently=False)


def webhook_body(row: Outbox) -> bytes:
    body = {
        "id": row.pk,
        "event": row.event,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "created": row.created.isoformat() if row.created else None,
        **{k: row.payload.get(k) for k in ("title", "state", "actor", "comment", "unit_id")},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post_webhook(row: Outbox) -> None:
    body = webhook_body(row)
    response = requests.post(
        row.webhook.url,
        data=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-DVK-Signature": sign(row.webhook.secret, body),
            "X-DVK-Delivery": str(row.pk),  # receivers may deduplicate on it
        },
        timeout=settings.NOTIFICATIONS_WEBHOOK_TIMEOUT,
    )
    response.raise_for_status()


def _failed_attempt(row: Outbox, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        _mine(row).filter(pk=row.pk).update(
            status=Outbox.Status.FAILED, claim_token=None, last_error=error
        )
        log.error("outbox row %s failed after %s attempts: %s", row.pk, row.attempts, error)
        return
    delay = backoff(row.attempts)
    if (
        not _mine(row)
        .filter(pk=row.pk)
        .update(
            status=Outbox.Status.PENDING,
            claim_token=None,
            next_attempt_at=timezone.now() + delay,
            last_error=error,
        )
    ):
        return  # the claim was lost: the row is another worker's now
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        # In-process mode has no timer to wait on; the row waits for the sweep instead.
        from .tasks import deliver

        try:
            deliver.apply_async([[row.pk]], countdown=delay.total_seconds())
        except Exception:  # noqa: BLE001 - the sweep will pick it up
            log.warning("could not schedule retry of outbox row %s", row.pk)


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Hand out again what is still unsent: claims whose lease ran out (a worker died) and
    pending rows older than the sweep delay (the broker was down, or a message was lost)."""
    from .services import dispatch

    now = now or timezone.now()
    limit = settings.NOTIFICATIONS_SWEEP_LIMIT
    lease = datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    expired = Outbox.objects.filter(status=Outbox.Status.SENDING, claimed_at__lt=now - lease)
    # A dead worker's rows are handed out at once, whatever their age (only one beat runs the
    # sweep, so nobody takes the same rows back meanwhile).
    reclaimed = list(expired.order_by("pk").values_list("pk", flat=True)[:limit])
    if reclaimed:
        expired.filter(pk__in=reclaimed).update(status=Outbox.Status.PENDING, claim_token=None)
        log.warning("took back %d outbox rows whose worker's lease ran out", len(reclaimed))
    delay = datetime.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_DELAY_SECONDS)
    waiting = (
        Outbox.objects.filter(status=Outbox.Status.PENDING, next_attempt_at__lte=now - delay)
        .exclude(pk__in=reclaimed)
        .order_by("pk")
        .values_list("pk", flat=True)[: max(limit - len(reclaimed), 0)]
    )
    ids = reclaimed + list(waiting)
    batch = settings.NOTIFICATIONS_BATCH_SIZE
    for start in range(0, len(ids), batch):
        if not dispatch(ids[start : start + batch]):
            break
    return len(ids)


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """Once a day: release held in-app notifications and send one e-mail per person listing
    what they chose to hear in a digest. Returns how many people got an e-mail."""
    now = now or timezone.now()
    held = Outbox.objects.filter(Q(in_app_state=State.DIGEST) | Q(email_state=State.DIGEST))
    recipients = set(held.values_list("recipient_id", flat=True))
    mailed = 0
    for recipient_id in sorted(recipients):
        try:
            mailed += _digest_for(recipient_id, now)
        except Exception:  # noqa: BLE001 - one person's mail server error must not stop the rest
            log.exception("digest for user %s failed; kept for tomorrow", recipient_id)
    return mailed


def _digest_for(recipient_id: int, now: datetime.datetime) -> int:
    with transaction.atomic():
        rows = list(
            Outbox.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(in_app_state=State.DIGEST) | Q(email_state=State.DIGEST))
            .filter(recipient_id=recipient_id)
            .select_related("recipient")
            .order_by("pk")
        )
        for row in rows:
            if row.in_app_state == State.DIGEST:
                _notification(row)
        mail_rows = [r for r in rows if r.email_state == State.DIGEST]
        if mail_rows and not _still_mailable(mail_rows[0].recipient):
            # E-mail cleared or switched off since: held mail is dropped, not retried daily.
            Outbox.objects.filter(pk__in=[r.pk for r in mail_rows]).update(
                email_state=State.SKIPPED
            )
            mail_rows = []
        if mail_rows:
            _digest_email(mail_rows, now)
        Outbox.objects.filter(pk__in=[r.pk for r in rows], in_app_state=State.DIGEST).update(
            in_app_state=State.DONE
        )
        Outbox.objects.filter(pk__in=[r.pk for r in mail_rows]).update(email_state=State.DONE)
    return 1 if mail_rows else 0


def _still_mailable(user) -> bool:
    if not user.email:
        return False
    pref = Preference.objects.filter(user=user).first()
    return pref is None or pref.email != Mode.OFF


def _digest_email(rows: list[Outbox], now: datetime.datetime) -> None:
    user = rows[0].recipient
    lines = []
    for row in rows:
        rendered = render(row)
        lines.append(f"• {rendered.title}")
        if rendered.body:
            lines.extend("  " + line for line in rendered.body.splitlines())
        if rendered.url:
            lines.append("  " + rendered.absolute_url())
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Bản tin thông báo ngày %(date)s (%(n)d tin)") % {
            "date": timezone.localdate(now).strftime("%d/%m/%Y"),
            "n": len(rows),
        }
    EmailMessage(subject=subject, body="\n".join(lines), to=[user.email]).send(fail_silently=False)
