"""The append-only, hash-chained audit trail.

Each entry's hash is sha256(previous hash + the entry's canonical payload). On PostgreSQL one
statement advances the chain head and inserts the entry, so concurrent appends queue on the
head's row lock and read the latest hash after the wait (no forks under READ COMMITTED).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditCheck, AuditEntry, AuditHead

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
HEAD_ID = 1


def canonical_payload(
    *,
    seq: int,
    at,
    initiative_id,
    actor_id,
    on_behalf_of_id,
    role: str,
    unit_id,
    action: str,
    from_state: str,
    to_state: str,
    comment: str,
    changes: dict,
    request_id: str,
    ip,
    subject_type: str = "",
    subject_id=None,
) -> str:
    # Entries about an initiative (every entry before the engine served other kinds) hash as
    # they always did; an entry about another subject adds its type and id at the end.
    subject = [subject_type, subject_id] if subject_type else []
    return json.dumps(
        [
            seq,
            at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            initiative_id,
            actor_id,
            on_behalf_of_id,
            role,
            unit_id,
            action,
            from_state,
            to_state,
            comment,
            changes,
            request_id,
            ip,
            *subject,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def entry_payload(entry: AuditEntry) -> str:
    return canonical_payload(
        seq=entry.seq,
        at=entry.at,
        initiative_id=entry.initiative_id,
        actor_id=entry.actor_id,
        on_behalf_of_id=entry.on_behalf_of_id,
        role=entry.role,
        unit_id=entry.unit_id,
        action=entry.action,
        from_state=entry.from_state,
        to_state=entry.to_state,
        comment=entry.comment,
        changes=entry.changes,
        request_id=entry.request_id,
        ip=entry.ip,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
    )


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def ensure_head() -> None:
    """The chain head's row (migration 0002 creates it; the restricted role cannot)."""
    AuditHead.objects.get_or_create(pk=HEAD_ID)


_PG_APPEND = """
WITH head AS (
    UPDATE workflows_audithead
       SET seq = seq + 1, prev_hash = last_hash,
           last_hash = encode(sha256(convert_to(last_hash || replace(%(payload)s, '"__SEQ__"',
                              (seq + 1)::text), 'UTF8')), 'hex')
     WHERE id = %(head)s
 RETURNING seq, prev_hash, last_hash
)
INSERT INTO workflows_auditentry
    (seq, at, initiative_id, actor_id, on_behalf_of_id, role, unit_id, action, from_state,
     to_state, comment, changes, request_id, ip, subject_type, subject_id, prev_hash, hash)
SELECT head.seq, %(at)s, %(initiative_id)s, %(actor_id)s, %(on_behalf_of_id)s, %(role)s,
       %(unit_id)s, %(action)s, %(from_state)s, %(to_state)s, %(comment)s, %(changes)s,
       %(request_id)s, %(ip)s, %(subject_type)s, %(subject_id)s, head.prev_hash, head.last_hash
  FROM head
RETURNING id, seq
"""


@dataclass(frozen=True)
class Appended:
    id: int
    seq: int


def append(
    *,
    initiative_id: int | None = None,
    actor_id: int | None,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
    role: str = "",
    unit_id: int | None = None,
    on_behalf_of_id: int | None = None,
    request_id: str = "",
    ip: str | None = None,
    subject_type: str = "",
    subject_id: int | None = None,
) -> Appended:
    """Append one entry; call it last in the transaction that made the change."""
    assert connection.in_atomic_block, "audit.append must run inside the change's transaction"
    fields = dict(
        at=timezone.now(),
        initiative_id=initiative_id,
        actor_id=actor_id,
        on_behalf_of_id=on_behalf_of_id,
        role=role,
        unit_id=unit_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=changes or {},
        request_id=request_id,
        ip=ip or None,
        subject_type=subject_type,
        subject_id=subject_id,
    )
    if connection.vendor == "postgresql":
        # The seq is only known inside the statement: the payload carries a placeholder that
        # SQL swaps for it before hashing (canonical_payload writes numbers without quotes).
        payload = canonical_payload(seq="__SEQ__", **fields)
        with connection.cursor() as cursor:
            params = {
                **fields,
                "payload": payload,
                "head": HEAD_ID,
                "changes": json.dumps(fields["changes"], ensure_ascii=False),
            }
            cursor.execute(_PG_APPEND, params)
            row = cursor.fetchone()
            if row is None:
                ensure_head()
                cursor.execute(_PG_APPEND, params)
                row = cursor.fetchone()
        return Appended(id=row[0], seq=row[1])
    # SQLite: the change's write already holds the database lock, so read-then-write is safe.
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        ensure_head()
        head = AuditHead.objects.get(pk=HEAD_ID)
    seq = head.seq + 1
    digest = chain_hash(head.last_hash, canonical_payload(seq=seq, **fields))
    entry = AuditEntry.objects.create(seq=seq, prev_hash=head.last_hash, hash=digest, **fields)
    AuditHead.objects.filter(pk=HEAD_ID).update(seq=seq, prev_hash=head.last_hash, last_hash=digest)
    return Appended(id=entry.pk, seq=seq)


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    last_good_seq: int
    broken_seq: int | None = None
    problem: str = ""


def verify(*, batch: int = 2000) -> Verification:
    """Walk the chain in order; report the first entry whose link or content does not hold."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_good = 0
    with transaction.atomic():
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
            if entry.seq != expected_seq:
                return Verification(False, checked, last_good, expected_seq, "missing")
            if entry.prev_hash != prev:
                return Verification(False, checked, last_good, entry.seq, "link")
            if chain_hash(prev, entry_payload(entry)) != entry.hash:
                return Verification(False, checked, last_good, entry.seq, "content")
            prev = entry.hash
            last_good = entry.seq
            expected_seq += 1
            checked += 1
        head = AuditHead.objects.filter(pk=HEAD_ID).first()
        if head is not None and head.seq != last_good:
            return Verification(False, checked, last_good, last_good + 1, "missing")
    return Verification(True, checked, last_good)


def verify_and_record() -> AuditCheck:
    """Walk the whole chain (verify) and keep the outcome for the auditor's page."""
    started = timezone.now()
    result = verify()
    return AuditCheck.objects.create(
        checked_at=started,
        ok=result.ok,
        checked=result.checked,
        verified_up_to=result.last_good_seq,
        broken_at=result.broken_seq,
        problem=result.problem,
    )


def last_check() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-checked_at", "-pk").first()


def request_verification() -> bool:
    """Queue a walk of the chain (runs at once, in-process, when there is no broker).
    False when the broker cannot be reached."""
    from .tasks import verify_audit

    try:
        verify_audit.delay()
    except Exception:  # kombu's connection errors vary by transport
        logger.exception("could not queue the audit chain verification")
        return False
    return True
