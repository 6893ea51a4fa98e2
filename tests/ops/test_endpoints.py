"""/healthz, /readyz and /metrics as a load balancer, an orchestrator and Prometheus read them;
the JSON line and the request id of each request."""

from __future__ import annotations

import datetime
import json
import logging
import re

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import Outbox
from ops import health
from tests.api.conftest import Api
from tests.workflows.conftest import build_world, draft
from workflows.models import AuditCheck, AuditEntry


@pytest.fixture
def world(db):
    return build_world()


def sample(text: str, name: str, **labels) -> float | None:
    """The value of one sample in Prometheus's text format (labels in any order)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(m.group(3))
    return None


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


# --- health -------------------------------------------------------------------------------


def test_liveness_answers_any_host_without_touching_the_database(
    db, client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")  # not in ALLOWED_HOSTS
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_reports_each_check_and_is_ready(world, client, settings):
    settings.CELERY_BROKER_URL = ""  # in-process tasks: no broker to ask
    AuditCheck.objects.create(ok=True, checked=3, verified_up_to=3)
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    body = response.json()
    checks = body["checks"]
    assert body["status"] == "ok", body
    assert checks["database"]["status"] == checks["migrations"]["status"] == "ok"
    assert checks["audit"]["ok"] is True
    assert checks["outbox"]["status"] == "ok"
    assert set(checks["outbox"]) == {"status", "backlog", "oldest_age_seconds", "failed"}
    assert checks["audit_partitions"]["status"] == "ok"


def test_readiness_warns_of_an_audit_entry_in_the_default_partition(
    world, client, settings, on_postgres
):
    """An entry whose year has no partition is kept (decision 0015) and /readyz says so."""
    from unittest import mock

    from workflows import audit, partitions

    settings.CELERY_BROKER_URL = ""
    AuditCheck.objects.create(ok=True, checked=3, verified_up_to=3)
    year = timezone.localdate().year
    assert client.get("/readyz").json()["checks"]["audit_partitions"] == {
        "status": "ok",
        "through": year + partitions.YEARS_AHEAD,
        "default_entries": 0,
    }
    far = datetime.datetime(year + partitions.YEARS_AHEAD + 1, 2, 1, tzinfo=datetime.UTC)
    with mock.patch("workflows.audit.timezone.now", return_value=far), transaction.atomic():
        audit.append(committee_id=None, actor_id=None, action="probe")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["audit_partitions"]["status"] == "warn"
    assert body["checks"]["audit_partitions"]["default_entries"] == 1


def test_readiness_is_degraded_not_down_for_an_old_backlog_a_stale_audit_check_and_no_redis(
    world, client, settings
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    initiative = draft(world)
    from workflows import services

    services.perform(initiative.pk, "submit", actor=world.staff)
    Outbox.objects.update(created=timezone.now() - datetime.timedelta(minutes=10))
    AuditCheck.objects.create(
        ok=True, checked_at=timezone.now() - datetime.timedelta(hours=40), checked=1
    )
    response = client.get("/readyz")
    assert response.status_code == 200  # every instance shares these: none leaves the pool
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "warn"
    outbox = body["checks"]["outbox"]
    assert outbox["status"] == "warn" and outbox["backlog"] >= 1
    assert outbox["oldest_age_seconds"] >= 600
    assert body["checks"]["audit"]["status"] == "warn"


def test_readiness_fails_with_503_while_migrations_are_missing(world, client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("workflows.0099_future", False)],
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"status": "fail", "unapplied": 1}


def test_readiness_fails_with_503_when_the_database_is_gone(world, client, monkeypatch):
    from django.db import OperationalError, connection

    def down(*a, **k):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", down)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "status": "fail",
        "detail": "OperationalError",
    }


# --- metrics ------------------------------------------------------------------------------


def test_metrics_count_a_transition_by_action_and_outcome_after_it_happens(world, client):
    initiative = draft(world)
    staff = Api(world.staff)
    before = scrape(client)
    done = sample(before, "dvk_transitions_total", action="submit", outcome="done") or 0
    refused = sample(before, "dvk_transitions_total", action="approve", outcome="refused") or 0

    assert staff.act(initiative.pk, "submit").status_code == 200
    assert staff.act(initiative.pk, "approve").status_code == 403  # staff may not approve

    after = scrape(client)
    kind = {"kind": "initiative"}
    assert sample(after, "dvk_transitions_total", action="submit", outcome="done", **kind) == (
        done + 1
    )
    assert sample(after, "dvk_transitions_total", action="approve", outcome="refused", **kind) == (
        refused + 1
    )
    # The request latency of the action's view (django-prometheus), and the outbox it filled.
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    assert sample(after, latency, view="api:initiative-action-submit", method="POST") >= 1
    assert sample(after, "dvk_outbox_backlog") == Outbox.objects.exclude(status="sent").count()
    assert sample(after, "dvk_outbox_oldest_unsent_age_seconds") >= 0
    assert sample(after, "dvk_outbox_failed") == 0
    assert sample(after, "dvk_tasks_overdue") == 0


def test_a_lost_row_lock_is_counted_as_a_conflict(world, monkeypatch):
    from django.db import OperationalError

    from core.errors import Conflict
    from core.metrics import transitions
    from workflows import services
    from workflows.engine.kinds import ProcessKind

    initiative = draft(world)
    child = transitions.labels("initiative", "submit", "conflict")
    before = child._value.get()

    class LockNotAvailable(Exception):
        sqlstate = "55P03"  # what PostgreSQL answers a NOWAIT lock on a taken row

    def taken(self, *args, **kwargs):
        raise OperationalError("could not obtain lock") from LockNotAvailable()

    monkeypatch.setattr(ProcessKind, "lock", taken)
    with pytest.raises(Conflict):
        services.perform(initiative.pk, "submit", actor=world.staff)
    assert child._value.get() == before + 1


def test_overdue_tasks_are_counted(world, client):
    from workflows import services
    from workflows.models import InitiativeTask

    initiative = draft(world)
    services.perform(initiative.pk, "submit", actor=world.staff)
    InitiativeTask.objects.filter(initiative=initiative, finished__isnull=True).exclude(
        role=""
    ).update(due_at=timezone.now() - datetime.timedelta(days=1))
    assert sample(scrape(client), "dvk_tasks_overdue") == 1


def test_metrics_answer_only_the_allowed_addresses_or_the_token(client, settings, db):
    settings.METRICS_ALLOWED_IPS = {"10.0.0.1"}
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 404
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")
    assert ok.status_code == 200 and b"dvk_outbox_backlog" in ok.content
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.1").status_code == 200


def test_behind_nginx_the_client_address_is_its_x_real_ip(client, settings, db):
    settings.TRUSTED_PROXIES = {"127.0.0.1"}
    # Through the proxy, from outside: the client is 203.0.113.9, not allowed to scrape.
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 404
    assert client.get("/metrics").status_code == 200  # Prometheus, straight to the instance
    settings.TRUSTED_PROXIES = set()  # a header from an untrusted peer changes nothing
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 200


# --- logs and the request id ----------------------------------------------------------------


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "dvk.request"]


def test_one_json_line_per_request_with_its_id_user_and_initiative(world, client, caplog):
    from django.conf import settings as dj

    initiative = draft(world)
    client.force_login(world.staff)
    caplog.set_level(logging.INFO, logger="dvk.request")
    response = client.post(
        f"/mo-hinh/{initiative.pk}/thao-tac/submit/", {}, HTTP_X_REQUEST_ID="req-abc-123"
    )
    assert response.status_code in (200, 302)
    assert response["X-Request-ID"] == "req-abc-123"
    (record,) = request_lines(caplog)
    assert record.request_id == "req-abc-123"
    assert record.user == "staff"
    assert record.initiative == initiative.pk
    assert record.method == "POST" and record.status == response.status_code
    assert record.view == "workflows:action"
    # Rendered as the deployment renders it: one JSON object on one line.
    handler = dj.LOGGING["handlers"]["console"]
    assert handler["formatter"] == "json"
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        **{k: v for k, v in dj.LOGGING["formatters"]["json"].items() if k != "()"}
    )
    line = formatter.format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["request_id"] == "req-abc-123" and parsed["user"] == "staff"
    assert parsed["initiative"] == initiative.pk and parsed["logger"] == "dvk.request"
    # The audit entry of that transition names the same request.
    entry = AuditEntry.objects.filter(initiative=initiative, action="submit").get()
    assert entry.request_id == "req-abc-123"


def test_a_request_without_an_id_gets_a_new_one_that_its_audit_entry_shares(world, caplog):
    initiative = draft(world)
    caplog.set_level(logging.INFO, logger="dvk.request")
    response = Api(world.staff).act(initiative.pk, "submit")
    assert response.status_code == 200
    rid = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    (record,) = request_lines(caplog)
    assert record.request_id == rid and record.user == "staff"  # the API's token user
    assert record.initiative == initiative.pk
    assert AuditEntry.objects.get(initiative=initiative, action="submit").request_id == rid


def test_the_request_id_travels_into_the_headers_of_the_tasks_it_causes(world, caplog):
    """Publishing inside a request adds the request id, user and initiative to the message;
    the worker binds them for the task and writes one line naming them (ops.celery)."""
    from core import context
    from notifications.tasks import deliver
    from ops import celery as hooks

    headers: dict = {}
    tokens = context.bind(request_id_value="rid-9", user_value="staff", initiative_value=42)
    try:
        hooks._add_context(headers=headers)
    finally:
        context.unbind(tokens)
    assert headers == {"dvk_request_id": "rid-9", "dvk_user": "staff", "dvk_initiative": 42}

    # What the worker does with such a message (the real worker path is in the multi-process
    # test): the headers become the task's request attributes.
    caplog.set_level(logging.INFO, logger="dvk.task")
    deliver.apply(args=[[]], headers=headers, task_id="t-1")
    (line,) = [r for r in caplog.records if r.name == "dvk.task"]
    assert (line.request_id, line.user, line.initiative) == ("rid-9", "staff", 42)
    assert line.task == "notifications.deliver" and line.state == "SUCCESS"
    assert line.task_id == "t-1" and line.duration_ms >= 0
    assert context.current() == {"request_id": "", "user": "", "initiative": None}


def test_a_beat_task_is_named_by_its_own_id(db, caplog):
    from notifications.tasks import sweep

    caplog.set_level(logging.INFO, logger="dvk.task")
    sweep.apply(task_id="beat-1")
    (line,) = [r for r in caplog.records if r.name == "dvk.task"]
    assert line.request_id == "task-beat-1" and line.user == ""
