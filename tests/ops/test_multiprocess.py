"""Several processes give the same result as one.

The same lifecycle is driven twice over the API: once in this one process (tasks in-process),
once through the production layout on this machine — gunicorn with two worker processes
(config/gunicorn.py, Prometheus in multiprocess mode), two Celery workers and the one beat over
a real Redis and PostgreSQL, the initiatives driven in parallel and one action raced by two
requests. Every count must match: audit entries by action, outbox rows, notifications and
e-mails per person and event, reminders by kind, the states reached; the chain verifies; the
transitions /metrics counted across both gunicorn processes; the request id of a request is in
its audit entry and in the log line of the Celery task it caused."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import issue
from config.celery import app as celery_app
from notifications.models import Notification, Outbox, ReminderLog
from tests.notifications.procs import (
    CELERY,
    ROOT,
    Worker,
    emails_by_outbox,
    free_port,
    wait_for,
    worker_database_url,
)
from tests.workflows.conftest import REGISTRATION, build_world, full_points
from workflows import audit
from workflows.models import AuditEntry, Initiative, InitiativeTask

from .test_endpoints import sample

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.timeout(240),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

N = 4  # initiatives through the whole lifecycle
USERS = ("staff", "head", "reviewer", "member1", "member2", "leader")
GUNICORN = Path(sys.executable).with_name("gunicorn")


def make_world():
    world = build_world()
    for user in world.people.values():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    keys = {name: issue(world.people[name])[1] for name in USERS}
    return world, keys


def lifecycle(world, i: int) -> list[tuple[str, str, dict]]:
    points = {str(k): str(v) for k, v in full_points(world.campaign).items()}
    decision = {"decision_number": f"{i}-QĐ/BDVTU", "decision_date": "15/10/2026"}
    last = (
        ("recognize", "leader", {**decision, "decision_signer": "A"})
        if i % 2 == 0
        else ("reject", "leader", {"comment": "Chưa đạt yêu cầu"})
    )
    return [
        ("submit", "staff", {}),
        ("approve", "head", {}),
        ("accept", "reviewer", {}),
        ("nominate", "head", {"result": {"result_achieved": "Có", "result_people_reached": 9}}),
        ("score", "member1", {"points": points}),
        ("score", "member2", {"points": points}),
        ("close_scoring", "leader", {}),
        last,
    ]


def drive(world, call, *, parallel: bool) -> dict:
    """The scenario, through `call(user, method, path, body, request_id) -> (status, json)`."""
    registration = {"unit": world.units["dept"].pk, "year": world.year, **REGISTRATION}
    done = Counter()

    def one(i: int) -> int:
        status, body = call("staff", "POST", "/initiatives", {**registration, "title": f"MH {i}"})
        assert status == 201, body
        pk = body["id"]
        for step, (action, user, data) in enumerate(lifecycle(world, i)):
            rid = f"mp-{i}-{step}"
            if (i, action) == (0, "approve"):
                # Two requests race for the same action: exactly one wins.
                path = f"/initiatives/{pk}/actions/approve"
                with ThreadPoolExecutor(2) as race:
                    futures = [
                        race.submit(call, user, "POST", path, data, f"{rid}-{n}") for n in (0, 1)
                    ]
                    results = [f.result() for f in futures]
                assert sorted(s for s, _ in results)[0] == 200
                assert sorted(s for s, _ in results)[1] in (400, 409), results
                done[action] += 1
                continue
            status, body = call(user, "POST", f"/initiatives/{pk}/actions/{action}", data, rid)
            assert status == 200, (action, body)
            done[action] += 1
        return pk

    if parallel:
        with ThreadPoolExecutor(3) as pool:
            pks = list(pool.map(one, range(N)))
    else:
        pks = [one(i) for i in range(N)]
    # Two left waiting in the unit's review, their tasks overdue; a deadline a week away.
    for i in range(2):
        status, body = call("staff", "POST", "/initiatives", {**registration, "title": f"Chờ {i}"})
        assert status == 201, body
        status, body = call("staff", "POST", f"/initiatives/{body['id']}/actions/submit", {}, "")
        assert status == 200, body
        done["submit"] += 1
    InitiativeTask.objects.filter(finished__isnull=True).exclude(role="").update(
        due_at=timezone.now() - datetime.timedelta(days=5)
    )
    world.campaign.__class__.objects.update(
        registration_deadline=timezone.localdate() + datetime.timedelta(days=7)
    )
    return {"pks": pks, "done": done}


def outcome(emails_per_outbox: dict[int, int]) -> dict:
    """Everything that must be the same, keyed by names and actions (ids differ between runs)."""
    who = {
        pk: (username or "webhook", event)
        for pk, username, event in Outbox.objects.values_list("pk", "recipient__username", "event")
    }
    emails = Counter()
    for pk, n in emails_per_outbox.items():
        emails[who[pk]] += n
    return {
        "audit": Counter(AuditEntry.objects.values_list("action", flat=True)),
        "outbox": Counter(who.values()),
        "unsent": Outbox.objects.exclude(status=Outbox.Status.SENT).count(),
        "notifications": Counter(Notification.objects.values_list("recipient__username", "event")),
        "emails": emails,
        "reminders": Counter(ReminderLog.objects.values_list("kind", flat=True)),
        "states": Counter(Initiative.objects.values_list("state", flat=True)),
        "chain_ok": audit.verify().ok,
    }


def test_two_web_processes_two_workers_and_beat_give_what_one_process_gives(
    transactional_db, on_postgres, redis_server, broker, tmp_path, settings, capsys
):
    # --- one process: the API in this process, tasks in-process ------------------------------
    world, keys = make_world()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []

    def in_process(user, method, path, body, request_id=""):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[user]}")
        response = client.post(f"/api/v1{path}", body, format="json", HTTP_X_REQUEST_ID=request_id)
        return response.status_code, response.json()

    started = time.monotonic()
    single_run = drive(world, in_process, parallel=False)
    from workflows.tasks import remind_overdue_tasks, remind_registration_deadline

    remind_overdue_tasks.apply()
    remind_registration_deadline.apply()
    single_emails = Counter(int(m.extra_headers["X-DVK-Outbox"]) for m in mail.outbox)
    single = outcome(single_emails)
    single_seconds = time.monotonic() - started
    assert single["unsent"] == 0 and single["chain_ok"]
    assert single["reminders"]["overdue"] >= 2 and single["reminders"]["deadline"] >= 1

    # --- the same again through the production layout -----------------------------------------
    call_command("flush", verbosity=0, interactive=False)
    world, keys = make_world()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": broker.url,
        "CELERY_BROKER_URL": broker.url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "audit-checkpoints"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "LOG_LEVEL": "WARNING",
    }
    web_log = open(tmp_path / "web.log", "wb")  # noqa: SIM115 - the process's whole life
    web = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=web_log,
        stderr=web_log,
    )
    workers = [Worker(broker.url, mail_dir, tmp_path / f"worker{n}.log") for n in (1, 2)]
    beat_env = {k: v for k, v in env.items() if k not in ("PROMETHEUS_MULTIPROC_DIR",)}
    beat_args = [str(CELERY), "-A", "config", "beat", "--loglevel=WARNING"]
    beat_args += ["--scheduler", "notifications.beat:Scheduler"]
    beat_log = open(tmp_path / "beat.log", "wb")  # noqa: SIM115
    beat = None
    try:
        for w in workers:
            w.start(beat=False)
        beat = subprocess.Popen(beat_args, cwd=ROOT, env=beat_env, stdout=beat_log, stderr=beat_log)

        def ready() -> bool:
            try:
                return requests.get(f"{base}/readyz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_for(ready, timeout=60, interval=0.3, what="gunicorn's /readyz")
        wait_for(
            lambda: (
                len(set(re.findall(r"worker (\d+) ready", (tmp_path / "web.log").read_text()))) >= 2
            ),
            timeout=60,
            interval=0.3,
            what="both gunicorn processes to have loaded the application",
        )
        wait_for(
            lambda: "holds dvk:beat:lock" in (tmp_path / "beat.log").read_text(),
            timeout=60,
            interval=0.3,
            what="the beat to take its lock",
        )
        # A second beat waits without running anything while the first holds the lock:
        # exactly one in the deployment (it would take over once the first is gone).
        second_log = tmp_path / "beat2.log"
        with open(second_log, "wb") as out:
            second = subprocess.Popen(
                beat_args,
                cwd=ROOT, env=beat_env, stdout=out, stderr=out,
            )  # fmt: skip
        try:
            wait_for(
                lambda: "another beat is running" in second_log.read_text(),
                timeout=60,
                interval=0.3,
                what="the second beat to find the lock taken",
            )
            assert second.poll() is None, "the second beat waits, it does not exit"
            assert "holds dvk:beat:lock" not in second_log.read_text()
        finally:
            second.terminate()
            second.wait(timeout=20)

        sessions = threading.local()

        def over_http(user, method, path, body, request_id=""):
            s = getattr(sessions, "s", None) or requests.Session()
            sessions.s = s
            response = s.post(
                f"{base}/api/v1{path}",
                json=body,
                # A new connection each time: the two processes share the requests.
                headers={
                    "Authorization": f"Token {keys[user]}",
                    "X-Request-ID": request_id,
                    "Connection": "close",
                },
                timeout=60,
            )
            return response.status_code, response.json()

        started = time.monotonic()
        multi_run = drive(world, over_http, parallel=True)
        celery_app.send_task("notifications.remind_overdue_tasks")
        celery_app.send_task("notifications.remind_registration_deadline")

        def logged(task: str) -> bool:
            return any(
                f'"task": "{task}"' in w.log_path.read_text(errors="replace") for w in workers
            )

        for task in (
            "notifications.remind_overdue_tasks",
            "notifications.remind_registration_deadline",
        ):
            wait_for(lambda task=task: logged(task), timeout=60, interval=0.3, what=task)
        wait_for(
            lambda: (
                Outbox.objects.exists()
                and not Outbox.objects.exclude(status=Outbox.Status.SENT).exists()
            ),
            timeout=90,
            interval=0.3,
            what="every notification delivered",
        )
        multi_seconds = time.monotonic() - started
        multi = outcome(emails_by_outbox(mail_dir))
        scrapes = [requests.get(f"{base}/metrics", timeout=10).text for _ in range(4)]
    finally:
        if beat and beat.poll() is None:
            beat.terminate()
            beat.wait(timeout=20)
        for w in workers:
            w.stop()
        web.terminate()
        web.wait(timeout=30)

    assert multi == single
    assert multi_run["done"] == single_run["done"]
    # Counted by both gunicorn processes, summed by whichever answers the scrape.
    total_done = sum(multi_run["done"].values())
    for text in scrapes:
        counted = sum(
            sample(text, "dvk_transitions_total", action=action, outcome="done") or 0
            for action in multi_run["done"]
        )
        assert counted == total_done
    lines = [
        json.loads(x) for x in (tmp_path / "web.log").read_text().splitlines() if x.startswith("{")
    ]
    requests_served = [x for x in lines if x.get("logger") == "dvk.request"]
    assert len({x["pid"] for x in requests_served}) == 2, "both gunicorn processes served"
    # The request id: in the audit entry of its transition and in the task it caused.
    assert AuditEntry.objects.filter(request_id="mp-1-0", action="submit").count() == 1
    task_lines = [
        json.loads(x)
        for w in workers
        for x in w.log_path.read_text(errors="replace").splitlines()
        if x.startswith("{") and '"dvk.task"' in x
    ]
    caused = [x for x in task_lines if x["request_id"] == "mp-1-0"]
    assert caused and caused[0]["task"] == "notifications.deliver" and caused[0]["user"] == "staff"
    with capsys.disabled():
        print(
            f"\n[multi-process] {total_done} transitions, {sum(multi['outbox'].values())} "
            f"notifications, {sum(multi['reminders'].values())} reminders: one process "
            f"{single_seconds:.1f}s; 2 gunicorn + 2 workers + beat {multi_seconds:.1f}s; "
            "every count equal"
        )
