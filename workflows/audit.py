"""The append-only, hash-chained audit trail.

Each entry's hash is HMAC-SHA256(key, previous hash + the entry's canonical payload); the key
comes from the environment (AUDIT_HMAC_KEY; by default derived from SECRET_KEY), never from the
database, so someone who can write the table (and read this code) cannot re-hash a rewritten
chain. Each entry names its key by a fingerprint (`key_id`), so keys can be rotated: the new key
chains new entries, old keys (AUDIT_HMAC_OLD_KEYS) still verify the entries they chained.
Entries written before keys existed have an empty key_id and plain sha256.

Appending locks the chain head's row first (SELECT … FOR UPDATE: concurrent appends queue there
and read the latest hash after the wait, so the chain never forks under READ COMMITTED), then
one statement advances the head and inserts the entry.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import context, sql

from . import checkpoints
from .models import AuditCheck, AuditEntry, AuditHead

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
GLOBAL = checkpoints.GLOBAL  # the chain of entries that belong to no committee
SEQUENCE = "workflows_audit_seq"  # `seq`, the order across chains (migration 0017)


def chain_name(committee_id: int | None) -> str:
    """A chain's name in checkpoints and checks: "global", or the committee's id."""
    return GLOBAL if committee_id is None else str(committee_id)


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
    chain: tuple[int | None, int] | None = None,
) -> str:
    """What an entry's hash covers. `chain` (the chain's committee id, None for the global
    chain, and the entry's number in it) comes first, as an object, so an entry cannot be moved
    to another chain or renumbered in it; entries written before chains (`chain=None`) hash as
    they did then, and cannot be mistaken for later ones (their first element is a number)."""
    # Entries about an initiative (every entry before the engine served other kinds) hash as
    # they always did; an entry about another subject adds its type and id at the end.
    subject = [subject_type, subject_id] if subject_type else []
    head = [] if chain is None else [{"chain": chain[0], "n": chain[1]}]
    return json.dumps(
        [
            *head,
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


def entry_payload(entry: AuditEntry, head: AuditHead | None = None) -> str:
    """The entry's canonical payload; `head` is its chain's (read when not given). An entry of
    the global chain up to its `legacy_seq` was written before chains and hashes without one."""
    if head is None:
        head = AuditHead.objects.get(pk=entry.chain_id)
    legacy = head.committee_id is None and entry.chain_seq <= head.legacy_seq
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
        chain=None if legacy else (head.committee_id, entry.chain_seq),
    )


def chain_hash(prev_hash: str, payload: str, key: bytes | None = None) -> str:
    """The link: HMAC-SHA256 with `key`; plain sha256 without one (entries before keys)."""
    message = (prev_hash + payload).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A key's public name: a fingerprint, so an entry says which key chained it without
    anyone having to keep names and keys in step."""
    return hashlib.sha256(b"dvk-audit-key-id:" + key).hexdigest()[:12]


def derived_key(secret_key: str) -> str:
    """The key used when AUDIT_HMAC_KEY is not set (development): derived from SECRET_KEY."""
    return hmac.new(secret_key.encode("utf-8"), b"dvk-audit-hmac-key", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def keyring() -> Keyring:
    """The key that chains new entries and every key that still verifies old ones."""
    # Derived once per process for each configuration (settings may change under tests).
    return _keyring(
        settings.AUDIT_HMAC_KEY, settings.SECRET_KEY, tuple(settings.AUDIT_HMAC_OLD_KEYS)
    )


@functools.lru_cache(maxsize=8)
def _keyring(hmac_key: str, secret_key: str, old_keys: tuple[str, ...]) -> Keyring:
    current = (hmac_key or derived_key(secret_key)).encode("utf-8")
    keys = {key_id(k.encode("utf-8")): k.encode("utf-8") for k in old_keys}
    keys[key_id(current)] = current
    return Keyring(key_id(current), keys)


def ensure_head(committee_id: int | None = None) -> None:
    """A chain's head row: the global one (migration 0002 creates it; the restricted role
    cannot), or a committee's, at the genesis (the role may insert one, naming its committee
    only: the other columns take the database's defaults)."""
    if committee_id is None:
        AuditHead.objects.get_or_create(committee=None)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO workflows_audithead (committee_id) VALUES (%s) "
                "ON CONFLICT (committee_id) DO NOTHING",
                [committee_id],
            )
    else:
        AuditHead.objects.get_or_create(committee_id=committee_id)


