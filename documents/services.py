"""Writes of the documents app. `register_document` gives a document its number."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidData, NotAllowed
from units.models import Membership, Role, Unit

from .models import (
    DocumentCounter,
    DocumentKind,
    RegisteredDocument,
    issuer_is_state_body,
    issuer_symbol,
)

User = get_user_model()

# Who may take a number in a unit's register: the people who draft and sign its documents,
# held in that unit itself (not in a unit above or below it). Council members and auditors
# issue nothing.
ISSUING_ROLES = frozenset(
    {Role.UNIT_STAFF, Role.UNIT_HEAD, Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER}
)


def may_issue(actor, issuer: Unit, *, on: datetime.date | None = None) -> bool:
    """Whether `actor` may take numbers in `issuer`'s register: a superuser, or someone holding
    an issuing role in that unit, or the substitute today of someone who does (the delegation
    rows of workflows, read by their relation so this app imports no other)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if not issuer.is_active:
        return False
    day = on or timezone.localdate()
    holders = Membership.objects.filter(
        unit=issuer, role__in=ISSUING_ROLES, is_active=True, user__is_active=True
    )
    if holders.filter(user=actor).exists():
        return True
    return holders.filter(
        user__delegations_given__substitute=actor,
        user__delegations_given__starts_on__lte=day,
        user__delegations_given__ends_on__gte=day,
    ).exists()


def register_document(
    *,
    actor,
    issuer: Unit,
    kind: str,
    title: str,
    year: int | None = None,
    issued_on: datetime.date | None = None,
) -> RegisteredDocument:
    """Give a document the next number of `issuer`'s register for its kind and year.

    Numbers come in order, once, and without gaps under concurrent use: the register's counter
    row is locked FOR UPDATE in the caller's transaction (or this one) and moves with the
    document it numbers, so a transaction that rolls back gives its number back. Call it inside
    the transaction that uses the number (recording a decision, issuing a plan).
    Raises NotAllowed (the actor may not issue for the unit) or InvalidData.
    """
    if not may_issue(actor, issuer):
        raise NotAllowed(_("Bạn không có quyền lấy số văn bản của đơn vị này."))
    try:
        kind = DocumentKind(kind)
    except ValueError:
        raise InvalidData(field_errors={"kind": [_("Loại văn bản không hợp lệ.")]}) from None
    title = (title or "").strip()
    if not title:
        raise InvalidData(field_errors={"title": [_("Cần nhập trích yếu của văn bản.")]})
    if len(title) > RegisteredDocument._meta.get_field("title").max_length:
        raise InvalidData(field_errors={"title": [_("Trích yếu quá dài (tối đa 500 ký tự).")]})
    issued_on = issued_on or timezone.localdate()
    if year is None:
        year = issued_on.year
    elif year != issued_on.year:
        raise InvalidData(
            field_errors={"issued_on": [_("Ngày ban hành phải thuộc năm của sổ văn bản.")]}
        )

    with transaction.atomic():
        # The counter row exists once (a concurrent first insert waits on the unique key and
        # then does nothing); the lock below is what orders the numbers.
        DocumentCounter.objects.bulk_create(
            [DocumentCounter(issuer=issuer, year=year, kind=kind)], ignore_conflicts=True
        )
        counter = DocumentCounter.objects.select_for_update().get(
            issuer=issuer, year=year, kind=kind
        )
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return RegisteredDocument.objects.create(
            issuer=issuer,
            year=year,
            kind=kind,
            number=counter.last_number,
            title=title,
            issued_on=issued_on,
            issuer_symbol=issuer_symbol(issuer),
            state_style=issuer_is_state_body(issuer),
            created_by=actor,
        )
