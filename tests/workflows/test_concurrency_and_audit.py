import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from workflows import audit, services
from workflows.exceptions import Conflict
from workflows.models import AuditEntry, State

from .conftest import advance, build_world, draft


@pytest.mark.django_db(transaction=True)
def test_ten_people_acting_on_one_task_at_once_exactly_one_wins(on_postgres):
    world = build_world()
    world.head.memberships.model.objects.bulk_create(
        world.head.memberships.model(
            user=world.people[name], unit=world.units["dept"], role="unit_head"
        )
        for name in (
            "other_head",
            "member1",
            "member2",
            "member3",
            "auditor",
            "b_head",
            "b_staff",
            "b_member",
        )
    )
    heads = [
        world.people[n]
        for n in (
            "head",
            "other_head",
            "member1",
            "member2",
            "member3",
            "auditor",
            "b_head",
            "b_staff",
            "b_member",
            "head",
        )
    ]
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    barrier = threading.Barrier(len(heads))
    outcomes: list[str] = []
    lock = threading.Lock()

    def act(person):
        try:
            barrier.wait()
            services.perform(initiative.pk, "approve", actor=person)
            result = "ok"
        except Conflict:
            result = "conflict"
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            result = f"other: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=act, args=(p,)) for p in heads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * 9 + ["ok"], outcomes
    assert AuditEntry.objects.filter(initiative=initiative, action="approve").count() == 1
    initiative.refresh_from_db()
    assert initiative.state == State.SCREENING
    assert audit.verify().ok


def test_verify_passes_on_an_untouched_chain_and_finds_an_edited_row(world):
    initiative = advance(world, draft(world), State.SCREENING)
    result = audit.verify()
    assert result.ok and result.checked == AuditEntry.objects.count() >= 3
    victim = AuditEntry.objects.get(initiative=initiative, action="submit")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SET LOCAL session_replication_role = replica"
            )  # a superuser bypassing the trigger
        cursor.execute(
            "UPDATE workflows_auditentry SET comment = 'sửa lén' WHERE id = %s", [victim.pk]
        )
    result = audit.verify()
    assert not result.ok and result.broken_seq == victim.chain_seq and result.problem == "content"
    with pytest.raises(CommandError, match=f"số {victim.chain_seq}"):
        call_command("verify_audit")


def test_verify_finds_a_deleted_row(world):
    advance(world, draft(world), State.SCREENING)
    victim = AuditEntry.objects.order_by("seq")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SET LOCAL session_replication_role = replica"
            )  # a superuser bypassing the trigger
        cursor.execute("DELETE FROM workflows_auditentry WHERE id = %s", [victim.pk])
    result = audit.verify()
    assert not result.ok and result.broken_seq == victim.chain_seq


def test_postgres_refuses_update_and_delete_of_audit_rows(world, on_postgres):
    advance(world, draft(world), State.UNIT_REVIEW)
    entry = AuditEntry.objects.first()
    for sql in (
        "UPDATE workflows_auditentry SET comment = 'x' WHERE id = %s",
        "DELETE FROM workflows_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain(on_postgres):
    """Appends from many threads at once never fork the chain (the head row serialises them)."""
    barrier = threading.Barrier(8)

    def append(n):
        barrier.wait()
        for i in range(10):
            with transaction.atomic():
                audit.append(committee_id=None, actor_id=None, action="probe", comment=f"{n}-{i}")
        connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    result = audit.verify()
    assert result.ok and result.checked == 80
