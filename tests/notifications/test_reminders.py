"""Reminder jobs with a frozen clock: the date is passed in, nothing is patched."""

from __future__ import annotations

import datetime

import pytest

from notifications.models import Outbox, ReminderLog
from tests.workflows.conftest import REGISTRATION, advance, draft
from workflows import services
from workflows.models import InitiativeTask, State
from workflows.reminders import remind_overdue_tasks, remind_registration_deadline


def recipients(event: str) -> set[str]:
    return set(Outbox.objects.filter(event=event).values_list("recipient__username", flat=True))


def test_deadline_reminders_go_to_heads_of_units_under_quota_once_per_threshold(world):
    deadline = world.campaign.registration_deadline
    advance(world, draft(world), State.UNIT_REVIEW)  # Sở Nông nghiệp has registered its one
    services.create_initiative(  # a draft does not count
        unit=world.units["dept2"], actor=world.other_staff, year=world.year, **REGISTRATION
    )

    assert remind_registration_deadline(today=deadline - datetime.timedelta(days=20)) == []

    first = remind_registration_deadline(today=deadline - datetime.timedelta(days=7))
    assert sorted(first) == sorted(
        [
            (world.campaign.pk, world.units["dept2"].pk),
            (world.other_campaign.pk, world.units["dept_b"].pk),
        ]
    )
    assert recipients("deadline") == {"other_head", "b_head"}
    row = Outbox.objects.get(event="deadline", recipient=world.other_head)
    assert row.payload["registered"] == 0 and row.payload["quota"] == 1
    # The same day again, or a day later under the same threshold: nothing new.
    assert remind_registration_deadline(today=deadline - datetime.timedelta(days=7)) == []
    assert remind_registration_deadline(today=deadline - datetime.timedelta(days=5)) == []
    # The next threshold reminds again; after the deadline nobody is reminded.
    assert len(remind_registration_deadline(today=deadline - datetime.timedelta(days=1))) == 2
    assert remind_registration_deadline(today=deadline + datetime.timedelta(days=1)) == []
    assert Outbox.objects.filter(event="deadline").count() == 4
    assert ReminderLog.objects.filter(kind="deadline").count() == 4


def test_overdue_tasks_remind_their_holder_then_escalate_to_the_leader(world, settings):
    settings.NOTIFICATIONS_ESCALATE_AFTER_DAYS = 3
    a = advance(world, draft(world), State.UNIT_REVIEW)
    b = advance(world, draft(world, title="Mô hình B"), State.SCREENING)
    review = InitiativeTask.objects.get(initiative=a, role="unit_head", finished__isnull=True)
    screening = InitiativeTask.objects.get(
        initiative=b, role="committee_reviewer", finished__isnull=True
    )
    assert review.due_at < screening.due_at
    Outbox.objects.all().delete()  # only reminders from here on

    before = remind_overdue_tasks(now=review.due_at - datetime.timedelta(minutes=1))
    assert before == {"overdue": [], "escalation": []}

    late = remind_overdue_tasks(now=review.due_at + datetime.timedelta(hours=1))
    assert late == {"overdue": [review.pk], "escalation": []}
    assert recipients("overdue") == {"head"}
    assert Outbox.objects.get(event="overdue").task_id == review.pk

    later = review.due_at + datetime.timedelta(days=3, hours=1)
    assert later < screening.due_at
    assert remind_overdue_tasks(now=later) == {"overdue": [], "escalation": [review.pk]}
    assert recipients("escalation") == {"leader"}

    much_later = screening.due_at + datetime.timedelta(hours=1)
    assert remind_overdue_tasks(now=much_later) == {"overdue": [screening.pk], "escalation": []}
    assert recipients("overdue") == {"head", "reviewer"}
    # Re-running changes nothing: each (task, threshold) once.
    assert remind_overdue_tasks(now=much_later) == {"overdue": [], "escalation": []}
    assert Outbox.objects.count() == 3


def test_a_run_with_nothing_new_costs_the_same_few_queries_however_many_tasks_are_overdue(
    world, settings
):
    """Tasks already reminded (and escalated) are left out by the query: a daily run does not
    re-walk every task that was ever overdue."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NOTIFICATIONS_ESCALATE_AFTER_DAYS = 3
    initiatives = [
        advance(world, draft(world, title=f"Mô hình {i}"), State.UNIT_REVIEW) for i in range(9)
    ]
    tasks = InitiativeTask.objects.filter(
        initiative__in=initiatives, role="unit_head", finished__isnull=True
    ).order_by("pk")
    due = tasks[0].due_at
    far = due + datetime.timedelta(days=365)
    tasks.update(due_at=far)
    InitiativeTask.objects.filter(pk__in=[t.pk for t in tasks[:3]]).update(due_at=due)
    now = due + datetime.timedelta(days=4)  # overdue and past the escalation delay

    costs = []
    for overdue in (3, 9):
        if overdue == 9:
            tasks.update(due_at=due)
        first = remind_overdue_tasks(now=now)
        assert len(first["overdue"]) == len(first["escalation"]) == (3 if overdue == 3 else 6)
        sent = Outbox.objects.count()
        with CaptureQueriesContext(connection) as queries:
            assert remind_overdue_tasks(now=now) == {"overdue": [], "escalation": []}
        assert Outbox.objects.count() == sent  # nothing sent again
        costs.append(len(queries))
    assert costs[0] == costs[1] <= 2, costs


def test_a_reminder_is_not_logged_unless_its_messages_are_written_with_it(world, monkeypatch):
    """The ReminderLog row and the outbox rows commit together: if writing the messages fails
    (a crash between the two), nothing is logged and the next run sends the reminder."""
    from workflows import reminders

    review = InitiativeTask.objects.get(
        initiative=advance(world, draft(world), State.UNIT_REVIEW),
        role="unit_head",
        finished__isnull=True,
    )
    Outbox.objects.all().delete()
    enqueue = reminders.enqueue

    def enqueue_then_crash(**kwargs):
        enqueue(**kwargs)
        raise RuntimeError("worker lost between the log and the outbox rows")

    monkeypatch.setattr(reminders, "enqueue", enqueue_then_crash)
    late = review.due_at + datetime.timedelta(hours=1)
    with pytest.raises(RuntimeError):
        remind_overdue_tasks(now=late)
    deadline = world.campaign.registration_deadline - datetime.timedelta(days=7)
    with pytest.raises(RuntimeError):
        remind_registration_deadline(today=deadline)
    assert not ReminderLog.objects.exists()
    assert not Outbox.objects.exists()

    monkeypatch.setattr(reminders, "enqueue", enqueue)
    assert remind_overdue_tasks(now=late) == {"overdue": [review.pk], "escalation": []}
    assert remind_registration_deadline(today=deadline)
    assert recipients("overdue") == {"head"} and recipients("deadline")
