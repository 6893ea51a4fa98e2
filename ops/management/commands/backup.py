from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "A consistent backup: the database (pg_dump of one snapshot) and MEDIA_ROOT, with a "
        "manifest of every table's count, the audit chain's head and checksums, in "
        "OUT_DIR/dvk-<time>/."
    )

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path)

    def handle(self, *args, out_dir: Path, **options):
        try:
            made = backup(out_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = made.manifest
        self.stdout.write(
            f"{made.path}: {sum(m['tables'].values())} rows in {len(m['tables'])} tables, "
            f"audit head {m['audit_head']['seq']}, {m['media_files']} files "
            f"({m['media_bytes']} bytes); dump {m['seconds']['dump']} s, "
            f"files {m['seconds']['files']} s"
        )
