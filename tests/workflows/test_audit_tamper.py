"""Rewriting the audit chain is refused, or found (the hardening issue, part 3).

The tampering below is what someone with the database (and the code) could do; each test
failed before the hardening: TRUNCATE passed, nothing outside the database remembered where the
chain stood, and the hash was an unkeyed sha256 anyone could recompute.
"""

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from workflows import audit, services
from workflows.models import AuditEntry, State

from .conftest import advance, build_world, draft


def test_postgres_refuses_truncate_of_the_audit_trail(world, on_postgres):
    advance(world, draft(world), State.UNIT_REVIEW)
    with connection.cursor() as cursor:  # as if in a transaction of its own
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in ("workflows_auditentry", "workflows_audithead"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert audit.verify().ok and AuditEntry.objects.count() >= 2


@pytest.mark.django_db(transaction=True)
def test_a_superuser_flush_still_empties_the_database_for_tests(on_postgres):
    with transaction.atomic():
        audit.append(actor_id=None, action="probe")
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEntry.objects.exists()


@pytest.fixture
def app_role(on_postgres):
    """A restricted role for this test database (roles are per cluster: the name carries the
    database's, so parallel runs do not meet); dropped afterwards."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("the test database's user cannot create roles")
    role = f"dvk_app_{connection.settings_dict['NAME']}"[:63]
    call_command("grant_app_role", role, verbosity=0)
    call_command("grant_app_role", role, verbosity=0)  # idempotent
    audit.ensure_head()  # migration 0002 made it; the flush after another test took it away
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


@contextmanager
def connected_as(role: str):
    """The service's own connection (django.db.connection), logged in as `role`."""
    params = connection.settings_dict
    owner = params["USER"]
    connections.close_all()
    params["USER"] = role
    try:
        yield
    finally:
        connections.close_all()
        params["USER"] = owner


def refused(sql: str, match: str) -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_the_restricted_role_appends_but_cannot_rewrite_the_trail(app_role):
    with connected_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
        world = build_world()  # the whole door works as this role
        initiative = advance(world, draft(world), State.SCREENING)
        count = AuditEntry.objects.count()
        assert count >= 3
        for sql, match in (
            ("TRUNCATE workflows_auditentry", "permission denied"),
            ("TRUNCATE workflows_audithead", "permission denied"),
            ("ALTER TABLE workflows_auditentry DISABLE TRIGGER ALL", "must be owner"),
            (
                "ALTER TABLE workflows_auditentry DISABLE TRIGGER workflows_auditentry_append_only",
                "must be owner",
            ),
            ("DROP TRIGGER workflows_auditentry_no_truncate ON workflows_auditentry", "owner"),
            ("SET session_replication_role = replica", "permission denied"),
            ("UPDATE workflows_auditentry SET comment = 'sửa lén'", "permission denied"),
            ("DELETE FROM workflows_auditentry", "permission denied"),
            ("DELETE FROM workflows_audithead", "permission denied"),
            (
                "INSERT INTO workflows_audithead (id, seq, prev_hash, last_hash) "
                "VALUES (2, 0, '', '')",
                "permission denied",
            ),
            ("ALTER TABLE workflows_auditentry OWNER TO CURRENT_USER", "must be owner"),
            ("CREATE TABLE workflows_sneaky (id int)", "permission denied"),
        ):
            refused(sql, match)
        assert AuditEntry.objects.count() == count
        assert audit.verify().ok
        call_command("verify_audit", verbosity=0)
        # and appends still work after all that
        services.perform(initiative.pk, "accept", actor=world.reviewer)
        assert audit.verify().ok and AuditEntry.objects.count() == count + 1


def test_grant_app_role_refuses_a_superuser_or_the_owner(on_postgres, db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        me = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owner|superuser"):
        call_command("grant_app_role", me, verbosity=0)
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", "postgres", verbosity=0)
