"""The registration lifecycle's entry to the one door."""

from __future__ import annotations

from core.request import NO_META, RequestMeta

from ..engine import door
from ..lifecycle.kind import INITIATIVE
from ..models import Initiative


def perform(
    initiative_id: int,
    action: str,
    *,
    actor,
    comment: str = "",
    meta: RequestMeta = NO_META,
    **data,
) -> Initiative:
    """Lock, check, complete the task, transition, audit, notify — or raise a DomainError.

    Everything happens in one transaction; a person who loses the race for the initiative's
    row lock gets Conflict at once instead of waiting (NOWAIT)."""
    return door.perform(
        INITIATIVE, initiative_id, action, actor=actor, comment=comment, meta=meta, **data
    )
