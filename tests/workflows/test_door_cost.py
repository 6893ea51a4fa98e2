"""What one action costs the database (docs/performance.md, decision 0013), and that the
statements written once for the door write what the ORM would have written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import STATUS

from accounts.models import User
from notifications.models import Outbox, Webhook
from units.models import Membership, Role
from workflows import audit, services
from workflows.flows import InitiativeFlow
from workflows.models import InitiativeTask, State

from .conftest import draft

pytestmark = pytest.mark.django_db


def submitted(world):
    initiative = draft(world)
    services.perform(initiative.pk, "submit", actor=world.staff)
    return initiative


def approve_round_trips(world) -> int:
    initiative = submitted(world)
    with CaptureQueriesContext(connection) as ctx:
        services.perform(initiative.pk, "approve", actor=world.head)
    return len(ctx.captured_queries)


def test_an_approve_costs_the_same_round_trips_however_many_are_told(world, on_postgres):
    few = approve_round_trips(world)
    # More people in the unit, more reviewers to tell, a webhook: more rows, no more trips.
    for i in range(5):
        person = User.objects.create_user(username=f"more{i}", password="x")
        Membership.objects.create(user=person, unit=world.units["dept"], role=Role.UNIT_STAFF)
        Membership.objects.create(
            user=person, unit=world.campaign.committee, role=Role.COMMITTEE_REVIEWER
        )
    Webhook.objects.create(committee=world.campaign.committee, url="https://x.vn/h", secret="s")
    many = approve_round_trips(world)
    # The lock with its three reads, the save, the task's update, the next task's holders,
    # the next task with its link, the outbox, the chain head, the entry; and the savepoint
    # and its release around them (a test runs inside a transaction; a request has BEGIN
    # and COMMIT instead).
    assert few == many == 10


def test_a_task_taken_from_the_queue_costs_no_more_round_trips(world, on_postgres):
    """Two heads in the unit: the review task waits in their queue, and the approve takes it
    (viewflow's assign, then execute). The task is written once, by execute, with its owner."""
    second = User.objects.create_user(username="head2", password="x")
    Membership.objects.create(user=second, unit=world.units["dept"], role=Role.UNIT_HEAD)
    initiative = submitted(world)
    review = InitiativeTask.objects.get(
        initiative=initiative, flow_task=InitiativeFlow.instance.review
    )
    assert (review.owner_id, review.status) == (None, STATUS.NEW)  # in the queue
    with CaptureQueriesContext(connection) as ctx:
        services.perform(initiative.pk, "approve", actor=world.head)
    task_updates = [
        q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "workflows_initiativetask"')
    ]
    assert len(task_updates) == 1 and len(ctx.captured_queries) == 10
    review.refresh_from_db()
    assert (review.status, review.owner, review.finished_by) == (
        STATUS.DONE,
        world.head,
        world.head,
    )
    assert review.assigned is not None and review.started is not None


def test_the_written_statements_write_the_rows_the_orm_would(world, on_postgres):
    Webhook.objects.create(committee=world.campaign.committee, url="https://x.vn/h", secret="s")
    initiative = submitted(world)
    review = InitiativeTask.objects.get(
        initiative=initiative, flow_task=InitiativeFlow.instance.review
    )
    before = InitiativeTask.objects.filter(initiative=initiative).count()
    services.perform(initiative.pk, "approve", actor=world.head)

    initiative.refresh_from_db()
    assert initiative.state == State.SCREENING
    review.refresh_from_db()
    assert (review.status, review.action, review.finished_by, review.owner) == (
        STATUS.DONE,
        "approve",
        world.head,
        world.head,
    )
    assert review.started is not None and review.finished is not None
    screening = InitiativeTask.objects.get(
        initiative=initiative, flow_task=InitiativeFlow.instance.screening
    )
    assert InitiativeTask.objects.filter(initiative=initiative).count() == before + 1
    assert screening.status in (STATUS.NEW, STATUS.ASSIGNED)
    assert screening.role == Role.COMMITTEE_REVIEWER
    assert screening.scope_unit_id == world.campaign.committee_id
    assert screening.process_id == review.process_id
    assert screening.due_at is not None and screening.flow_task_type == "HUMAN"
    assert list(screening.previous.all()) == [review]

    rows = Outbox.objects.filter(subject_id=initiative.pk, event="approve")
    people = {(r.recipient_id, r.reason, r.task_id) for r in rows if r.recipient_id}
    assert (world.reviewer.pk, "task", screening.pk) in people
    assert (world.staff.pk, "unit", None) in people
    assert world.head.pk not in {r.recipient_id for r in rows}  # the actor is not told
    (hook,) = [r for r in rows if r.webhook_id]
    assert (hook.reason, hook.status, hook.attempts) == ("webhook", "pending", 0)
    assert hook.payload["committee_id"] == world.campaign.committee_id
    assert all(r.payload == hook.payload and r.created for r in rows)

    assert audit.verify().ok
