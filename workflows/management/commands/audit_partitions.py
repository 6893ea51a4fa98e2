from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from workflows import partitions


class Command(BaseCommand):
    help = (
        "List the audit trail's year partitions and create the missing ones up to this year "
        f"+ {partitions.YEARS_AHEAD} (or --through YEAR). Run as the tables' owner; every "
        "migrate does it too. Exits 1 when the default partition holds entries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--through", type=int, help="the last year to have a partition")
        parser.add_argument(
            "--move-strays",
            action="store_true",
            help="give the years the default partition holds their partitions and move their "
            "entries there, unchanged (locks the audit trail meanwhile)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self, *args, through=None, move_strays=False, database=DEFAULT_DB_ALIAS, **options
    ):
        connection = connections[database]
        if not partitions.is_partitioned(connection):
            raise CommandError(
                "The audit trail is not partitioned here (SQLite, or migration 0023 not applied)."
            )
        if move_strays:
            for year, count in partitions.move_strays(connection).items():
                self.stdout.write(f"moved {count} entries of {year} to their partition")
        created, _blocked = partitions.ensure(connection, through=through)
        for name in created:
            self.stdout.write(f"created {name}")
        for part in partitions.listing(connection):
            label = part.year if part.year is not None else "default"
            self.stdout.write(f"{label}\t{part.name}\t~{part.rows} entries")
        stray = partitions.stray(connection)
        if stray:
            years = ", ".join(f"{year}: {count}" for year, count in stray.items())
            self.stderr.write(
                f"The default partition holds {sum(stray.values())} entries ({years}): those "
                "years get no partition until they are moved: run it again with --move-strays "
                "(it locks the audit trail while it moves them)."
            )
            raise SystemExit(1)
