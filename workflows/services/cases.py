"""Open cases (discipline, inspection, complaint) and delegation."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidData, NotAllowed, ReasonRequired
from core.request import NO_META, RequestMeta

from .. import access, audit
from ..lifecycle.kind import INITIATIVE
from ..models import Delegation, Initiative


@transaction.atomic
def delegate(
    *, principal, substitute, starts_on: datetime.date, ends_on: datetime.date, reason: str = ""
) -> Delegation:
    """`principal` names `substitute` to act for them while they are away."""
    if principal.pk == substitute.pk:
        raise InvalidData(field_errors={"substitute": [_("Không thể tự ủy quyền cho chính mình.")]})
    if ends_on < starts_on:
        raise InvalidData(field_errors={"ends_on": [_("Ngày kết thúc phải sau ngày bắt đầu.")]})
    return Delegation.objects.create(
        principal=principal,
        substitute=substitute,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )


@transaction.atomic
def set_open_case(
    initiative_id: int, *, actor, open_case: bool, comment: str, meta: RequestMeta = NO_META
) -> Initiative:
    """The committee flags (or clears) an open discipline, inspection or complaint case."""
    initiative = INITIATIVE.lock(initiative_id)
    access.require_visible(actor, initiative)
    if not access.screens_or_leads(actor, initiative.campaign.committee_id):
        raise NotAllowed()
    if not comment.strip():
        raise ReasonRequired(field_errors={"comment": [_("Cần nêu lý do.")]})
    before = initiative.has_open_case
    initiative.has_open_case = open_case
    initiative.save(update_fields=["has_open_case", "updated"])
    audit.append(
        committee_id=initiative.campaign.committee_id,
        initiative_id=initiative.pk,
        actor_id=actor.pk,
        action="flag_case",
        from_state=initiative.state,
        to_state=initiative.state,
        comment=comment.strip(),
        changes={"has_open_case": [before, open_case]},
        unit_id=initiative.campaign.committee_id,
        request_id=meta.request_id,
        ip=meta.ip,
    )
    return initiative
