"""The plan's number in its issuing committee's register ("24-KH/BDVTU").

The register itself is the `documents` app's (documents.services.register_document); when that
app is installed the number comes from it, so a plan and every other document of the committee
share one sequence per year. Without it, a sequence per committee and year is counted here
from the plans already issued (the plan's row lock and the committee's row lock keep two
issues from taking the same number)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Max

from units.models import Unit


@dataclass(frozen=True)
class RegisteredNumber:
    number: int
    symbol: str


def issuer_code(unit: Unit) -> str:
    """The issuing body's letters in a Party document's symbol (BDVTU for Ban Dân vận Tỉnh ủy)."""
    return (unit.short_name or unit.code).replace(" ", "").upper()


def register_plan(*, actor, issuer: Unit, title: str, issued_on: datetime.date) -> RegisteredNumber:
    if apps.is_installed("documents"):
        from documents.models import DocumentKind
        from documents.services import register_document

        document = register_document(
            actor=actor,
            issuer=issuer,
            kind=DocumentKind.PLAN,
            title=title,
            year=issued_on.year,
            issued_on=issued_on,
        )
        return RegisteredNumber(number=document.number, symbol=document.symbol)
    from .models import Plan

    # Serialise the committee's numbering on its unit row (held to the end of the transaction).
    Unit.objects.select_for_update().filter(pk=issuer.pk).first()
    last = (
        Plan.objects.filter(committee=issuer, year=issued_on.year, number__isnull=False).aggregate(
            m=Max("number")
        )["m"]
        or 0
    )
    number = last + 1
    return RegisteredNumber(number=number, symbol=f"{number}-KH/{issuer_code(issuer)}")
