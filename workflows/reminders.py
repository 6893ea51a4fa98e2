"""Reminders and escalations of the workflow's deadlines and tasks, run by Celery beat (the
outbox in notifications delivers them). Each takes the clock as an argument so tests
freeze it by passing a date; each (task or unit, threshold) is reminded once, recorded in
ReminderLog whose unique constraint also stops two overlapping runs from both sending."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from notifications.models import ReminderLog
from notifications.services import Message, enqueue
from units.models import Membership, Role
from units.selectors import people_with_role_over

from .models import Campaign, InitiativeTask
from .selectors import quota_standing

ACTIVE_TASK = ("NEW", "ASSIGNED", "STARTED")


def _logged(kind: str, threshold: str) -> Exists:
    """Whether the outer task already has its reminder of this kind and threshold."""
    return Exists(
        ReminderLog.objects.filter(
            kind=kind, object_id=OuterRef("pk"), scope_id=0, threshold=threshold
        )
    )


def _record(kind: str, object_id: int, threshold: str, scope_id: int = 0) -> bool:
    """True the first time (kind, object, scope, threshold) is seen; False ever after."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                kind=kind, object_id=object_id, scope_id=scope_id, threshold=threshold
            )
    except IntegrityError:
        return False
    return True


def _once(kind: str, object_id: int, threshold: str, send, scope_id: int = 0) -> bool:
    """Send a reminder the first time (kind, object, scope, threshold) comes up. Its ReminderLog
    row and the outbox rows that `send` writes commit together: a crash between them leaves
    neither, and the next run tries again."""
    with transaction.atomic():
        if not _record(kind, object_id, threshold, scope_id):
            return False
        send()
    return True


def deadline_threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The most urgent threshold reached: 5 days left with (14, 7, 1) is the 7-day reminder."""
    reached = [t for t in thresholds if 0 <= days_left <= t]
    return min(reached) if reached else None


def remind_registration_deadline(*, today: datetime.date | None = None) -> list[tuple[int, int]]:
    """Before a campaign's registration deadline, tell the heads of units registered under the
    quota. Returns (campaign id, unit id) pairs reminded by this run."""
    today = today or timezone.localdate()
    thresholds = tuple(settings.NOTIFICATIONS_DEADLINE_DAYS)
    horizon = today + datetime.timedelta(days=max(thresholds))
    reminded = []
    campaigns = Campaign.objects.filter(
        registration_deadline__gte=today, registration_deadline__lte=horizon
    ).select_related("committee")
    for campaign in campaigns:
        days_left = (campaign.registration_deadline - today).days
        threshold = deadline_threshold(days_left, thresholds)
        if threshold is None:
            continue
        # Units already reminded at this threshold are skipped before any work: a daily run
        # with nothing new costs a few queries per campaign, not an INSERT attempt per unit.
        done_units = set(
            ReminderLog.objects.filter(
                kind=ReminderLog.Kind.DEADLINE, scope_id=campaign.pk, threshold=f"d-{threshold}"
            ).values_list("object_id", flat=True)
        )
        for row in quota_standing(campaign, under_only=True):
            unit = row["unit"]
            if unit.pk in done_units:
                continue

            def send(campaign=campaign, unit=unit, row=row, days_left=days_left):
                heads = Membership.objects.filter(
                    unit=unit, role=Role.UNIT_HEAD, is_active=True, user__is_active=True
                ).values_list("user_id", flat=True)
                enqueue(
                    event="deadline",
                    subject_type="campaign",
                    subject_id=campaign.pk,
                    messages=[Message(pk, "deadline") for pk in heads],
                    payload={
                        "title": campaign.title or str(campaign),
                        "unit": unit.name,
                        "unit_id": unit.pk,
                        "registered": row["registered"],
                        "quota": row["quota"],
                        "deadline": campaign.registration_deadline.strftime("%d/%m/%Y"),
                        "days": days_left,
                    },
                )

            if _once(ReminderLog.Kind.DEADLINE, unit.pk, f"d-{threshold}", send, campaign.pk):
                reminded.append((campaign.pk, unit.pk))
    return reminded


def _holders(task: InitiativeTask) -> list[int]:
    if task.owner_id:
        return [task.owner_id]
    if not task.role or task.scope_unit_id is None:
        return []
    return list(people_with_role_over(task.scope_unit, task.role).values_list("pk", flat=True))


def remind_overdue_tasks(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Tasks past due remind whoever holds them (or may claim them); after a further delay the
    committee's leaders are told. Returns the task ids reminded and escalated by this run."""
    now = now or timezone.now()
    escalate_after = datetime.timedelta(days=settings.NOTIFICATIONS_ESCALATE_AFTER_DAYS)
    escalation = f"due+{settings.NOTIFICATIONS_ESCALATE_AFTER_DAYS}d"
    # Only tasks with a reminder still to send: those logged for every threshold they reached
    # are left out by the query (NOT EXISTS), so a run with nothing new is one query however
    # many tasks have ever been overdue.
    tasks = (
        InitiativeTask.objects.filter(status__in=ACTIVE_TASK, due_at__lt=now)
        .exclude(role="")
        .annotate(
            reminded=_logged(ReminderLog.Kind.OVERDUE, "due"),
            escalated=_logged(ReminderLog.Kind.ESCALATION, escalation),
        )
        .filter(Q(reminded=False) | Q(escalated=False, due_at__lte=now - escalate_after))
        .select_related("initiative__unit", "initiative__campaign", "scope_unit")
        .order_by("due_at", "pk")
    )
    done: dict[str, list[int]] = {"overdue": [], "escalation": []}
    for task in tasks:
        initiative = task.initiative
        payload = {
            "title": initiative.title,
            "unit": initiative.unit.name,
            "unit_id": initiative.unit_id,
            "step": str(task.flow_task.task_title) if task.flow_task else task.role,
            "due": timezone.localtime(task.due_at).strftime("%d/%m/%Y"),
            "state": initiative.state,
        }

        def overdue(task=task, initiative=initiative, payload=payload):
            enqueue(
                event="overdue",
                subject_id=initiative.pk,
                messages=[Message(pk, "overdue", task.pk) for pk in _holders(task)],
                payload=payload,
            )

        def escalate(task=task, initiative=initiative, payload=payload):
            leaders = Membership.objects.filter(
                unit_id=initiative.campaign.committee_id,
                role=Role.COMMITTEE_LEADER,
                is_active=True,
                user__is_active=True,
            ).values_list("user_id", flat=True)
            enqueue(
                event="escalation",
                subject_id=initiative.pk,
                messages=[Message(pk, "escalation", task.pk) for pk in leaders],
                payload=payload,
            )

        if not task.reminded and _once(ReminderLog.Kind.OVERDUE, task.pk, "due", overdue):
            done["overdue"].append(task.pk)
        if (
            not task.escalated
            and task.due_at + escalate_after <= now
            and _once(ReminderLog.Kind.ESCALATION, task.pk, escalation, escalate)
        ):
            done["escalation"].append(task.pk)
    return done
