"""Notification drain: pending outbox rows delivered by one real Celery worker over Redis.

Writes N pending outbox rows (default 10,000) to people who take in-app notifications and
e-mail immediately, starts one worker process (`celery worker --pool=solo`, e-mail to Django's
in-memory backend, the "local backend"), hands the rows over in tasks of --batch ids (3 is
what one transition hands over after commit; 100 is what the sweep hands over), and times
until every row is sent. Prints rows/s, the worker's peak resident size and checks that every
row produced exactly one in-app notification.

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/drain.py [--rows 10000] [--batch 3 100]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import _setup
from _report import machine, peak_rss_mib

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
_setup.django()

from django.db.models import F, Value  # noqa: E402
from django.db.models.functions import Concat  # noqa: E402

from accounts.models import User  # noqa: E402
from notifications.models import Notification, Outbox  # noqa: E402
from notifications.tasks import deliver  # noqa: E402
from workflows.models import Initiative  # noqa: E402


def start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    root = Path(_setup.ROOT)
    proc = subprocess.Popen(
        [
            str(root / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=root,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    time.sleep(3)  # connected to the broker well before the first task
    return proc


def fill(rows: int) -> list[int]:
    people = list(
        User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:500]
    )
    User.objects.filter(pk__in=people, email="").update(
        email=Concat(F("username"), Value("@bench.local"))
    )
    subjects = list(Initiative.objects.order_by("pk").values_list("pk", flat=True)[:rows])
    created = Outbox.objects.bulk_create(
        [
            Outbox(
                recipient_id=people[i % len(people)],
                event="approve",
                reason="unit",
                subject_id=subjects[i % len(subjects)],
                payload={
                    "title": "Mô hình đo tốc độ",
                    "state": "screening",
                    "actor": "Thủ trưởng",
                    "comment": "",
                },
            )
            for i in range(rows)
        ],
        batch_size=5000,
    )
    return [row.pk for row in created]


def drain(ids: list[int], batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(ids), batch):
        deliver.delay(ids[i : i + batch])
    pending = Outbox.objects.filter(pk__in=ids).exclude(status=Outbox.Status.SENT)
    while pending.exists():
        time.sleep(0.05)
        if time.perf_counter() - start > 600:
            raise SystemExit("not drained after 10 minutes")
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--batch", type=int, nargs="+", default=[3, 100])
    args = parser.parse_args(argv)
    print(machine())
    from config.celery import app

    app.control.purge()  # only this run's tasks: the queue may hold messages for other databases
    log = Path("/tmp/dvk-bench-worker.log")
    worker = start_worker(log)
    try:
        for batch in args.batch:
            ids = fill(args.rows)
            seconds = drain(ids, batch)
            notes = Notification.objects.filter(outbox_id__in=ids).count()
            failed = Outbox.objects.filter(pk__in=ids, status=Outbox.Status.FAILED).count()
            print(
                f"batch={batch} ids per task: {len(ids)} rows in {seconds:.1f} s = "
                f"{len(ids) / seconds:.0f} rows/s; in-app notifications {notes} "
                f"(exactly one per row: {notes == len(ids)}); failed {failed}",
                flush=True,
            )
        print(f"worker peak RSS: {peak_rss_mib(worker.pid):.0f} MiB")
        print("target: at least 500 rows/s")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


if __name__ == "__main__":
    main(sys.argv[1:])
