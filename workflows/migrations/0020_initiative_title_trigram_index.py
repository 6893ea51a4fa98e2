"""A GIN trigram index on initiatives' titles for workflows.similar, whose PostgreSQL query
filters with pg_trgm's `%` operator (index-backed) before ranking by similarity(). Plain SQL run
on PostgreSQL only: the opclass needs pg_trgm (migration 0013), and the model does not declare
the index so that SQLite, which ranks titles in Python, is left alone."""

from django.db import migrations

INDEX = "workflows_initiative_title_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON workflows_initiative USING gin (title gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0019_idempotency_key_any_subject")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
