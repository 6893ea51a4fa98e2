"""The real path: transitions in this process, a real Redis, a real Celery worker process (with
embedded beat running the sweep) on the pytest database. Counts per person, exactly once.

Each test starts its own redis-server on a free port, so stopping it never disturbs the shared
Redis that other test runs use."""

from __future__ import annotations

import shutil
import time
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count

from config.celery import app as celery_app
from notifications import services as notification_services
from notifications.models import Notification, Outbox
from tests.workflows.conftest import build_world, draft, full_points
from workflows import services
from workflows.models import State

from .procs import RedisServer, Worker, emails_by_outbox, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.timeout(300),  # a hang guard, not a speed test: a busy machine is slow
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="needs redis-server on PATH (apt redis)"
    ),
]

# Who hears what over one initiative's whole life (the leader acts from close_scoring on, so
# he only hears that the quorum has scored; the head approves and nominates himself).
LIFECYCLE = {
    "head": 5,  # submit (task), accept, close_scoring, recognize, commend
    "staff": 6,  # approve, accept, nominate, close_scoring, recognize, commend
    "reviewer": 1,  # approve (task)
    "member1": 2,  # nominate (task), recognize
    "member2": 2,
    "member3": 2,
    "leader": 1,  # the score that completed the quorum
}
# Per initiative walked submit → approve → accept → nominate (four transitions).
FOUR_STEPS = {"head": 2, "staff": 3, "reviewer": 1, "member1": 1, "member2": 1, "member3": 1}


@pytest.fixture(scope="module")
def redis_server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server, settings):
    """This process publishes to the private Redis for real (no eager mode)."""
    before = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.NOTIFICATIONS_BROKER_COOLDOWN_SECONDS = 3

    def reset_pools():
        celery_app._pool = None
        celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)
        notification_services._broker_down_until = 0.0

    celery_app.conf.broker_url = redis_server.url
    celery_app.conf.task_always_eager = False
    reset_pools()
    yield redis_server
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = before
    reset_pools()


@pytest.fixture
def world_tx(transactional_db, on_postgres):
    world = build_world()
    for user in world.people.values():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return world


@pytest.fixture(scope="module")
def module_worker(redis_server, tmp_path_factory, django_db_setup, django_db_blocker):
    """One worker for the module (starting one costs seconds); tests may kill and restart it."""
    base = tmp_path_factory.mktemp("worker")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    with django_db_blocker.unblock():  # only to read the test database's name
        w = Worker(redis_server.url, mail_dir, base / "worker.log")
        w.start()
    yield w
    w.stop()


@pytest.fixture
def worker(module_worker, world_tx, broker):
    for path in module_worker.mail_dir.glob("*"):
        path.unlink()
    if not module_worker.running():
        module_worker.start()
    return module_worker


def unsent() -> int:
    return Outbox.objects.exclude(status=Outbox.Status.SENT).count()


def wait_all_sent(worker: Worker, *, timeout: float) -> float:
    started = time.monotonic()
    try:
        wait_for(lambda: unsent() == 0, timeout=timeout, interval=0.2, what="all rows sent")
    except AssertionError:
        raise AssertionError(f"{unsent()} rows unsent; worker log:\n{worker.log()}") from None
    return time.monotonic() - started


def per_person() -> Counter:
    return Counter(Notification.objects.values_list("recipient__username", flat=True))


def assert_each_delivered_once(worker: Worker, *, email_duplicates_allowed: int = 0) -> int:
    person_rows = Outbox.objects.filter(recipient__isnull=False)
    assert Notification.objects.count() == person_rows.count()
    assert not Outbox.objects.annotate(n=Count("notification")).exclude(n=1).exists()
    emails = emails_by_outbox(worker.mail_dir)
    assert set(emails) == set(person_rows.values_list("pk", flat=True))
    duplicates = sum(n - 1 for n in emails.values())
    assert duplicates <= email_duplicates_allowed, f"{duplicates} e-mails sent twice"
    return duplicates


def four_steps(world, initiative):
    services.perform(initiative.pk, "submit", actor=world.staff)
    services.perform(initiative.pk, "approve", actor=world.head)
    services.perform(initiative.pk, "accept", actor=world.reviewer)
    services.perform(
        initiative.pk,
        "nominate",
        actor=world.head,
        result={"result_achieved": "120 hộ tham gia", "result_people_reached": 450},
    )


