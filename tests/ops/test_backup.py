"""A backup restores: dump the database and the files, restore into a new database and a new
media folder (another process, as an operator would), and find every table's count, every file
with its bytes, and an audit chain that verifies."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from ops import backups
from tests.notifications.procs import ROOT, worker_database_url
from tests.workflows.conftest import full_points, pdf
from workflows import services
from workflows.models import Attachment, AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]


def counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                # Partitions are counted through their table (the audit trail's years).
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind IN ('r', 'p') AND NOT relispartition ORDER BY 1"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def new_database():
    s = connection.settings_dict
    name = f"{s['NAME']}_restored"[:63]
    admin = worker_database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield worker_database_url().rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_new_database_and_folder_with_everything_in_it(
    world_tx, new_database, tmp_path, capsys
):
    world = world_tx
    from tests.workflows.conftest import draft

    # A little of everything: attachments, transitions through scoring, notifications waiting.
    for i in range(3):
        initiative = draft(world, title=f"Mô hình {i}", attachments=[pdf(f"minh-chung-{i}.pdf")])
        for action, actor, data in [
            ("submit", world.staff, {}),
            ("approve", world.head, {}),
            ("accept", world.reviewer, {}),
            (
                "nominate",
                world.head,
                {"result": {"result_achieved": "Có", "result_people_reached": 9}},
            ),
            ("score", world.member1, {"points": full_points(world.campaign)}),
        ]:
            services.perform(initiative.pk, action, actor=actor, **data)
    source = counts(worker_database_url())
    files = {a.file.name: a.file.read() for a in Attachment.objects.all()}
    assert len(files) == 3 and source["workflows_auditentry"] == AuditEntry.objects.count() > 15

    started = time.monotonic()
    call_command("backup", str(tmp_path / "backups"))
    (made,) = (tmp_path / "backups").iterdir()
    took_backup = time.monotonic() - started
    manifest = backups.json.loads((made / backups.MANIFEST).read_text())
    assert manifest["tables"] == source
    assert not any(name.startswith("workflows_auditentry_y") for name in source)
    assert manifest["media_files"] == 3 and manifest["files_missing_at_backup"] == []

    media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DATABASE_URL": new_database,
        "MEDIA_ROOT": str(media),
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "restored-checkpoints"),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "LOG_REQUESTS": "false",
    }
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "manage.py", "restore", str(made)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    took_restore = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    assert "counts and files match" in run.stdout, run.stdout

    restored = counts(new_database)
    # Every table as it was, plus the restore's own walk of the audit chain (one check row).
    assert restored.pop("workflows_auditcheck") == source.pop("workflows_auditcheck") + 1
    assert restored == source
    for name, data in files.items():
        assert (media / name).read_bytes() == data
    verify = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stderr

    # Restoring over a database that has tables, or a media folder with files, is refused.
    again = subprocess.run(
        [sys.executable, "manage.py", "restore", str(made)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode != 0 and "is not empty" in again.stderr
    with capsys.disabled():
        print(
            f"\n[backup] {sum(source.values())} rows, {len(files)} files: backup "
            f"{took_backup:.1f}s, restore + checks {took_restore:.1f}s (a new process)"
        )


def test_a_damaged_backup_is_refused_before_anything_is_written(transactional_db, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    (made,) = (tmp_path / "b").iterdir()
    with (made / backups.DUMP).open("r+b") as f:
        f.seek(100)
        f.write(b"\0\0\0\0")
    with pytest.raises(backups.BackupError, match="checksum"):
        backups.restore(made)
