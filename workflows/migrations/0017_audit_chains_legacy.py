"""The entries written before chains existed become the global chain as they are: their number
in it is their seq, and their hashes are not recomputed (the global head's `legacy_seq` says up
to where they hash in the old form, workflows.audit.canonical_payload). Numbering them is an
UPDATE of every row, which the append-only trigger refuses: the owner running this migration
sets it aside for that one statement.

From now on `seq` (the order across chains) comes from a sequence, started after the last one."""

from django.db import migrations

SEQUENCE = "workflows_audit_seq"


def forwards(apps, schema_editor):
    head_model = apps.get_model("workflows", "AuditHead")
    head_model.objects.get_or_create(pk=1)  # the global chain (committee empty), since 0002
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM workflows_auditentry")
        last = cursor.fetchone()[0]
        postgres = schema_editor.connection.vendor == "postgresql"
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE workflows_auditentry DISABLE TRIGGER workflows_auditentry_append_only"
            )
        cursor.execute(
            "UPDATE workflows_auditentry SET chain_seq = seq, chain_id = 1 WHERE chain_seq IS NULL"
        )
        if postgres:
            cursor.execute(
                "ALTER TABLE workflows_auditentry ENABLE TRIGGER workflows_auditentry_append_only"
            )
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint")
            # 0002 made the global head with an explicit id: the committees' heads take theirs
            # from the identity, which must not hand that one out again.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('workflows_audithead', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM workflows_audithead))"
            )
            cursor.execute("SELECT setval(%s, GREATEST(%s, 1), %s)", [SEQUENCE, last, last > 0])
    head = head_model.objects.get(pk=1)
    head_model.objects.filter(pk=1).update(legacy_seq=max(head.seq, last))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}", params=None)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0016_audit_chains")]

    operations = [migrations.RunPython(forwards, backwards)]
