from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the empty database of DATABASE_URL and the "
        "empty MEDIA_ROOT, then check every table's count, every file and the audit chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", type=Path)

    def handle(self, *args, backup_dir: Path, **options):
        try:
            result = restore(backup_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = result.manifest
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if not result.ok:
            raise CommandError("restored, but:\n" + "\n".join(result.problems))
        self.stdout.write(
            f"restored {sum(m['tables'].values())} rows in {len(m['tables'])} tables and "
            f"{m['media_files']} files (database {result.seconds['database']} s, files "
            f"{result.seconds['files']} s); counts and files match; {result.audit}"
        )
