"""The door's statements prepared once per database connection (core.sql, docs/performance.md
#19 step 11): used when the setting is on, not when it is off, and prepared again when the
server no longer has them (a new connection, DEALLOCATE ALL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import sql
from notifications.models import Outbox
from workflows import audit, services
from workflows.models import AuditEntry, State

from .conftest import build_world, draft

pytestmark = pytest.mark.django_db


def submitted(world):
    initiative = draft(world)
    services.perform(initiative.pk, "submit", actor=world.staff)
    return initiative


def approve(world, initiative) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        services.perform(initiative.pk, "approve", actor=world.head)
    initiative.refresh_from_db()
    assert initiative.state == State.SCREENING
    assert AuditEntry.objects.filter(initiative_id=initiative.pk, action="approve").exists()
    assert Outbox.objects.filter(subject_id=initiative.pk, event="approve").exists()
    return [q["sql"] for q in ctx.captured_queries]


def door_statements(sent: list[str]) -> list[str]:
    """What the door itself sent: not the transaction's framing, nor delivery after COMMIT."""
    if "COMMIT" in sent:
        sent = sent[: sent.index("COMMIT")]
    return [s for s in sent if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT"))]


def server_has() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'dvk\\_%'")
        return {row[0] for row in cursor.fetchall()}


def test_the_door_executes_prepared_statements(world, on_postgres, settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    approve(world, submitted(world))  # this connection has prepared them now
    sent = door_statements(approve(world, submitted(world)))
    assert len(sent) == 7  # the door's round trips, as without preparing
    # Every statement of every round trip is an EXECUTE of a statement the server holds.
    parts = [p for s in sent for p in s.split(";\n")]
    assert all(p.startswith("EXECUTE dvk_") for p in parts), parts
    names = {p.split("(")[0].removeprefix("EXECUTE ") for p in parts}
    assert names <= server_has()
    # And they are the door's statements: the entry, the outbox rows, the head's lock.
    readable = [sql.readable(s) for s in sent]
    assert "INSERT INTO workflows_auditentry" in readable[-1]
    assert "INSERT INTO notifications_outbox" in readable[-2] and "FOR UPDATE" in readable[-2]
    assert audit.verify().ok


def test_with_the_setting_off_nothing_is_prepared(world, on_postgres, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    approve(world, submitted(world))
    sent = door_statements(approve(world, submitted(world)))
    assert len(sent) == 7
    assert not any("PREPARE" in s or "EXECUTE dvk_" in s for s in sent)
    assert "INSERT INTO workflows_auditentry" in sent[-1]
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again(on_postgres, settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    world = build_world()
    approve(world, submitted(world))
    connection.close()  # the server drops the session's prepared statements
    sent = door_statements(approve(world, submitted(world)))
    assert any(s.startswith("PREPARE dvk_") for s in sent)
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_after_deallocate_all_the_door_prepares_again(on_postgres, settings):
    """Someone else's DEALLOCATE ALL on the session: the door's EXECUTE fails (26000), its
    transaction rolls back, and it runs once more, preparing again."""
    settings.DATABASE_PREPARED_STATEMENTS = True
    world = build_world()
    approve(world, submitted(world))
    initiative = submitted(world)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert server_has() == set()
    sent = approve(world, initiative)
    assert any(s.startswith("PREPARE dvk_") for s in door_statements(sent))
    assert AuditEntry.objects.filter(initiative_id=initiative.pk, action="approve").count() == 1
    assert Outbox.objects.filter(subject_id=initiative.pk, event="approve").count() > 0
    assert server_has()
    assert audit.verify().ok


def test_shape_numbers_each_named_parameter_once():
    s = sql.shape("SELECT %(a)s, %(b)s, %(a)s, 'x%%'")
    assert s.prepare.endswith("AS SELECT $1, $2, $1, 'x%%'")
    assert s.execute == f"EXECUTE {s.name}(%(a)s, %(b)s)"
    p = sql.shape("UPDATE t SET x = %s WHERE id = %s")
    assert p.prepare.endswith("SET x = $1 WHERE id = $2")
    assert p.execute == f"EXECUTE {p.name}(%s, %s)"
    assert sql.readable(f"{p.prepare};\n{p.execute}") == "UPDATE t SET x = %s WHERE id = %s"