# The head's row lock, its seq and hash, and the entry's place across chains, in one round trip.
_PG_LOCK_HEAD = (
    f"SELECT id, seq, last_hash, nextval('{SEQUENCE}') FROM workflows_audithead "
    "WHERE {where} FOR UPDATE"
)
_PG_LOCK_GLOBAL = _PG_LOCK_HEAD.format(where="committee_id IS NULL")
_PG_LOCK_COMMITTEE = _PG_LOCK_HEAD.format(where="committee_id = %(chain_committee)s")

# The head moved and the entry inserted in one statement. It returns the entry's id; when no
# entry was written (the head moved under its lock: it cannot while the lock holds) a division
# by zero fails it, so a COMMIT sent with it never commits a change without its entry.
_PG_APPEND = """
WITH head AS (
    UPDATE workflows_audithead
       SET seq = %(chain_seq)s, prev_hash = last_hash, last_hash = %(hash)s
     WHERE id = %(head)s AND seq = %(chain_seq)s - 1 AND last_hash = %(prev_hash)s
 RETURNING id, seq, prev_hash
), entry AS (
    INSERT INTO workflows_auditentry
        (seq, chain_id, chain_seq, at, initiative_id, actor_id, on_behalf_of_id, role, unit_id,
         action, from_state, to_state, comment, changes, request_id, ip, subject_type,
         subject_id, prev_hash, hash, key_id)
    SELECT %(seq)s, head.id, head.seq, %(at)s, %(initiative_id)s, %(actor_id)s,
           %(on_behalf_of_id)s, %(role)s, %(unit_id)s, %(action)s, %(from_state)s,
           %(to_state)s, %(comment)s, %(changes)s, %(request_id)s, %(ip)s, %(subject_type)s,
           %(subject_id)s, head.prev_hash, %(hash)s, %(key_id)s
      FROM head
    RETURNING id
)
SELECT (SELECT id FROM entry), 1 / (SELECT count(*) FROM entry)::int
"""


def _lock_head(committee_id: int | None, along=()) -> tuple[int, int, str, int]:
    """The chain's head id, seq and last hash, its row locked until the transaction ends, and
    the new entry's seq across chains. `along`: statements sent in the same round trip."""
    for _attempt in range(2):
        if connection.vendor == "postgresql":
            if committee_id is None:
                rows = sql.fetch_with(along, _PG_LOCK_GLOBAL, {})
            else:
                rows = sql.fetch_with(along, _PG_LOCK_COMMITTEE, {"chain_committee": committee_id})
            along = ()  # sent, whatever the head turned out to be
            row = rows[0] if rows else None
        else:  # SQLite: the change's write already holds the database lock
            head = (
                AuditHead.objects.select_for_update()
                .filter(committee_id=committee_id)
                .values_list("pk", "seq", "last_hash")
                .first()
            )
            if head is None:
                row = None
            else:
                last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
                row = (*head, (last or 0) + 1)
        if row is not None:
            return row
        ensure_head(committee_id)
    raise RuntimeError("the audit chain head is missing")


@dataclass(frozen=True)
class Appended:
    id: int
    seq: int
    chain_seq: int = 0


def append(
    *,
    committee_id: int | None,
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
    along: Sequence[sql.Deferred] = (),
    commit: bool = False,
) -> Appended:
    """Append one entry to the chain of `committee_id` (the committee whose scope the subject
    belongs to; None, said on purpose: the global chain); call it last in the transaction that
    made the change.

    `along`: statements of the change whose rows can wait, sent in the round trip that locks
    the head (the door's outbox rows). `commit`: the entry's statement also commits the
    transaction (the caller has checked core.sql.may_carry_commit and runs nothing after)."""
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
        # A caller without the request at hand (a service, a task) still names the request or
        # the task's originating request (core.context).
        request_id=request_id or context.request_id.get(),
        ip=ip or None,
        subject_type=subject_type,
        subject_id=subject_id,
    )
    ring = keyring()
    # The head is locked before its hash is read: whoever appends to this chain next waits
    # here and then chains onto this entry (other committees' chains do not wait).
    head_id, prev_seq, prev_hash, seq = _lock_head(committee_id, along)
    chain_seq = prev_seq + 1
    payload = canonical_payload(seq=seq, chain=(committee_id, chain_seq), **fields)
    digest = chain_hash(prev_hash, payload, ring.current)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sql.run(
                cursor,
                [_PG_APPEND],
                {
                    **fields,
                    "changes": json.dumps(fields["changes"], ensure_ascii=False),
                    "head": head_id,
                    "seq": seq,
                    "chain_seq": chain_seq,
                    "prev_hash": prev_hash,
                    "hash": digest,
                    "key_id": ring.current_id,
                },
                tail="COMMIT" if commit else "",
            )
            row = cursor.fetchone()
        return Appended(id=row[0], seq=seq, chain_seq=chain_seq)
    entry = AuditEntry.objects.create(
        seq=seq,
        chain_id=head_id,
        chain_seq=chain_seq,
        prev_hash=prev_hash,
        hash=digest,
        key_id=ring.current_id,
        **fields,
    )
    AuditHead.objects.filter(pk=head_id).update(
        seq=chain_seq, prev_hash=prev_hash, last_hash=digest
    )
    return Appended(id=entry.pk, seq=seq, chain_seq=chain_seq)


