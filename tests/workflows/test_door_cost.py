"""What one action costs the database (docs/performance.md, decision 0013), and that the
statements written once for the door write what the ORM would have written."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import STATUS

from accounts.models import User
from core import sql
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
    # the next task with its link, the outbox rows with the chain head's lock, the entry; and
    # the savepoint and its release around them (a test runs inside a transaction; a request
    # has BEGIN, and its COMMIT rides with the entry: the next test).
    assert few == many == 9


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
        q
        for q in ctx.captured_queries
        if sql.readable(q["sql"]).startswith('UPDATE "workflows_initiativetask"')
    ]
    assert len(task_updates) == 1 and len(ctx.captured_queries) == 9
    review.refresh_from_db()
    assert (review.status, review.owner, review.finished_by) == (
        STATUS.DONE,
        world.head,
        world.head,
    )
    assert review.assigned is not None and review.started is not None


@pytest.mark.django_db(transaction=True)
def test_an_approve_in_its_own_transaction_is_eight_round_trips(on_postgres, monkeypatch):
    """As in a request: BEGIN, the lock with its reads, the save, the task's update, the next
    task's holders, the next task with its link, the outbox rows with the chain head's lock,
    and the entry with the COMMIT; the atomic block's own commit then sends nothing."""
    import psycopg
    from psycopg.pq import TransactionStatus

    from .conftest import build_world

    world = build_world()
    initiative = submitted(world)
    found = []
    commit = psycopg.Connection.commit

    def recording_commit(self):
        found.append(self.info.transaction_status)
        return commit(self)

    monkeypatch.setattr(psycopg.Connection, "commit", recording_commit)
    with CaptureQueriesContext(connection) as ctx:
        services.perform(initiative.pk, "approve", actor=world.head)
    sent = [sql.readable(q["sql"]) for q in ctx.captured_queries]  # prepared or not
    sent = sent[: sent.index("COMMIT") + 1]  # then delivery, in-process without a broker
    assert sent[0] == "BEGIN" and sent[-1] == "COMMIT"
    assert sent[-2].rstrip().endswith("COMMIT") and "INSERT INTO workflows_auditentry" in sent[-2]
    assert "INSERT INTO notifications_outbox" in sent[-3] and "FOR UPDATE" in sent[-3]
    assert found[0] == TransactionStatus.IDLE  # committed already: psycopg sends nothing
    assert len(sent) - 1 == 8  # the round trips
    initiative.refresh_from_db()
    assert initiative.state == State.SCREENING
    assert Outbox.objects.filter(subject_id=initiative.pk, event="approve").exists()
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_that_cannot_be_written_never_commits_the_change(on_postgres, monkeypatch):
    """The COMMIT sent with the entry: when the head does not match (it cannot while its lock
    holds; here its hash is changed under the lock) the statement fails and nothing commits."""
    from .conftest import build_world

    world = build_world()
    initiative = submitted(world)
    lock = audit._lock_head

    def moved_head(*args, **kwargs):
        head_id, seq, last_hash, order = lock(*args, **kwargs)
        return head_id, seq, "f" * 64, order

    monkeypatch.setattr(audit, "_lock_head", moved_head)
    with pytest.raises(DatabaseError, match="division by zero"):
        services.perform(initiative.pk, "approve", actor=world.head)
    initiative.refresh_from_db()
    assert initiative.state == State.UNIT_REVIEW
    assert not Outbox.objects.filter(subject_id=initiative.pk, event="approve").exists()
    assert audit.verify().ok


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
