"""The announcement calendar (DOMAIN.md "Levels": provincial honours by 15 October): before the
higher committee's nomination deadline (or, without one, NOMINATION_LEAD_DAYS before its
announcement date), each lower committee that has not nominated yet is reminded, once per
threshold (workflows.reminders' ReminderLog keeps the once)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from notifications.models import ReminderLog
from notifications.services import Message, enqueue
from units.models import Membership, Role
from units.selectors import lower_committees

from ..models import Campaign
from ..reminders import _once, deadline_threshold
from .nominations import active_nominations


def nomination_deadline(campaign: Campaign) -> datetime.date | None:
    """When the lower committees' nominations are due: the campaign's own deadline, else the
    announcement date less the lead time the council needs to score."""
    if campaign.nomination_deadline:
        return campaign.nomination_deadline
    if campaign.announcement_date:
        lead = datetime.timedelta(days=settings.NOMINATION_LEAD_DAYS)
        return campaign.announcement_date - lead
    return None


def remind_nominations(*, today: datetime.date | None = None) -> list[tuple[int, int]]:
    """Remind the leaders of lower committees that have nominated nothing to a campaign whose
    nominations fall due within the thresholds. Returns (campaign id, committee id) pairs."""
    today = today or timezone.localdate()
    thresholds = tuple(settings.NOMINATION_REMINDER_DAYS)
    reminded = []
    campaigns = (
        Campaign.objects.filter(
            Q(nomination_deadline__gte=today)
            | Q(nomination_deadline=None, announcement_date__gte=today)
        )
        .exclude(nomination_quota=0)
        .select_related("committee")
    )
    for campaign in campaigns:
        due = nomination_deadline(campaign)
        if due is None or due < today:
            continue
        threshold = deadline_threshold((due - today).days, thresholds)
        if threshold is None:
            continue
        for lower in lower_committees(campaign.committee):
            if active_nominations(campaign, lower).exists():
                continue

            def send(campaign=campaign, lower=lower, due=due):
                leaders = Membership.objects.filter(
                    unit=lower, role=Role.COMMITTEE_LEADER, is_active=True, user__is_active=True
                ).values_list("user_id", flat=True)
                announcement = campaign.announcement_date
                enqueue(
                    event="nomination_reminder",
                    subject_type="campaign",
                    subject_id=campaign.pk,
                    messages=[Message(pk, "nomination_deadline") for pk in leaders],
                    payload={
                        "title": campaign.title or str(campaign),
                        "committee": lower.name,
                        "parent": campaign.committee.name,
                        "deadline": due.strftime("%d/%m/%Y"),
                        "announcement": announcement.strftime("%d/%m/%Y") if announcement else "—",
                        "days": (due - today).days,
                    },
                )

            if _once(ReminderLog.Kind.DEADLINE, lower.pk, f"nom-d-{threshold}", send, campaign.pk):
                reminded.append((campaign.pk, lower.pk))
    return reminded
