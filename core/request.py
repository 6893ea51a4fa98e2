"""Who asked, from where: the request metadata every audit entry carries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

# AuditEntry.request_id is varchar(64): a longer X-Request-ID is cut, never a 500.
REQUEST_ID_MAX = 64


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None


NO_META = RequestMeta()


def meta_from(request) -> RequestMeta:
    """The caller's X-Request-ID (cut to 64 characters) or a new one, and the IP. Pages, the
    API and the admin all read it here. The id is the one the request's log line and its
    Celery tasks carry (ops.middleware gave it to the request)."""
    request_id = getattr(request, "request_id", "") or (
        (request.headers.get("X-Request-ID") or "").strip()[:REQUEST_ID_MAX]
    )
    return RequestMeta(
        request_id=request_id or uuid.uuid4().hex, ip=request.META.get("REMOTE_ADDR") or None
    )
