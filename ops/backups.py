"""Backups that restore: the database dump and the files, taken consistently, and a restore
that proves itself.

`backup` opens one REPEATABLE READ transaction, exports its snapshot and has pg_dump dump
exactly that snapshot (`--snapshot`), while the same transaction counts every table and reads
the audit chain's head: the manifest's figures are those of the dump, however busy the service
is meanwhile. The files are archived after the dump: files are only ever added (under new random
names), so every file a dumped row names is in the archive (a few newer ones may be too).

`restore` refuses a database that has tables or a media folder that has files, checks the
archive's checksums, restores (pg_restore in one transaction) and unpacks, then checks: every
table's count against the manifest, every file a row names is there with its bytes, and the
audit chain walked and compared with the checkpoints (workflows.audit.verify_and_record).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

DUMP = "database.dump"
MEDIA = "media.tar"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _pg_env() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432)]
    if s.get("USER"):
        args += ["-U", s["USER"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def _tool_major(name: str) -> int:
    out = subprocess.run([_tool(name), "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"\)\s+(\d+)", out.stdout)  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
    if not found:
        raise BackupError(f"cannot read the version of {name}: {out.stdout.strip()}")
    return int(found.group(1))


def _check_versions(name: str) -> None:
    """pg_dump/pg_restore must be at least the server's major version."""
    server = connection.cursor().connection.info.server_version // 10000
    tool = _tool_major(name)
    if tool < server:
        raise BackupError(f"{name} {tool} is older than the server ({server}): install {server}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        # A partitioned table's rows are counted once, through it, not again per partition.
        cursor.execute(
            "SELECT t.tablename FROM pg_tables t JOIN pg_class c ON c.oid = "
            "format('%I.%I', t.schemaname, t.tablename)::regclass "
            "WHERE t.schemaname = 'public' AND NOT c.relispartition ORDER BY t.tablename"
        )
        return [row[0] for row in cursor.fetchall()]


def _counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - catalog names
            counts[table] = cursor.fetchone()[0]
    return counts


def _audit_head() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(seq) FROM workflows_auditentry")
        seq = cursor.fetchone()[0] or 0
        cursor.execute("SELECT hash FROM workflows_auditentry WHERE seq = %s", [seq])
        row = cursor.fetchone()
    return {"seq": seq, "hash": row[0] if row else ""}


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    ]


def stored_files() -> list[str]:
    """Every storage name a row of the database names (attachments, exports)."""
    names: list[str] = []
    for model, name in _file_fields():
        names += [
            n for n in model._default_manager.exclude(**{name: ""}).values_list(name, flat=True)
        ]
    return sorted(set(names))


@dataclass
class Backup:
    path: Path
    manifest: dict


def backup(out_dir: Path) -> Backup:
    if connection.vendor != "postgresql":
        raise BackupError("backups are for PostgreSQL (the SQLite file can simply be copied)")
    _check_versions("pg_dump")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    dest = Path(out_dir) / f"dvk-{stamp}"
    dest.mkdir(parents=True)
    args, env = _pg_env()
    started = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        tables = _tables()
        counts = _counts(tables)
        head = _audit_head()
        files = stored_files()
        dump = subprocess.run(
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges"]
            + [
                f"--snapshot={snapshot}",
                "--file",
                str(dest / DUMP),
                connection.settings_dict["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {dump.stderr.strip()}")
    dumped = timezone.now()
    media_root = Path(settings.MEDIA_ROOT)
    media_files, media_bytes = 0, 0
    with tarfile.open(dest / MEDIA, "w") as tar:
        if media_root.is_dir():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                media_files += 1
                media_bytes += path.stat().st_size
    missing = [name for name in files if not (media_root / name).is_file()]
    manifest = {
        "format": 1,
        "created": started.isoformat(),
        "database": connection.settings_dict["NAME"],
        "server_version": connection.cursor().connection.info.server_version,
        "tables": counts,
        "audit_head": head,
        "files_named_by_rows": len(files),
        "files_missing_at_backup": missing,
        "media_files": media_files,
        "media_bytes": media_bytes,
        "sha256": {DUMP: _sha256(dest / DUMP), MEDIA: _sha256(dest / MEDIA)},
        "seconds": {
            "dump": round((dumped - started).total_seconds(), 2),
            "files": round((timezone.now() - dumped).total_seconds(), 2),
        },
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return Backup(dest, manifest)


@dataclass
class Restored:
    manifest: dict
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    audit: str = ""
    seconds: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def restore(backup_dir: Path) -> Restored:
    """Restore into the (empty) database of DATABASE_URL and the (empty) MEDIA_ROOT, then check."""
    from workflows.audit import describe, verify_and_record

    backup_dir = Path(backup_dir)
    manifest = json.loads((backup_dir / MANIFEST).read_text())
    for name, expected in manifest["sha256"].items():
        if _sha256(backup_dir / name) != expected:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    if connection.vendor != "postgresql":
        raise BackupError("restores are for PostgreSQL")
    if _tables():
        raise BackupError(
            f"database {connection.settings_dict['NAME']} is not empty: restore into a new one"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT {media_root} is not empty: restore into a new folder")
    _check_versions("pg_restore")
    args, env = _pg_env()
    started = timezone.now()
    run = subprocess.run(
        [_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error"]
        + ["--single-transaction", "-d", connection.settings_dict["NAME"], str(backup_dir / DUMP)],
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
    restored_db = timezone.now()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup_dir / MEDIA) as tar:
        tar.extractall(media_root, filter="data")  # no absolute paths, links or devices
    result = Restored(manifest)
    result.seconds = {
        "database": round((restored_db - started).total_seconds(), 2),
        "files": round((timezone.now() - restored_db).total_seconds(), 2),
    }
    counts = _counts(_tables())
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            result.problems.append(f"{table}: {counts.get(table)} rows, the backup had {expected}")
    names = stored_files()
    if len(names) != manifest["files_named_by_rows"]:
        result.problems.append(
            f"{len(names)} files named by rows, the backup had {manifest['files_named_by_rows']}"
        )
    known_missing = set(manifest.get("files_missing_at_backup", []))
    lost = [n for n in names if not (media_root / n).is_file() and n not in known_missing]
    if lost:
        result.problems.append(f"{len(lost)} files named by rows are missing, e.g. {lost[0]}")
    head = _audit_head()
    if head != manifest["audit_head"]:
        result.problems.append(f"audit head {head}, the backup had {manifest['audit_head']}")
    check = verify_and_record()
    result.audit = describe(check)
    if check.problem == "rolled_back":
        # Restoring onto the service's own checkpoints: the entries written after the backup
        # are gone, which is true (README, "Audit trail": record it, move the file aside).
        result.warnings.append(f"audit chain: {result.audit}")
    elif not check.ok:
        result.problems.append(f"audit chain: {result.audit}")
    return result
