"""Signed checkpoints of the audit chains, kept outside the database.

A checkpoint says "at this time each chain stood at its entry #seq, whose hash was …" (one
line lists every chain checked: the global one and each committee's, decision 0014), signed
with the chains' HMAC key (workflows.audit.keyring: the key is in the environment, not in the
database). They are appended, one JSON object per line, to `<AUDIT_CHECKPOINT_DIR>/<database>.jsonl`
after every full walk of the chain that found it whole and by a beat job in between (and, when
AUDIT_CHECKPOINT_EMAILS is set, mailed to the auditors, who then hold copies no one with the
server can take back). `audit.verify` compares each chain with its furthest checkpoint: a chain
that ends before it (a deleted tail and a rolled-back head, a truncated table) or whose entry at
its seq has another hash (a re-hashed chain) is reported. Lines written before chains existed
(`seq`, `hash`) are about the global chain.

The directory should live where the database's users cannot write (another disk or host, a
mount the service may only append to: `chattr +a` on the file). Whoever can write it can only
delete or cut lines (they cannot sign new ones): the mailed copies are the answer to that.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

GLOBAL = "global"  # the name of the chain of entries that belong to no committee

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pin:
    """Where one chain stood at a checkpoint."""

    seq: int
    hash: str
    at: datetime.datetime


@dataclass(frozen=True)
class Checkpoint:
    heads: dict[str, tuple[int, str]]  # chain name ("global", a committee's id) → (seq, hash)
    at: datetime.datetime
    key_id: str
    line: str = ""  # the line as written (what the auditors' e-mail carries)

    def pin(self, chain: str) -> Pin | None:
        head = self.heads.get(chain)
        return None if head is None else Pin(head[0], head[1], self.at)


class CheckpointError(Exception):
    """A line of the file is not a checkpoint this service signed."""

    def __init__(self, line_number: int, reason: str):
        super().__init__(f"line {line_number}: {reason}")
        self.line_number = line_number
        self.reason = reason


def database_label() -> str:
    """Which database the checkpoints are about: its name (a SQLite file's name)."""
    name = Path(str(connection.settings_dict["NAME"])).name
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "default"


def path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / f"{database_label()}.jsonl"


def _signature(key: bytes, *, at: str, database: str, key_id: str, **chains) -> str:
    if "heads" in chains:
        heads = sorted([name, seq, hash] for name, (seq, hash) in chains["heads"].items())
        message = json.dumps([heads, at, database, key_id], separators=(",", ":"))
    else:  # a line written before chains: the global chain's seq and hash
        message = json.dumps(
            [chains["seq"], chains["hash"], at, database, key_id], separators=(",", ":")
        )
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def write(heads: dict[str, tuple[int, str]]) -> Checkpoint:
    """Append a signed checkpoint of these chains' heads to the file (created if missing) and
    mail it to the auditors when AUDIT_CHECKPOINT_EMAILS is set."""
    from .audit import keyring

    ring = keyring()
    at = timezone.now().astimezone(datetime.UTC)
    at_text = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    heads = {name: (int(seq), str(hash)) for name, (seq, hash) in sorted(heads.items())}
    fields = {
        "heads": {name: list(head) for name, head in heads.items()},
        "at": at_text,
        "database": database_label(),
        "key_id": ring.current_id,
    }
    record = {**fields, "sig": _signature(ring.current, **{**fields, "heads": heads})}
    line = json.dumps(record, separators=(",", ":"))
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    checkpoint = Checkpoint(heads, at, ring.current_id, line)
    _mail(checkpoint)
    return checkpoint


def read() -> list[Checkpoint]:
    """Every checkpoint in the file, in order; CheckpointError at the first line that is not
    one this service signed (bad JSON, another database, an unknown key, a wrong signature)."""
    from .audit import keyring

    target = path()
    if not target.exists():
        return []
    keys = keyring().keys
    database = database_label()
    found = []
    with target.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
                fields = {
                    "at": str(record["at"]),
                    "database": str(record["database"]),
                    "key_id": str(record["key_id"]),
                }
                if "heads" in record:
                    heads = {
                        str(name): (int(seq), str(hash))
                        for name, (seq, hash) in record["heads"].items()
                    }
                    chains: dict = {"heads": heads}
                else:
                    heads = {GLOBAL: (int(record["seq"]), str(record["hash"]))}
                    chains = {"seq": heads[GLOBAL][0], "hash": heads[GLOBAL][1]}
                signature = str(record["sig"])
                at = datetime.datetime.strptime(fields["at"], "%Y-%m-%dT%H:%M:%S.%fZ")
            except (ValueError, KeyError, TypeError) as exc:
                raise CheckpointError(number, "malformed") from exc
            if fields["database"] != database:
                raise CheckpointError(number, "another database")
            key = keys.get(fields["key_id"])
            if key is None:
                raise CheckpointError(number, "unknown key")
            if not hmac.compare_digest(signature, _signature(key, **fields, **chains)):
                raise CheckpointError(number, "bad signature")
            found.append(
                Checkpoint(
                    heads,
                    at.replace(tzinfo=datetime.UTC),
                    fields["key_id"],
                    text.strip(),
                )
            )
    return found


def set_aside() -> Path | None:
    """When the database's chain is deliberately replaced (a benchmark's generated dataset, a
    developer starting over): keep the old checkpoints under another name, so they are not
    compared with a chain they never saw. Returns the new name (None when there was no file)."""
    target = path()
    if not target.exists():
        return None
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.{stamp}.set-aside")
    target.rename(kept)
    return kept


def furthest(chain: str, known: list[Checkpoint] | None = None) -> Pin | None:
    """The chain's pin with the highest seq: the furthest the chain is known to have reached
    (a later one with a lower seq, written after a rollback, cannot hide it)."""
    pins = [p for c in (read() if known is None else known) if (p := c.pin(chain)) is not None]
    return max(pins, key=lambda p: (p.seq, p.at), default=None)


def _mail(checkpoint: Checkpoint) -> None:
    recipients = settings.AUDIT_CHECKPOINT_EMAILS
    if not recipients:
        return
    from django.core.mail import EmailMessage
    from django.utils.translation import gettext as _

    at = timezone.localtime(checkpoint.at).strftime("%d/%m/%Y %H:%M:%S")
    try:
        EmailMessage(
            subject=_("Điểm mốc chuỗi nhật ký: %(n)s chuỗi") % {"n": len(checkpoint.heads)},
            body=_(
                "Lúc %(at)s các chuỗi nhật ký đã đến:\n%(heads)s\n\n"
                "Hãy lưu giữ thư này: nếu về sau một chuỗi bị cắt cụt, bị quay lui hoặc bị tính "
                "lại, nó sẽ không khớp với điểm mốc này.\n\nĐiểm mốc có chữ ký:\n%(line)s\n"
            )
            % {
                "at": at,
                "heads": "\n".join(
                    f"{name}: #{seq} {hash}" for name, (seq, hash) in checkpoint.heads.items()
                ),
                "line": checkpoint.line,
            },
            to=recipients,
        ).send(fail_silently=False)
    except Exception:  # the checkpoint is on disk; a mail server down must not undo that
        logger.exception("could not mail the audit checkpoint")


def mail_alarm(description: str) -> None:
    """Tell the auditors at once that a check found the chain broken."""
    recipients = settings.AUDIT_CHECKPOINT_EMAILS
    if not recipients:
        return
    from django.core.mail import EmailMessage
    from django.utils.translation import gettext as _

    try:
        EmailMessage(subject=_("Chuỗi nhật ký bị phá vỡ"), body=description, to=recipients).send(
            fail_silently=False
        )
    except Exception:
        logger.exception("could not mail the audit chain alarm")
