"""Reads: the models a leader may put on a decision or a proposal, and a campaign's awards."""

from __future__ import annotations

from django.db.models import QuerySet

from workflows.models import Campaign, Initiative, State

from .models import Award, AwardKind, AwardStatus

# The state a model must be in to go on each kind of document.
SOURCE_STATE = {AwardKind.RECOGNITION: State.DECIDING, AwardKind.COMMENDATION: State.RECOGNIZED}


def pending_elsewhere(campaign: Campaign, kind: str) -> set[int]:
    """Models already on a decision (or proposal) of this kind that is not yet recorded."""
    return set(
        Award.objects.filter(campaign=campaign, kind=kind)
        .exclude(status=AwardStatus.RECORDED)
        .values_list("items__initiative_id", flat=True)
    ) - {None}


def candidates(campaign: Campaign, kind: str) -> QuerySet[Initiative]:
    """Models that may go on a new document of this kind, best score first."""
    qs = campaign.initiatives.filter(state=SOURCE_STATE[kind]).select_related("unit")
    if kind == AwardKind.COMMENDATION:
        qs = qs.filter(has_open_case=False, commendation__isnull=True)
    return qs.exclude(pk__in=pending_elsewhere(campaign, kind)).order_by(
        "-total_score", "unit__path", "pk"
    )


def preselected(campaign: Campaign, kind: str, initiative: Initiative) -> bool:
    """Ticked when the page opens: over the pass mark for a decision, every recognised model
    for a proposal."""
    if kind == AwardKind.RECOGNITION:
        return initiative.total_score is not None and initiative.total_score >= campaign.pass_mark
    return True


def campaign_awards(campaign: Campaign) -> QuerySet[Award]:
    return campaign.awards.select_related("registered", "created_by").order_by("-created_at")


def award_items(award: Award):
    return award.items.select_related("initiative__unit", "initiative__campaign").order_by(
        "position"
    )