@dataclass(frozen=True)
class Verification:
    """The outcome of checking one chain, or (from `verify`) of every chain: then the fields
    describe the first broken chain (`chain`), and `chains` holds each chain's own outcome."""

    ok: bool
    checked: int
    last_good_seq: int  # numbers within the chain (`chain_seq`)
    broken_seq: int | None = None
    problem: str = ""
    detail: str = ""  # the unknown key's id; the checkpoint file's bad line
    last_hash: str = GENESIS  # the hash of entry last_good_seq (what a checkpoint records)
    checkpoint: checkpoints.Pin | None = None  # the one compared with
    chain: str = ""
    chains: dict[str, Verification] = field(default_factory=dict)


def verify(
    *,
    batch: int = 2000,
    since_checkpoint: bool = False,
    chain: str | None = None,
) -> Verification:
    """Walk each chain in order (or only `chain`: "global" or a committee's id) and compare it
    with the signed checkpoints kept outside the database; report the first thing that does
    not hold.

    Problems: `missing` (a gap, or the head is ahead of the last entry), `link` (the previous
    hash does not match), `content` (the entry's hash does not match its content, its chain or
    its number in the chain: an entry moved from another chain), `downgrade` (an entry chained
    without a key after keyed ones, or after a checkpoint, or in a committee's chain: the chain
    was re-hashed by someone without the key), `unknown_key` (an entry names a key that is not
    configured), `rehashed` (a checkpoint's entry now has another hash: the chain was edited
    and re-hashed), `rolled_back` (the chain ends before its furthest checkpoint: its tail was
    deleted and its head moved back, or the table was emptied, or its head was deleted),
    `checkpoint` (the checkpoint file holds a line this service did not sign).

    `since_checkpoint` walks each chain only from its furthest checkpoint on (its entry must
    still have its hash): the cheap check the beat job runs between full walks."""
    try:
        # Read before the walk starts, so no checkpoint is newer than what the walk sees.
        known = checkpoints.read()
    except checkpoints.CheckpointError as exc:
        return Verification(
            False, 0, 0, None, "checkpoint", f"{exc.line_number}:{exc.reason}", chain=chain or ""
        )
    outer = connection.in_atomic_block
    results: dict[str, Verification] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            # One snapshot for the walks and the heads, whatever is appended meanwhile.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        heads = {chain_name(h.committee_id): h for h in AuditHead.objects.order_by("pk")}
        names = set(heads) | {name for cp in known for name in cp.heads}
        if chain is not None:
            names = {chain}
        for name in sorted(names, key=lambda n: (n != GLOBAL, len(n), n)):
            results[name] = _verify_chain(
                heads.get(name), name, known, batch=batch, since_checkpoint=since_checkpoint
            )
    broken = next((r for r in results.values() if not r.ok), None)
    if broken is not None:
        return replace(broken, checked=sum(r.checked for r in results.values()), chains=results)
    if chain is not None and chain in results:
        return replace(results[chain], chains=results)
    return Verification(
        True,
        sum(r.checked for r in results.values()),
        sum(r.last_good_seq for r in results.values()),
        chains=results,
    )


