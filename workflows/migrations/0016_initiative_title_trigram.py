# A trigram index on the titles (PostgreSQL only), for workflows.similar: the suggestions on a
# registration's page were a scan computing similarity() over every published and in-scope
# model, 7 s per page on the national dataset (1,000,000 models; docs/performance.md). With
# this index the `%` prefilter reads only the titles that share enough trigrams.
# Not declared on the model: a GIN index with an operator class would need
# django.contrib.postgres installed and would not build on SQLite, which ranks in Python.

from django.db import migrations

INDEX = "initiative_title_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON workflows_initiative "
            "USING gin (title gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0015_task_open_due_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