def test_full_lifecycle_through_a_real_worker_tells_each_person_once(world_tx, worker):
    world = world_tx
    initiative = draft(world)
    for action, actor, data in [
        ("submit", world.staff, {}),
        ("approve", world.head, {}),
        ("accept", world.reviewer, {}),
        ("nominate", world.head, {"result": {"result_achieved": "Có", "result_people_reached": 9}}),
        ("score", world.member1, {"points": full_points(world.campaign)}),
        ("score", world.member2, {"points": full_points(world.campaign, 0.9)}),
        ("close_scoring", world.leader, {}),
        (
            "recognize",
            world.leader,
            {
                "decision_number": "12-QĐ/BDVTU",
                "decision_date": "15/10/2026",
                "decision_signer": "A",
            },
        ),
    ]:
        services.perform(initiative.pk, action, actor=actor, **data)
    from tests.workflows.conftest import pdf

    services.perform(
        initiative.pk,
        "commend",
        actor=world.leader,
        form="bang_khen",
        authority="Chủ tịch UBND tỉnh",
        decision_number="70/QĐ-UBND",
        decision_date="20/10/2026",
        signed_file=pdf("qd.pdf"),
    )
    wait_all_sent(worker, timeout=30)
    assert per_person() == LIFECYCLE
    assert_each_delivered_once(worker)


def test_redis_down_during_200_transitions_then_back_every_notification_once(
    world_tx, worker, broker, capsys, tmp_path
):
    world = world_tx
    initiatives = [draft(world, title=f"Mô hình {i}") for i in range(50)]
    broker.stop()
    # A second worker process joins (it waits for Redis): after the restart two workers and
    # the sweep's duplicate hand-outs race for the same rows.
    second = Worker(broker.url, worker.mail_dir, tmp_path / "second.log")
    second.start(beat=False)
    started = time.monotonic()
    for initiative in initiatives:
        four_steps(world, initiative)  # 50 × 4 = 200 transitions with the broker down
    outage = time.monotonic() - started
    # Every transition committed; everything said is waiting in the outbox.
    assert set(
        type(initiatives[0])
        .objects.filter(pk__in=[i.pk for i in initiatives])
        .values_list("state", flat=True)
    ) == {State.SCORING}
    expected_rows = 50 * sum(FOUR_STEPS.values())
    assert Outbox.objects.count() == expected_rows
    assert Notification.objects.count() == 0
    broker.start()  # same port, empty: whatever was queued before is gone too
    try:
        drain = wait_all_sent(worker, timeout=45)
    finally:
        second.stop()
    assert per_person() == {name: 50 * n for name, n in FOUR_STEPS.items()}
    assert_each_delivered_once(worker)
    with capsys.disabled():
        print(
            f"\n[outage] 200 transitions with Redis down in {outage:.1f}s; "
            f"{expected_rows} notifications delivered {drain:.1f}s after Redis came back"
        )


def test_worker_killed_mid_batch_then_restarted_delivers_each_once(world_tx, worker, capsys):
    world = world_tx
    worker.stop()  # let a backlog build up in Redis first
    initiatives = [draft(world, title=f"Mô hình {i}") for i in range(25)]
    for initiative in initiatives:
        four_steps(world, initiative)
    total = Outbox.objects.count()
    assert total == 25 * sum(FOUR_STEPS.values())
    # Hand the backlog out as the sweep does, in batches of 50, so a kill lands inside one
    # (what the commits handed to the publishing thread is published first, then purged).
    assert notification_services.flush_published()
    celery_app.control.purge()
    ids = list(Outbox.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, total, 50):
        assert notification_services.dispatch(ids[start : start + 50])
    worker.start()
    wait_for(
        lambda: (
            Notification.objects.count() >= total // 3
            and Outbox.objects.filter(status=Outbox.Status.SENDING).exists()
        ),
        timeout=30,
        interval=0.005,
        what="a third delivered and a batch claimed",
    )
    worker.kill()
    at_kill = Notification.objects.count()
    in_flight = Outbox.objects.filter(status=Outbox.Status.SENDING).count()
    assert 0 < at_kill < total, "the kill must land mid-run"
    assert in_flight > 0, "the kill must land inside a batch (rows claimed, not yet sent)"
    worker.start()
    drain = wait_all_sent(worker, timeout=45)
    assert per_person() == {name: 25 * n for name, n in FOUR_STEPS.items()}
    # In-app is exactly once by construction (unique FK); an e-mail cut off between the SMTP
    # send and its bookkeeping may be sent again — at most the rows in flight at the kill.
    twice = assert_each_delivered_once(worker, email_duplicates_allowed=in_flight)
    with capsys.disabled():
        print(
            f"\n[kill -9] {at_kill}/{total} delivered at the kill, {in_flight} in flight; "
            f"all {total} delivered once {drain:.1f}s after the restart "
            f"({twice} e-mail(s) sent twice)"
        )
