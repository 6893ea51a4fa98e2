"""Django's `flush`, able to empty the audit trail for the tests and benchmarks.

On PostgreSQL a trigger refuses TRUNCATE of the audit trail (migration 0008), and `flush`
truncates every table. Run by a superuser, this `flush` turns ordinary triggers off for its own
session (`session_replication_role = replica`, which only a superuser may set, and a superuser
can bypass any trigger anyway); run by anyone else it fails on that trigger, as it should on a
live service.
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql" or not _is_superuser(connection):
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")


def _is_superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        return cursor.fetchone()[0] == "on"
