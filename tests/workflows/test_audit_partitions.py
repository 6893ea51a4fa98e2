"""The audit trail partitioned by year (issue #18, part 4; decision 0015), PostgreSQL only."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ops import health
from workflows import audit, partitions, services
from workflows.models import AuditEntry, State

from .conftest import advance, draft
from .test_audit_tamper import app_role, connected_as, refused  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("on_postgres")


def partition_of(entry_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM workflows_auditentry WHERE id = %s", [entry_id]
        )
        return cursor.fetchone()[0]


def relkind() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'workflows_auditentry'::regclass")
        return cursor.fetchone()[0]


def scanned_partitions(queryset) -> set[str]:
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN (COSTS OFF) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        word.strip("(),")
        for word in plan.split()
        if word.startswith("workflows_auditentry_y") and not word.endswith("_idx")
    }


def test_every_year_from_the_first_to_three_ahead_has_its_partition(db):
    year = timezone.localdate().year
    parts = partitions.listing(connection)
    assert relkind() == "p"
    assert [p.year for p in parts if p.year is not None] == list(
        range(parts[0].year, year + partitions.YEARS_AHEAD + 1)
    )
    assert parts[-1].name == partitions.DEFAULT and parts[-1].rows == 0


def test_an_entry_lands_in_its_years_partition_and_a_years_query_reads_only_that_one(world):
    initiative = advance(world, draft(world), State.SCREENING)
    year = timezone.localdate().year
    entries = list(AuditEntry.objects.filter(initiative=initiative))
    assert len(entries) == 3
    assert {partition_of(e.pk) for e in entries} == {f"workflows_auditentry_y{year}"}
    start, end = partitions.year_bounds(year)
    this_year = AuditEntry.objects.filter(at__gte=start, at__lt=end)
    assert scanned_partitions(this_year) == {f"workflows_auditentry_y{year}"}
    assert this_year.count() == AuditEntry.objects.count()
    # The year boundary is the service's (Asia/Ho_Chi_Minh) midnight, not UTC's.
    assert start.utcoffset() == datetime.timedelta(hours=7)


def test_the_table_still_refuses_changes_on_every_partition(world):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    entry = AuditEntry.objects.filter(initiative=initiative).first()
    name = partition_of(entry.pk)
    with connection.cursor() as cursor:  # as if in a transaction of its own
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in (
        f"UPDATE {name} SET comment = 'sửa' WHERE id = {entry.pk}",
        f"DELETE FROM {name} WHERE id = {entry.pk}",
        f"TRUNCATE {name}",
        f"TRUNCATE {partitions.DEFAULT}",
        f"UPDATE workflows_auditentry SET at = at - interval '2 years' WHERE id = {entry.pk}",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert audit.verify().ok


def test_an_entry_of_a_year_without_partition_is_kept_and_reported(db, capsys):
    """Past the partitions made ahead, an append still succeeds (the default partition takes
    it); that year then gets no partition, and the command says why and fails."""
    far = timezone.localdate().year + partitions.YEARS_AHEAD + 2
    at = datetime.datetime(far, 3, 1, tzinfo=datetime.UTC)
    with mock.patch("workflows.audit.timezone.now", return_value=at), transaction.atomic():
        appended = audit.append(committee_id=None, actor_id=None, action="probe")
    assert partition_of(appended.id) == partitions.DEFAULT
    created, blocked = partitions.ensure(connection, through=far + 1)
    assert blocked == [far]
    assert created == [partitions.partition_name(y) for y in (far - 1, far + 1)]
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_partitions")
    assert exit_.value.code == 1
    assert f"holds 1 entries ({far}: 1)" in capsys.readouterr().err
    assert audit.verify().ok

    # An operator moves it to its year's partition, unchanged.
    before = AuditEntry.objects.values_list("id", "seq", "at", "hash").get(pk=appended.id)
    call_command("audit_partitions", "--move-strays")
    assert f"moved 1 entries of {far}" in capsys.readouterr().out
    assert partition_of(appended.id) == partitions.partition_name(far)
    assert AuditEntry.objects.values_list("id", "seq", "at", "hash").get(pk=appended.id) == before
    assert partitions.stray(connection) == {}
    assert audit.verify().ok
    with (  # the new default partition refuses TRUNCATE too
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {partitions.DEFAULT}")


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_every_entry_unchanged_both_ways(world, request):
    """0023 rebuilds the table: every row is copied as it was (so every hash verifies), a
    past year gets its partition, and reversing it gives the plain table back."""
    from django.db.migrations.executor import MigrationExecutor

    def to_the_leaves():  # whatever happens, the next tests get every migration back
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    request.addfinalizer(to_the_leaves)
    before, partitioned = (
        ("workflows", "0022_initiative_listed_index"),
        ("workflows", "0023_audit_partitioned_by_year"),
    )
    MigrationExecutor(connection).migrate([before])
    assert relkind() == "r"
    with mock.patch(
        "workflows.audit.timezone.now",
        return_value=datetime.datetime(2019, 6, 1, 3, tzinfo=datetime.UTC),
    ):
        old = draft(world)  # an entry of 2019, written into the plain table
    advance(world, draft(world), State.SCREENING)
    columns = [f.column for f in AuditEntry._meta.concrete_fields]

    def rows():
        return list(AuditEntry.objects.order_by("seq").values_list(*columns))

    written = rows()
    assert len(written) >= 4

    MigrationExecutor(connection).migrate([partitioned])
    assert relkind() == "p" and rows() == written and audit.verify().ok
    first = AuditEntry.objects.get(initiative=old)
    assert partition_of(first.pk) == "workflows_auditentry_y2019"
    years = [p.year for p in partitions.listing(connection) if p.year is not None]
    assert years == list(range(2019, timezone.localdate().year + partitions.YEARS_AHEAD + 1))
    # New entries take ids after the copied ones.
    services.perform(old.pk, "submit", actor=world.staff)
    newest = AuditEntry.objects.order_by("-seq").first()
    assert newest.pk > max(row[0] for row in written) and audit.verify().ok

    MigrationExecutor(connection).migrate([before])
    assert relkind() == "r" and rows()[: len(written)] == written and audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_restricted_role_is_ready_and_gets_nothing_on_a_new_partition(app_role, settings):  # noqa: F811
    """/readyz reads the default partition as the service's role (503 before: permission
    denied); a partition made later, wherever APP_DATABASE_ROLE is unset, still gives that
    role nothing (the schema's default privileges would give it UPDATE and DELETE)."""
    settings.CELERY_BROKER_URL = ""
    settings.APP_DATABASE_ROLE = ""
    far = timezone.localdate().year + partitions.YEARS_AHEAD + 1
    created, _ = partitions.ensure(connection, through=far)
    assert created == [partitions.partition_name(far)]
    try:
        with connected_as(app_role):
            code, body = health.readiness()
            assert code == 200, body
            assert body["checks"]["audit_partitions"] == {
                "status": "ok",
                "through": far,
                "default_entries": 0,
            }
            for sql in (
                f"SELECT * FROM {created[0]}",
                f"INSERT INTO {created[0]} (seq) VALUES (1)",
                f"UPDATE {created[0]} SET comment = ''",
            ):
                refused(sql, "permission denied")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {created[0]}")
