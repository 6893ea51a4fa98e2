"""The audit trail partitioned by year (PostgreSQL declarative partitioning, decision 0015).

`workflows_auditentry` is partitioned by RANGE on `at`: one partition per calendar year in the
service's time zone (`workflows_auditentry_y2026`), and a default partition that should stay
empty (it catches an entry whose year has no partition yet, so an append never fails for it).
Migration 0023 rebuilds the table this way; after that, `ensure()` creates the years to come
(run after every `migrate` and by `manage.py audit_partitions`, as the tables' owner).

PostgreSQL wants every unique constraint of a partitioned table to include the partition key,
so the primary key is `(id, at)`, `seq` is unique with `at`, and so is `(chain, chain_seq)`.
Those numbers are still unique: they come from the chain head's row lock and a sequence, and
`verify_audit` finds a repeated or missing one (see the decision).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

TABLE = "workflows_auditentry"
DEFAULT = f"{TABLE}_ydefault"
# Partitions exist this many years past the current one: a deployment that skips a few
# migrates still never appends into the default partition.
YEARS_AHEAD = 3


def partition_name(year: int) -> str:
    return f"{TABLE}_y{year}"


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `year` and of the next, in the service's time zone."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def is_partitioned(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


@dataclass(frozen=True)
class Partition:
    name: str
    year: int | None  # None: the default partition
    rows: int  # an estimate (pg_class.reltuples) except for the default partition


def listing(connection) -> list[Partition]:
    """The audit trail's partitions, by year, the default last."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        found = cursor.fetchall()
        parts = []
        for name, estimate in found:
            if name == DEFAULT:
                cursor.execute(f"SELECT count(*) FROM {DEFAULT}")  # noqa: S608 (a constant)
                parts.append(Partition(name, None, cursor.fetchone()[0]))
            elif name.startswith(f"{TABLE}_y") and name[len(TABLE) + 2 :].isdigit():
                parts.append(Partition(name, int(name[len(TABLE) + 2 :]), estimate))
    return sorted(parts, key=lambda p: (p.year is None, p.year or 0))


def stray(connection) -> dict[int, int]:
    """What the default partition holds: entries by year (it should hold none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(year FROM at AT TIME ZONE %s)::int, count(*) "  # noqa: S608
            f"FROM {DEFAULT} GROUP BY 1 ORDER BY 1",
            [settings.TIME_ZONE],
        )
        return dict(cursor.fetchall())


def _protect(cursor, name: str) -> None:
    """A partition refuses TRUNCATE on its own (the parent's statement trigger does not fire
    for a partition named directly); row triggers are cloned from the parent by PostgreSQL.
    Nobody but its owner holds a privilege on it: the schema's default privileges would give
    the service's role UPDATE and DELETE on the new table (whether APP_DATABASE_ROLE is set
    where this runs or not); the entries are reached through the table."""
    cursor.execute(
        f"CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {name} "
        "FOR EACH STATEMENT EXECUTE FUNCTION workflows_audit_refuse_truncate()"
    )
    cursor.execute(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
        "WHERE table_name = %s AND grantee <> current_user",
        [name],
    )
    for (grantee,) in cursor.fetchall():
        cursor.execute(f'REVOKE ALL ON {name} FROM "{grantee}"')
    role = getattr(settings, "APP_DATABASE_ROLE", "")
    if name == DEFAULT and role:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(grant_default_read(role))


def grant_default_read(role: str) -> str:
    """The service's role may read the default partition (only): /readyz counts what it holds.
    Reading entries is allowed through the table anyway."""
    return f'GRANT SELECT ON {DEFAULT} TO "{role}"'


def create_default(cursor) -> None:
    cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
    _protect(cursor, DEFAULT)


def create_year(cursor, year: int) -> str:
    """Run inside a transaction (ensure() and the migration do): the partition, its trigger
    and its privileges are made together or not at all."""
    name = partition_name(year)
    start, end = year_bounds(year)
    cursor.execute(
        f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
        [start.isoformat(), end.isoformat()],
    )
    _protect(cursor, name)
    return name


def ensure(connection, *, through: int | None = None) -> tuple[list[str], list[int]]:
    """Create the missing year partitions from the earliest one to `through` (default: this
    year + YEARS_AHEAD). Returns the partitions created and the years left out because the
    default partition holds entries of theirs (creating the year would have to move them,
    which the append-only triggers refuse: `move_strays` does it)."""
    if not is_partitioned(connection):
        return [], []
    if through is None:
        through = timezone.localdate().year + YEARS_AHEAD
    parts = listing(connection)
    years = {p.year for p in parts if p.year is not None}
    first = min(years, default=timezone.localdate().year)
    held = stray(connection)
    created: list[str] = []
    blocked: list[int] = []
    with connection.cursor() as cursor:
        for year in range(first, through + 1):
            if year in years:
                continue
            if year in held:
                blocked.append(year)
                continue
            with transaction.atomic(using=connection.alias):
                created.append(create_year(cursor, year))
    return created, blocked


def move_strays(connection) -> dict[int, int]:
    """Give the years the default partition holds entries of their partitions, and move those
    entries there, unchanged (so they verify as before): the default partition is detached and
    set aside, the years and a new default partition are made, its rows are copied back through
    the table, then the old one is dropped. One transaction, the table locked (appends wait).
    Returns the entries moved by year."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Deferred foreign-key checks of the entries are run now: the table set aside can then
        # be dropped in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        years = stray(connection)
        if not years:
            return {}
        aside = f"{DEFAULT}_moved"
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT}")
        cursor.execute(f"ALTER TABLE {DEFAULT} RENAME TO {aside}")
        cursor.execute(f"ALTER TRIGGER {DEFAULT}_no_truncate ON {aside} RENAME TO {aside}_nt")
        for year in years:
            create_year(cursor, year)
        create_default(cursor)
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {aside}")  # noqa: S608
        if cursor.rowcount != sum(years.values()):
            raise RuntimeError("the entries set aside were not all moved")
        cursor.execute(f"DROP TABLE {aside}")
    return years
