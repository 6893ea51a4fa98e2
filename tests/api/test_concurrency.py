"""Two copies of one action at once (a client's retry racing its first try): one action, one
stored result; the other copy gets the same answer or a 409, never a second action."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.tokens import issue
from tests.workflows.conftest import build_world, draft
from workflows.models import AuditEntry, IdempotencyKey

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("key", ["race-1", ""])
def test_the_same_action_sent_twice_at_once_acts_once(transactional_db, on_postgres, key):
    world = build_world()
    initiative = draft(world)
    token = issue(world.staff)[1]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        headers = {"Idempotency-Key": key} if key else {}
        barrier.wait()
        try:
            response = client.post(
                f"/api/v1/initiatives/{initiative.pk}/actions/submit",
                {},
                format="json",
                headers=headers,
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) in ([200, 200], [200, 409]), statuses
    assert AuditEntry.objects.filter(initiative=initiative, action="submit").count() == 1
    if key:
        assert IdempotencyKey.objects.filter(key=key).count() == 1
