#!/usr/bin/env python
import os
import sys

# Commands that need the tables' owner: with MIGRATE_DATABASE_URL set (the service itself
# connecting as a restricted role, see workflows/dbroles.py), they run as that owner.
OWNER_COMMANDS = {"migrate", "grant_app_role", "audit_partitions"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    owner_url = os.environ.get("MIGRATE_DATABASE_URL")
    if owner_url and len(sys.argv) > 1 and sys.argv[1] in OWNER_COMMANDS:
        os.environ["DATABASE_URL"] = owner_url
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
