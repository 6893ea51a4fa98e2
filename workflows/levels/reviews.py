"""The annual review: each year a committee reviews the models it recognised in earlier years."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidData, NotAllowed
from core.request import NO_META, RequestMeta
from notifications.services import Message, enqueue
from units.models import Membership, Role, Unit

from .. import audit
from ..models import AnnualReview, Initiative, State

REVIEWED_STATES = (State.RECOGNIZED, State.COMMENDED)


def current_review(initiative: Initiative) -> AnnualReview | None:
    """The committee's latest annual review, when it covers this model (recognised in an
    earlier year), else None. The campaign is already loaded with the initiative."""
    if initiative.state not in REVIEWED_STATES:
        return None
    return (
        AnnualReview.objects.filter(
            committee_id=initiative.campaign.committee_id, year__gt=initiative.year
        )
        .order_by("-year")
        .first()
    )


def under_review(initiative: Initiative) -> bool:
    return current_review(initiative) is not None


def models_under_review(review: AnnualReview) -> QuerySet[Initiative]:
    """The models the review covers: recognised (or commended) by its committee before its year."""
    return (
        Initiative.objects.filter(
            campaign__committee_id=review.committee_id,
            state__in=REVIEWED_STATES,
            year__lt=review.year,
        )
        .select_related("unit")
        .order_by("-year", "unit__path", "pk")
    )


def open_review(
    *,
    committee: Unit,
    actor,
    year: int | None = None,
    report_deadline: datetime.date | None = None,
    meta: RequestMeta = NO_META,
) -> AnnualReview:
    """Open the committee's review of `year` (this year by default): its leader only; each unit
    whose model it covers is told to report. Audited like a campaign change."""
    year = year or timezone.localdate().year
    if not Membership.objects.filter(
        user=actor, unit=committee, role=Role.COMMITTEE_LEADER, is_active=True
    ).exists():
        raise NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới mở đợt đánh giá hằng năm."))
    if not 2000 <= year <= 2100:
        raise InvalidData(field_errors={"year": [_("Năm không hợp lệ.")]})
    try:
        with transaction.atomic():
            review = AnnualReview.objects.create(
                committee=committee, year=year, report_deadline=report_deadline, opened_by=actor
            )
            models = list(models_under_review(review))
            for initiative in models:
                people = Membership.objects.filter(
                    unit_id=initiative.unit_id,
                    is_active=True,
                    role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD),
                ).values_list("user_id", flat=True)
                enqueue(
                    event="open_review",
                    subject_id=initiative.pk,
                    messages=[Message(pk, "unit") for pk in people if pk != actor.pk],
                    payload={
                        "title": initiative.title,
                        "actor": str(actor),
                        "year": year,
                        "committee": str(committee),
                    },
                )
            audit.append(
                committee_id=committee.pk,
                subject_type="annual_review",
                subject_id=review.pk,
                actor_id=actor.pk,
                action="open_review",
                changes={
                    "year": [None, year],
                    "report_deadline": [
                        None,
                        report_deadline.isoformat() if report_deadline else None,
                    ],
                    "models": [None, len(models)],
                },
                role=Role.COMMITTEE_LEADER,
                unit_id=committee.pk,
                request_id=meta.request_id,
                ip=meta.ip,
            )
    except IntegrityError:
        raise Conflict(
            _("%(committee)s đã mở đợt đánh giá năm %(year)s.")
            % {"committee": committee, "year": year}
        ) from None
    return review