def _verify_chain(
    head: AuditHead | None,
    name: str,
    known: list[checkpoints.Checkpoint],
    *,
    batch: int,
    since_checkpoint: bool,
) -> Verification:
    pins: dict[int, list[checkpoints.Pin]] = {}
    for cp in known:
        pin = cp.pin(name)
        if pin is not None:
            pins.setdefault(pin.seq, []).append(pin)
    furthest = checkpoints.furthest(name, known)
    keys = keyring().keys
    prev, expected_seq, checked, last_good, keyed, vouched = GENESIS, 1, 0, 0, False, 0

    def fail(seq, problem, detail="", checkpoint=furthest, good=None):
        return Verification(
            False,
            checked,
            last_good if good is None else good,
            seq,
            problem,
            detail,
            prev,
            checkpoint,
            name,
        )

    if head is None:  # a chain the checkpoints know whose head is gone
        if furthest is None:
            return Verification(True, 0, 0, chain=name)
        return fail(1, "rolled_back")
    # Unkeyed entries exist only in the global chain, before keys (and so before chains).
    unkeyed_up_to = head.legacy_seq if head.committee_id is None else 0
    entries = AuditEntry.objects.filter(chain_id=head.pk).order_by("chain_seq")
    if since_checkpoint and furthest is not None:
        pinned = AuditEntry.objects.filter(chain_id=head.pk, chain_seq=furthest.seq).first()
        if pinned is None:
            last = entries.reverse().values_list("chain_seq", flat=True).first()
            if (last or 0) >= furthest.seq:
                return fail(furthest.seq, "missing")
            return fail((last or 0) + 1, "rolled_back", good=last or 0)
        if pinned.hash != furthest.hash:
            return fail(furthest.seq, "rehashed")
        prev, expected_seq, last_good = furthest.hash, furthest.seq + 1, furthest.seq
        entries = entries.filter(chain_seq__gt=furthest.seq)
    for entry in entries.iterator(chunk_size=batch):
        if entry.chain_seq != expected_seq:
            return fail(expected_seq, "missing")
        if entry.prev_hash != prev:
            return fail(entry.chain_seq, "link")
        if entry.key_id:
            key = keys.get(entry.key_id)
            if key is None:
                return fail(entry.chain_seq, "unknown_key", entry.key_id)
            keyed = True
        elif (
            keyed
            or entry.chain_seq > unkeyed_up_to
            or (furthest is not None and entry.chain_seq > furthest.seq)
        ):
            # Checkpoints exist only since keys do: nothing after one is unkeyed.
            return fail(entry.chain_seq, "downgrade")
        else:
            key = None
        if chain_hash(prev, entry_payload(entry, head), key) != entry.hash:
            return fail(entry.chain_seq, "content")
        for pin in pins.get(entry.chain_seq, ()):
            if pin.hash != entry.hash:
                # Edited somewhere after the last checkpoint that still matches.
                return fail(entry.chain_seq, "rehashed", checkpoint=pin, good=vouched)
        if entry.chain_seq in pins:
            vouched = entry.chain_seq
        prev = entry.hash
        last_good = entry.chain_seq
        expected_seq += 1
        checked += 1
    if head.seq != last_good:
        return fail(last_good + 1, "missing")
    if furthest is not None and last_good < furthest.seq:
        return fail(last_good + 1, "rolled_back")
    return Verification(True, checked, last_good, last_hash=prev, checkpoint=furthest, chain=name)


def _record(started, result: Verification) -> AuditCheck:
    return AuditCheck.objects.create(
        checked_at=started,
        ok=result.ok,
        checked=result.checked,
        verified_up_to=result.last_good_seq,
        broken_at=result.broken_seq,
        problem=result.problem,
        detail=result.detail,
        checkpoint_seq=result.checkpoint.seq if result.checkpoint else None,
        checkpoint_at=result.checkpoint.at if result.checkpoint else None,
        chain=result.chain,
        chains={name: [r.checked, r.last_good_seq, r.problem] for name, r in result.chains.items()},
    )


def _advance_checkpoint(result: Verification) -> checkpoints.Checkpoint | None:
    """After a check that found the chains whole: a new checkpoint of every chain checked, if
    one of them moved on."""
    heads = {
        name: (r.last_good_seq, r.last_hash)
        for name, r in (result.chains or {result.chain: result}).items()
        if r.last_good_seq
    }
    moved = any(
        r.last_good_seq and (r.checkpoint is None or r.checkpoint.seq < r.last_good_seq)
        for r in (result.chains or {result.chain: result}).values()
    )
    if not heads or not moved:
        return None
    try:
        return checkpoints.write(heads)
    except OSError:
        logger.exception("could not write the audit checkpoint to %s", checkpoints.path())
        return None


def verify_and_record(*, chain: str | None = None) -> AuditCheck:
    """Walk every chain (or one: verify), keep the outcome for the auditor's page, and write a
    signed checkpoint outside the database when they are whole (alert the auditors when not)."""
    started = timezone.now()
    result = verify(chain=chain)
    check = _record(started, result)
    if result.ok:
        _advance_checkpoint(result)
    else:
        checkpoints.mail_alarm(describe(check))
    return check


def checkpoint() -> Verification:
    """The beat job between full walks: check each chain's entries since its furthest
    checkpoint and write a new one; a broken chain is recorded for the auditor's page and
    mailed."""
    started = timezone.now()
    result = verify(since_checkpoint=True)
    if result.ok:
        _advance_checkpoint(result)
    else:
        checkpoints.mail_alarm(describe(_record(started, result)))
    return result


