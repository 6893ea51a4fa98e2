"""Real processes for the worker tests: a private redis-server (so stopping it never disturbs
the shared one on 6379) and a Celery worker with embedded beat on the pytest database."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def up() -> bool:
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(up, timeout=10, what="redis-server")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


def worker_database_url() -> str:
    """The database pytest-django created (test_<name>), so the worker sees committed rows."""
    s = connection.settings_dict
    user = s.get("USER") or "root"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


class Worker:
    def __init__(self, broker_url: str, mail_dir: Path, log_path: Path, **env: str) -> None:
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.log_path = log_path
        self.extra_env = env
        self.proc: subprocess.Popen | None = None

    def start(self, *, beat: bool = True) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": worker_database_url(),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": self.broker_url,
            "CELERY_BROKER_URL": self.broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "AUDIT_CHECKPOINT_DIR": str(self.log_path.parent / "audit-checkpoints"),
            "NOTIFICATIONS_SWEEP_EVERY_SECONDS": "1",
            "NOTIFICATIONS_SWEEP_DELAY_SECONDS": "1",
            "NOTIFICATIONS_CLAIM_LEASE_SECONDS": "3",
            # A SIGKILLed worker's embedded beat leaves its lock behind: the restarted one's
            # beat waits this long for it (ops/celery.py) before it sweeps.
            "BEAT_LOCK_SECONDS": "4",
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        }
        args = [str(CELERY), "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if beat:
            # Beat runs the sweep every second here. The file scheduler, not the database one:
            # each test flushes the database, django-celery-beat's tables with it.
            args += ["-B", "--scheduler", "celery.beat:PersistentScheduler"]
            args += ["--schedule", str(self.log_path.with_suffix(".beat"))]
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's life
        # Its own process group: `-B` forks the beat as a child, which a kill of the worker
        # alone would leave running (orphaned) after the test; systemd kills the whole group.
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no goodbye, no ack, whatever it was doing is cut off."""
        if self.proc and self.proc.poll() is None:
            self._signal_group(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc:
            self._signal_group(signal.SIGKILL)  # whatever of the group is left (the beat)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def emails_by_outbox(mail_dir: Path) -> dict[int, int]:
    """How many e-mails the file backend wrote for each outbox row (X-DVK-Outbox header)."""
    counts: dict[int, int] = {}
    for path in mail_dir.glob("*"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("X-DVK-Outbox:"):
                pk = int(line.split(":", 1)[1])
                counts[pk] = counts.get(pk, 0) + 1
    return counts
