"""TRUNCATE skips row triggers, so 0002's trigger never saw it: a statement-level trigger now
refuses TRUNCATE of the audit trail and of its chain head (PostgreSQL only; SQLite has no
TRUNCATE).

A superuser can still empty them with `session_replication_role = replica` (ordinary triggers
do not fire then), which is what the project's `flush` does for the tests and benchmarks; only
a superuser may set it, and a superuser can bypass any trigger anyway.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflows_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflows_auditentry_no_truncate
    BEFORE TRUNCATE ON workflows_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION workflows_audit_refuse_truncate();
CREATE TRIGGER workflows_audithead_no_truncate
    BEFORE TRUNCATE ON workflows_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION workflows_audit_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS workflows_auditentry_no_truncate ON workflows_auditentry;
DROP TRIGGER IF EXISTS workflows_audithead_no_truncate ON workflows_audithead;
DROP FUNCTION IF EXISTS workflows_audit_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0009_idempotency_request_hash")]

    operations = [migrations.RunPython(forwards, backwards)]
