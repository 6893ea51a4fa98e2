"""Reminders of what units owe their committee (implementing plans, periodic reports), run by
Celery beat: before the deadline the unit's staff and heads are reminded (at each threshold of
NOTIFICATIONS_DEADLINE_DAYS), on the day after it they are told it is overdue, and after
NOTIFICATIONS_ESCALATE_AFTER_DAYS more the committee's leaders are told. Each (filing,
threshold) once, recorded in notifications' ReminderLog like the registration's reminders."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from notifications.models import ReminderLog
from notifications.services import Message, enqueue
from units.models import Membership, Role
from workflows.reminders import _once, deadline_threshold

from .models import Filing, FilingState

OPEN = (FilingState.DRAFT, FilingState.SIGNING)
# ReminderLog rows of filings carry this prefix in their threshold, so they never meet the
# registration's reminders (whose object ids are units and tasks).
PREFIX = "filing:"


def _payload(filing: Filing, days: int | None = None) -> dict:
    return {
        "title": str(filing).rsplit(" — ", 1)[0],
        "unit": filing.unit.name,
        "unit_id": filing.unit_id,
        "due": filing.due_on.strftime("%d/%m/%Y"),
        "days": days if days is not None else 0,
    }


def _unit_people(filing: Filing) -> list[int]:
    return list(
        Membership.objects.filter(
            unit_id=filing.unit_id,
            role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD),
            is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def _leaders(filing: Filing) -> list[int]:
    return list(
        Membership.objects.filter(
            unit_id=filing.committee_id,
            role=Role.COMMITTEE_LEADER,
            is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def remind_filings(*, today: datetime.date | None = None) -> dict[str, list[int]]:
    """Returns the filing ids reminded, told overdue and escalated by this run."""
    today = today or timezone.localdate()
    thresholds = tuple(settings.NOTIFICATIONS_DEADLINE_DAYS)
    escalate_after = settings.NOTIFICATIONS_ESCALATE_AFTER_DAYS
    horizon = today + datetime.timedelta(days=max(thresholds))
    done: dict[str, list[int]] = {"deadline": [], "overdue": [], "escalation": []}
    filings = (
        Filing.objects.filter(state__in=OPEN, due_on__lte=horizon)
        .select_related("unit", "plan", "period")
        .order_by("due_on", "pk")
    )
    filings = list(filings)
    logged = set(
        ReminderLog.objects.filter(
            threshold__startswith=PREFIX, object_id__in=[f.pk for f in filings]
        ).values_list("object_id", "threshold")
    )
    for filing in filings:
        days_left = (filing.due_on - today).days
        if days_left >= 0:
            threshold = deadline_threshold(days_left, thresholds)
            key = f"{PREFIX}d-{threshold}"
            if threshold is None or (filing.pk, key) in logged:
                continue

            def before(filing=filing, days_left=days_left):
                enqueue(
                    event="filing_deadline",
                    subject_type="filing",
                    subject_id=filing.pk,
                    messages=[Message(pk, "filing_deadline") for pk in _unit_people(filing)],
                    payload=_payload(filing, days_left),
                )

            if _once(ReminderLog.Kind.DEADLINE, filing.pk, key, before):
                done["deadline"].append(filing.pk)
            continue
        key = f"{PREFIX}due"
        if (filing.pk, key) not in logged:

            def overdue(filing=filing):
                enqueue(
                    event="filing_overdue",
                    subject_type="filing",
                    subject_id=filing.pk,
                    messages=[Message(pk, "filing_overdue") for pk in _unit_people(filing)],
                    payload=_payload(filing),
                )

            if _once(ReminderLog.Kind.OVERDUE, filing.pk, key, overdue):
                done["overdue"].append(filing.pk)
        key = f"{PREFIX}due+{escalate_after}d"
        if -days_left >= escalate_after and (filing.pk, key) not in logged:

            def escalate(filing=filing):
                enqueue(
                    event="filing_escalation",
                    subject_type="filing",
                    subject_id=filing.pk,
                    messages=[Message(pk, "filing_escalation") for pk in _leaders(filing)],
                    payload=_payload(filing),
                )

            if _once(ReminderLog.Kind.ESCALATION, filing.pk, key, escalate):
                done["escalation"].append(filing.pk)
    return done
