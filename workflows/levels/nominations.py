"""Nominating a recognised model to the committee one level up."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import ConditionFailed
from units.models import Unit
from units.selectors import parent_committee

from .. import audit
from ..models import (
    EDITABLE_FIELDS,
    RESULT_FIELDS,
    Attachment,
    Campaign,
    Initiative,
    ReviewOutcome,
    State,
)

# A nomination that no longer counts against the quota (the lower level may nominate again).
ENDED_NOMINATION_STATES = (State.RETURNED, State.WITHDRAWN)


def is_nomination(initiative: Initiative) -> bool:
    return initiative.nominated_from_id is not None


def is_not_nomination(initiative: Initiative) -> bool:
    return initiative.nominated_from_id is None


def has_higher_level(initiative: Initiative) -> bool:
    """Whether the committee that recognised the model has a committee above it (one query)."""
    return parent_committee(initiative.campaign.committee) is not None


def top_level_message(initiative: Initiative) -> str:
    return _("%(committee)s là cấp cao nhất: không có Ban Dân vận cấp trên để đề cử.") % {
        "committee": initiative.campaign.committee
    }


def active_nominations(campaign: Campaign, committee: Unit) -> QuerySet[Initiative]:
    """What `committee` has nominated to `campaign` and still counts against its quota."""
    return Initiative.objects.filter(campaign=campaign, nominated_by=committee).exclude(
        state__in=ENDED_NOMINATION_STATES
    )


def target_campaign(initiative: Initiative, *, lock: bool = False) -> Campaign:
    """The higher committee's campaign of the model's year, or ConditionFailed saying why
    there is none. `lock` holds the campaign's row: nominations to one campaign queue on it,
    so two at once cannot both take the last place in a quota."""
    committee = initiative.campaign.committee
    parent = parent_committee(committee)
    if parent is None:
        raise ConditionFailed(
            _("%(committee)s là cấp cao nhất: không có Ban Dân vận cấp trên để đề cử.")
            % {"committee": committee}
        )
    qs = Campaign.objects.filter(committee=parent, year=initiative.year).select_related("committee")
    if lock:
        qs = qs.select_for_update(of=("self",))
    campaign = qs.first()
    if campaign is None:
        raise ConditionFailed(
            _("%(parent)s chưa mở đợt thi đua năm %(year)s để nhận đề cử.")
            % {"parent": parent, "year": initiative.year}
        )
    return campaign


def check_nomination(initiative: Initiative, campaign: Campaign) -> None:
    """The higher level's rules: its deadline, its quota per lower committee, once per model."""
    committee = initiative.campaign.committee
    if initiative.review_outcome == ReviewOutcome.INEFFECTIVE:
        raise ConditionFailed(
            _("Mô hình đã được đánh giá “không còn hiệu quả”: không thể đề cử lên cấp trên.")
        )
    deadline = campaign.nomination_deadline
    if deadline is not None and timezone.localdate() > deadline:
        raise ConditionFailed(
            _("Đã quá hạn đề cử (%(deadline)s) của %(parent)s; không nhận thêm đề cử.")
            % {"deadline": formats.date_format(deadline, "d/m/Y"), "parent": campaign.committee}
        )
    if (
        Initiative.objects.filter(campaign=campaign, nominated_from=initiative)
        .exclude(state__in=ENDED_NOMINATION_STATES)
        .exists()
    ):
        raise ConditionFailed(
            _("Mô hình này đã được đề cử lên %(parent)s.") % {"parent": campaign.committee}
        )
    used = active_nominations(campaign, committee).count()
    if used >= campaign.nomination_quota:
        raise ConditionFailed(
            _(
                "%(committee)s đã đề cử %(used)s/%(quota)s mô hình, là số tối đa %(parent)s "
                "nhận trong năm %(year)s."
            )
            % {
                "committee": committee,
                "used": used,
                "quota": campaign.nomination_quota,
                "parent": campaign.committee,
                "year": campaign.year,
            }
        )


def create_nomination(ctx, campaign: Campaign) -> Initiative:
    """The higher committee's copy of the model: its registration, result report and files,
    at screening, linked to the model; its process starts at the screening step."""
    from ..flows import InitiativeFlow  # the flow reads the registry that imports this module

    lower = ctx.subject
    values = {name: getattr(lower, name) for name in (*EDITABLE_FIELDS, *RESULT_FIELDS)}
    nomination = Initiative(
        campaign=campaign,
        unit=lower.unit,
        year=campaign.year,
        state=State.SCREENING,
        nominated_from=lower,
        nominated_by=lower.campaign.committee,
        created_by=ctx.actor,
        submitted_by=ctx.principal,  # who nominated it may not screen, score or decide it
        **values,
    )
    nomination.save()
    Attachment.objects.bulk_create(
        Attachment(
            initiative=nomination,
            purpose=a.purpose,
            file=a.file.name,  # the same stored file: nothing is copied on disk
            original_name=a.original_name,
            size=a.size,
            uploaded_by_id=a.uploaded_by_id,
        )
        for a in lower.attachments.filter(
            purpose__in=(Attachment.Purpose.EVIDENCE, Attachment.Purpose.RESULT)
        )
    )
    InitiativeFlow.start_nomination.run(initiative=nomination)
    # The higher level's timeline starts with where the model came from.
    audit.append(
        committee_id=nomination.campaign.committee_id,
        initiative_id=nomination.pk,
        actor_id=ctx.actor.pk,
        action="receive_nomination",
        to_state=nomination.state,
        comment=ctx.comment,
        changes={
            "nominated_from": [None, lower.pk],
            "nominated_by": [None, str(lower.campaign.committee)],
        },
        role=ctx.membership.role,
        unit_id=ctx.membership.unit_id,
        on_behalf_of_id=ctx.principal.pk if ctx.principal.pk != ctx.actor.pk else None,
    )
    return nomination
