"""The audit trail becomes a table partitioned by year on PostgreSQL (decision 0015).

PostgreSQL cannot turn a table into a partitioned one in place: the table is rebuilt. The old
one is renamed aside with its indexes and constraints, a partitioned table is created in its
place with the same columns, a partition for every year that has entries (and the next years,
and a default one), the rows are copied over (`INSERT … SELECT`: no entry is changed, so every
hash still verifies), then the same indexes, constraints and triggers are made again under
their own names, unique ones with the partition key `at` added, and the old table is dropped.
The id's identity becomes a sequence owned by the column (PostgreSQL 15 has no identity on a
partitioned table). Reversing it rebuilds a plain table the same way, its id also from
that sequence (not an identity column again: the same values, one less Django default).

It copies every entry: on a national dataset (6.1 million entries) it took the time given in
docs/operations.md, during which the service must be stopped (the table is locked). SQLite
keeps its plain table.
"""

from django.conf import settings
from django.db import migrations

TABLE = "workflows_auditentry"
OLD = f"{TABLE}_rebuilt"


def _definitions(cursor):
    """The table's indexes (not those behind constraints), constraints and triggers, as SQL."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [TABLE],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'c') ORDER BY conname",
        [TABLE],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
        [TABLE],
    )
    triggers = cursor.fetchall()
    return indexes, constraints, triggers


def _with_key(definition: str, partitioned: bool) -> str:
    """A PRIMARY KEY or UNIQUE definition with the partition key added (or taken out)."""
    columns = definition[definition.index("(") + 1 : definition.rindex(")")]
    names = [c.strip() for c in columns.split(",") if c.strip() != "at"]
    if partitioned:
        names.append("at")
    return f"{definition[: definition.index('(')]}({', '.join(names)})"


def _rebuild(schema_editor, *, partitioned: bool) -> None:
    from workflows import partitions

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        indexes, constraints, triggers = _definitions(cursor)
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        # Out of the way of the names made again below (short: a name has 63 bytes at most).
        for n, (name, _definition) in enumerate(indexes):
            cursor.execute(f"ALTER INDEX {name} RENAME TO {OLD}_i{n}")
        for n, (name, _kind, _definition) in enumerate(constraints):
            cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {name} TO {OLD}_c{n}")
        # Columns, NOT NULLs and defaults; the id's default comes once the old table is gone.
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING STORAGE)"
            + (" PARTITION BY RANGE (at)" if partitioned else "")
        )
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id DROP DEFAULT")
        if partitioned:
            cursor.execute(
                f"SELECT DISTINCT extract(year FROM at AT TIME ZONE %s)::int FROM {OLD}",  # noqa: S608
                [settings.TIME_ZONE],
            )
            years = {row[0] for row in cursor.fetchall()}
            for year in sorted(years):
                partitions.create_year(cursor, year)
            partitions.create_default(cursor)
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD} ORDER BY seq")  # noqa: S608
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {OLD}")  # noqa: S608
        last_id = cursor.fetchone()[0]
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, kind, definition in constraints:
            if kind in ("p", "u"):
                definition = _with_key(definition, partitioned)
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        cursor.execute(f"DROP TABLE {OLD}")
        for _name, definition in triggers:
            cursor.execute(definition)
        cursor.execute(f"CREATE SEQUENCE {TABLE}_id_seq AS bigint OWNED BY {TABLE}.id")
        cursor.execute(
            f"SELECT setval('{TABLE}_id_seq', greatest(%s, 1), %s)", [last_id, last_id > 0]
        )
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")
        if partitioned:
            partitions.ensure(connection)
        # The planner's statistics of the new table and its partitions (a sample: seconds).
        cursor.execute(f"ANALYZE {TABLE}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=True)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    # The copy runs in the migration's transaction: all of it or nothing.
    dependencies = [("workflows", "0022_initiative_listed_index")]

    operations = [migrations.RunPython(forwards, backwards)]
