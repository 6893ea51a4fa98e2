"""The lease's heartbeat (notifications.delivery._Heartbeat) on its own: it stops a worker whose
claim was taken back, and a worker cut off from the database just lets its lease run out."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import OperationalError

from notifications import delivery
from notifications.models import Outbox


def lease(settings, pks):
    settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS = 0.06  # a renewal every 20 ms
    rows = [Outbox(pk=pk, claimed_at=None) for pk in pks]
    return delivery._Lease(rows)


@pytest.mark.django_db
def test_a_claim_taken_back_stops_the_worker_at_the_next_beat(settings):
    held = lease(settings, [10**12])  # no row carries this claim any more
    with delivery._Heartbeat(held, uuid.uuid4()):
        deadline = time.monotonic() + 10
        while not held.lost and time.monotonic() < deadline:
            time.sleep(0.01)
    assert held.lost


@pytest.mark.django_db
def test_a_worker_cut_off_from_the_database_keeps_trying_and_its_lease_runs_out(
    settings, monkeypatch
):
    tries = []

    class Down:
        def filter(self, **kwargs):
            tries.append(kwargs)
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Outbox, "objects", Down())
    held = lease(settings, [1, 2])
    with delivery._Heartbeat(held, uuid.uuid4()):
        deadline = time.monotonic() + 10
        while len(tries) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(tries) >= 3 and not held.lost  # nothing renewed: the sweep will take the rows