def chain_title(name: str) -> str:
    """A chain as the auditor reads it: the global chain, or the committee's."""
    if not name or name == GLOBAL:
        return _("chuỗi chung")
    from units.models import Unit

    unit = Unit.objects.filter(pk=int(name)).values_list("name", flat=True).first()
    return _("chuỗi của %(committee)s") % {"committee": unit or f"#{name}"}


CHECKPOINT_REASONS = {
    "malformed": gettext_lazy("sai định dạng"),
    "another database": gettext_lazy("của một cơ sở dữ liệu khác"),
    "unknown key": gettext_lazy("ký bằng khóa không có trong cấu hình"),
    "bad signature": gettext_lazy("chữ ký sai"),
}


def describe(check: AuditCheck) -> str:
    """The outcome of a check in a sentence (the command's output, the alarm e-mail)."""
    if check.ok:
        if check.chain:
            return _(
                "Nhật ký toàn vẹn (%(chain)s): đã kiểm tra %(n)s bản ghi, đến bản ghi số %(seq)s."
            ) % {"chain": chain_title(check.chain), "n": check.checked, "seq": check.verified_up_to}
        return _("Nhật ký toàn vẹn: đã kiểm tra %(n)s bản ghi trong %(chains)s chuỗi.") % {
            "n": check.checked,
            "chains": len(check.chains),
        }
    if check.problem == "checkpoint":
        line, _sep, reason = check.detail.partition(":")
        return _(
            "Tệp điểm mốc của nhật ký (%(path)s) đã bị sửa: dòng %(line)s không phải điểm mốc "
            "do hệ thống ký (%(reason)s)."
        ) % {
            "path": checkpoints.path(),
            "line": line,
            "reason": CHECKPOINT_REASONS.get(reason, reason),
        }
    at = (
        timezone.localtime(check.checkpoint_at).strftime("%d/%m/%Y %H:%M")
        if check.checkpoint_at
        else ""
    )
    problems = {
        "missing": _("thiếu bản ghi (đã bị xóa)"),
        "link": _("mắt xích không khớp với bản ghi trước"),
        "content": _("nội dung đã bị sửa"),
        "downgrade": _(
            "bản ghi được băm không có khóa sau các bản ghi đã có khóa: chuỗi đã bị "
            "tính lại bởi người không giữ khóa"
        ),
        "unknown_key": _(
            "bản ghi được băm bằng khóa %(key)s không có trong cấu hình "
            "(AUDIT_HMAC_KEY, AUDIT_HMAC_OLD_KEYS)"
        )
        % {"key": check.detail},
        "rehashed": (
            _(
                "mã băm của bản ghi số %(cp)s khác với điểm mốc đã ký lúc %(at)s: chuỗi đã bị "
                "sửa ở sau bản ghi số %(good)s rồi tính lại"
            )
            if check.verified_up_to
            else _(
                "mã băm của bản ghi số %(cp)s khác với điểm mốc đã ký lúc %(at)s: chuỗi đã bị "
                "sửa rồi tính lại"
            )
        )
        % {"cp": check.checkpoint_seq, "at": at, "good": check.verified_up_to},
        "rolled_back": _(
            "chuỗi chỉ còn đến bản ghi số %(good)s, nhưng điểm mốc đã ký lúc %(at)s ghi nhận "
            "chuỗi đã đến bản ghi số %(cp)s: các bản ghi cuối đã bị xóa và đầu chuỗi bị "
            "quay lui (hoặc bảng đã bị xóa sạch)"
        )
        % {"cp": check.checkpoint_seq, "at": at, "good": check.verified_up_to},
    }
    return _(
        "Nhật ký (%(chain)s) bị phá vỡ tại bản ghi số %(seq)s: %(problem)s. Toàn vẹn đến bản "
        "ghi số %(good)s."
    ) % {
        "chain": chain_title(check.chain),
        "seq": check.broken_at,
        "problem": problems.get(check.problem, check.problem),
        "good": check.verified_up_to,
    }


def chain_rows(check: AuditCheck | None) -> list[dict]:
    """Each chain a check walked, for the auditor's page: its title, the entries checked, how
    far it is whole and what broke it (the committees' names in one query)."""
    if check is None:
        return []
    from units.models import Unit

    ids = [int(name) for name in check.chains if name != GLOBAL]
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = []
    for name, (checked, up_to, problem) in check.chains.items():
        title = (
            _("Chuỗi chung (không thuộc Ban nào)")
            if name == GLOBAL
            else names.get(int(name), f"#{name}")
        )
        rows.append(
            {"name": name, "title": title, "checked": checked, "up_to": up_to, "problem": problem}
        )
    return rows


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
