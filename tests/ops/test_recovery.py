"""A worker killed while it holds notifications: another worker delivers them within 30 s, with
the deployment's default lease and sweep (15 s, every 5 s), each in-app notification once.

Worker A's mail server hangs, so A claims every row, writes the in-app notifications and then
waits inside its first e-mail, alive: its heartbeat keeps the claim past the lease and the
sweep leaves its rows alone. Then A is killed (SIGKILL: no goodbye, no ack); worker B, with the
one beat, must have every row delivered within 30 s."""

from __future__ import annotations

import shutil
import time

import pytest
from django.conf import settings
from django.db.models import Count

from notifications import delivery
from notifications.models import Notification, Outbox
from tests.notifications.procs import Worker, emails_by_outbox, wait_for
from tests.notifications.test_worker import FOUR_STEPS, four_steps, per_person
from tests.workflows.conftest import draft

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.timeout(150),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

# The deployment's defaults (config/settings.py), not the worker tests' fast ones.
DEFAULTS = {
    "NOTIFICATIONS_CLAIM_LEASE_SECONDS": "15",
    "NOTIFICATIONS_SWEEP_EVERY_SECONDS": "5",
    "NOTIFICATIONS_SWEEP_DELAY_SECONDS": "20",
}


def test_a_killed_workers_notifications_reach_everyone_within_30_s(
    world_tx, broker, tmp_path, capsys
):
    # The figure below is for the defaults.
    assert settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS == 15
    assert settings.CELERY_BEAT_SCHEDULE["notifications-sweep"]["schedule"] == 5
    world = world_tx
    for i in range(10):
        four_steps(world, draft(world, title=f"Mô hình {i}"))
    total = Outbox.objects.count()
    assert total == 10 * sum(FOUR_STEPS.values())
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    a = Worker(
        broker.url,
        mail_dir,
        tmp_path / "a.log",
        EMAIL_BACKEND="tests.ops.mailbackends.HangingBackend",
        **DEFAULTS,
    )
    b = Worker(broker.url, mail_dir, tmp_path / "b.log", **DEFAULTS)
    try:
        a.start(beat=False)
        wait_for(
            lambda: Outbox.objects.filter(status=Outbox.Status.SENDING).count() == total,
            timeout=60,
            what="worker A to claim every row",
        )
        claimed_at = time.monotonic()
        wait_for(lambda: Notification.objects.count() == total, timeout=30, what="in-app")
        b.start(beat=True)  # the deployment's one beat runs the sweep every 5 s

        # Alive past its lease: the heartbeat renews it and a sweep finds nothing to take back.
        time.sleep(max(0.0, claimed_at + 15 + 2 - time.monotonic()))
        delivery.sweep()
        assert Outbox.objects.filter(status=Outbox.Status.SENDING).count() == total
        assert emails_by_outbox(mail_dir) == {}

        a.kill()
        killed = time.monotonic()
        try:
            wait_for(
                lambda: not Outbox.objects.exclude(status=Outbox.Status.SENT).exists(),
                timeout=60,
                interval=0.2,
                what="every row delivered after the kill",
            )
        except AssertionError:
            raise AssertionError(f"worker B's log:\n{b.log()}") from None
        recovery = time.monotonic() - killed
    finally:
        a.kill()
        b.stop()

    assert recovery <= 30, f"delivered {recovery:.1f}s after the kill"
    assert per_person() == {name: 10 * n for name, n in FOUR_STEPS.items()}
    assert not Outbox.objects.annotate(n=Count("notification")).exclude(n=1).exists()
    assert emails_by_outbox(mail_dir) == {
        pk: 1 for pk in Outbox.objects.values_list("pk", flat=True)
    }
    with capsys.disabled():
        print(
            f"\n[recovery] worker killed holding {total} rows; all delivered by the other "
            f"worker {recovery:.1f}s later (lease 15 s, sweep every 5 s)"
        )
