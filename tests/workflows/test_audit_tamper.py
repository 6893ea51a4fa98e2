"""Rewriting the audit chain is refused, or found (the hardening issue, part 3).

The tampering below is what someone with the database (and the code) could do; each test
failed before the hardening: TRUNCATE passed, nothing outside the database remembered where the
chain stood, and the hash was an unkeyed sha256 anyone could recompute.
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from workflows import audit
from workflows.models import AuditEntry, State

from .conftest import advance, draft


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
