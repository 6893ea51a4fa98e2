"""The audit trail is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE on it.

The chain head row is created here so the first append never races to create it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflows_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflows_auditentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflows_auditentry_append_only
    BEFORE UPDATE OR DELETE ON workflows_auditentry
    FOR EACH ROW EXECUTE FUNCTION workflows_audit_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS workflows_auditentry_append_only ON workflows_auditentry;
DROP FUNCTION IF EXISTS workflows_audit_refuse_change();
"""


def forwards(apps, schema_editor):
    apps.get_model("workflows", "AuditHead").objects.get_or_create(pk=1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
