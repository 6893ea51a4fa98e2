"""What an Idempotency-Key is tied to, and how two requests with one key take turns.

- `request_hash`: a SHA-256 of what the request asks (the operation, its target and its body
  in a canonical form: keys sorted, a form's single values as values, an uploaded file as its
  name, size and SHA-256), stored with the key; the same key with another request is refused.
- `hold`: a transaction-scoped PostgreSQL advisory lock on (caller, key), taken before the key
  is looked up, so a second request with the key waits for the first to commit and then finds
  its stored answer (instead of racing it to the action). Other databases need nothing: SQLite
  lets one writer in at a time.
"""

from __future__ import annotations

import hashlib
import json

from django.core.files import File
from django.db import connection
from django.utils.datastructures import MultiValueDict


def _file(upload: File) -> dict:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"file": upload.name, "size": upload.size, "sha256": digest.hexdigest()}


def canonical(value):
    """A JSON-ready form of a parsed request body (DRF's request.data)."""
    if isinstance(value, MultiValueDict):  # a form or multipart body, its files included
        return {str(k): canonical(v[0] if len(v) == 1 else list(v)) for k, v in value.lists()}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, File):
        return _file(value)
    return value


def request_hash(operation: str, target, data) -> str:
    document = {"operation": operation, "target": target, "body": canonical(data)}
    text = json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def hold(user_id: int, key: str) -> None:
    """Wait for, then hold until the end of the current transaction, the (user, key) lock."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"idempotency-key\x00{user_id}\x00{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )
