"""The database role the service runs as: it does not own the audit trail.

Migrations run as the tables' owner (`MIGRATE_DATABASE_URL`, or `DATABASE_URL` when there is no
separate one); the service connects as a restricted role (`APP_DATABASE_ROLE`, the user in its
`DATABASE_URL`) that may read and write the other tables, but on the audit trail only read and
append, and on the chain heads only move them (UPDATE of their three columns) and start
one for a committee (INSERT of its committee only). It cannot TRUNCATE,
cannot disable or drop the triggers (that needs ownership), cannot set
`session_replication_role` (superuser only) and cannot create objects in the schema.

`grant(connection, role)` creates the role when missing and (re)grants all of that; it is
idempotent, run by `manage.py grant_app_role` and after every `migrate` when `APP_DATABASE_ROLE`
is set (new tables then reach the role too).
"""

from __future__ import annotations

import re

from . import partitions

ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
AUDIT_TABLE = "workflows_auditentry"
HEAD_TABLE = "workflows_audithead"


class RoleError(Exception):
    pass


def grant(connection, role: str, *, password: str | None = None) -> list[str]:
    """Create `role` if needed and give it the service's privileges, no more; returns the
    statements run (for the command's verbose output)."""
    if connection.vendor != "postgresql":
        raise RoleError("PostgreSQL only")
    if not ROLE_NAME.match(role):
        raise RoleError(f"not a plain role name: {role!r}")
    q = connection.ops.quote_name
    run: list[str] = []

    def execute(cursor, sql: str, params=None) -> None:
        cursor.execute(sql, params)
        run.append(sql if params is None else f"{sql.split(' PASSWORD ')[0]} PASSWORD …")

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        me, database, schema = cursor.fetchone()
        if role == me:
            raise RoleError(f"{role} is the role running this command (the owner)")
        cursor.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s",
            [schema, AUDIT_TABLE],
        )
        row = cursor.fetchone()
        if row is None:
            raise RoleError(f"{AUDIT_TABLE} does not exist: run migrate first")
        owner = row[0]
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            execute(
                cursor,
                f"CREATE ROLE {q(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                "NOREPLICATION NOBYPASSRLS",
            )
        elif row[0] or row[1]:
            raise RoleError(f"{role} is a superuser (or bypasses row security)")
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
        if role == owner or cursor.fetchone()[0]:
            raise RoleError(f"{role} owns the audit trail (or is a member of {owner})")
        if password:
            execute(cursor, f"ALTER ROLE {q(role)} PASSWORD %s", [password])
        for sql in (
            f"GRANT CONNECT, TEMPORARY ON DATABASE {q(database)} TO {q(role)}",
            f"GRANT USAGE ON SCHEMA {q(schema)} TO {q(role)}",
            f"REVOKE CREATE ON SCHEMA {q(schema)} FROM {q(role)}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {q(schema)} "
            f"TO {q(role)}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q(schema)} TO {q(role)}",
            # Tables the next migrations create (as this owner) reach the role at once; the
            # audit tables' narrower grants below are re-applied after every migrate.
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(schema)} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q(role)}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(schema)} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {q(role)}",
            # The audit trail: read and append, nothing else (no UPDATE, DELETE, TRUNCATE).
            f"REVOKE ALL ON {q(AUDIT_TABLE)} FROM {q(role)}",
            f"GRANT SELECT, INSERT ON {q(AUDIT_TABLE)} TO {q(role)}",
            # The chain heads: read them and move them; start a committee's chain, naming only
            # its committee (the rest is the genesis, the columns' defaults); no DELETE or
            # TRUNCATE.
            f"REVOKE ALL ON {q(HEAD_TABLE)} FROM {q(role)}",
            f"GRANT SELECT ON {q(HEAD_TABLE)} TO {q(role)}",
            f"GRANT INSERT (committee_id) ON {q(HEAD_TABLE)} TO {q(role)}",
            f"GRANT UPDATE (seq, prev_hash, last_hash) ON {q(HEAD_TABLE)} TO {q(role)}",
            # Which migrations ran: read only.
            f"REVOKE ALL ON django_migrations FROM {q(role)}",
            f"GRANT SELECT ON django_migrations TO {q(role)}",
        ):
            execute(cursor, sql)
        # The audit trail's partitions (decision 0015): reached through the table only.
        for part in partitions.listing(connection):
            execute(cursor, f"REVOKE ALL ON {q(part.name)} FROM {q(role)}")
            if part.name == partitions.DEFAULT:
                execute(cursor, partitions.grant_default_read(role))
    return run
