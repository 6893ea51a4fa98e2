import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from workflows import dbroles


class Command(BaseCommand):
    help = (
        "Create (if missing) the restricted database role the service runs as and grant it "
        "its privileges: read and write every table, but only read and append the audit trail "
        "and only move its chain head. Run as the tables' owner (manage.py switches to "
        "MIGRATE_DATABASE_URL when it is set); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "role", nargs="?", default=None, help="the role; default APP_DATABASE_ROLE"
        )
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="set the role's password from this environment variable",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role=None, password_env=None, database=DEFAULT_DB_ALIAS, **options):
        role = role or settings.APP_DATABASE_ROLE
        if not role:
            raise CommandError("Name the role, or set APP_DATABASE_ROLE.")
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"{password_env} is empty.")
        try:
            statements = dbroles.grant(connections[database], role, password=password)
        except dbroles.RoleError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 1:
            for sql in statements:
                self.stdout.write(sql)
        if options["verbosity"]:
            self.stdout.write(f"{role}: privileges granted ({len(statements)} statements).")
