"""Who sees and who prepares a campaign's decisions and proposals. The committee's people
(leaders, reviewers, council members, its auditors, and whoever stands in for them today) see
them; leaders prepare, number and record them. Anyone else: not found. Recording also goes
through the one door, which checks each model again."""

from __future__ import annotations

from units.models import Membership, Role
from workflows import access as workflow_access
from workflows.models import Campaign

from .models import Award

SEEING_ROLES = (Role.COMMITTEE_LEADER, Role.COMMITTEE_REVIEWER, Role.COUNCIL_MEMBER, Role.AUDITOR)


def sees_campaign(user, campaign: Campaign) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or workflow_access.holds_committee_role(
        user, campaign.committee_id, SEEING_ROLES
    )


def leads_campaign(user, campaign: Campaign) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or workflow_access.leads_committee(user, campaign.committee_id)


def visible_campaign(user, pk: int) -> Campaign | None:
    campaign = Campaign.objects.select_related("committee").filter(pk=pk).first()
    if campaign is None or not sees_campaign(user, campaign):
        return None
    return campaign


def visible_award(user, pk: int) -> Award | None:
    award = (
        Award.objects.select_related("campaign__committee", "registered", "created_by")
        .filter(pk=pk)
        .first()
    )
    if award is None or not sees_campaign(user, award.campaign):
        return None
    return award


def visible_awards(user):
    """Awards of every campaign whose committee the person (or whom they stand in for)
    belongs to with a seeing role: one query for the committees, one for the awards."""
    qs = Award.objects.select_related("campaign__committee", "registered")
    if user.is_superuser:
        return qs
    committees = Membership.objects.filter(
        user__in=[p.pk for p in workflow_access.principals(user)],
        role__in=SEEING_ROLES,
        is_active=True,
    ).values_list("unit_id", flat=True)
    return qs.filter(campaign__committee_id__in=list(committees))
