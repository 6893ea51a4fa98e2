"""Lists cost a fixed number of queries whatever the page holds (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workflows.conftest import advance, draft
from workflows import services
from workflows.models import State


def _queries(api_client, path: str) -> tuple[int, int]:
    """(queries, rows on the page)."""
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get(path)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize(
    "who, path",
    [
        ("auditor", "/initiatives"),
        ("reviewer", "/tasks/inbox"),
        ("reviewer", "/tasks/queue"),
        ("head", "/tasks/archive"),
        ("auditor", "/audit"),
        ("reviewer", "/units"),
        ("staff", "/campaigns"),
    ],
)
def test_lists_do_not_grow_with_their_rows(world, api, who, path):
    from units.models import Membership, Role

    if path == "/tasks/queue":  # two reviewers: screening tasks wait in the queue
        Membership.objects.create(
            user=world.leader, unit=world.units["bdv"], role=Role.COMMITTEE_REVIEWER
        )
    advance(world, draft(world), State.SCREENING)
    api(who).get("/me")  # the token's first use
    few, rows = _queries(api(who), path)
    for _ in range(4):
        advance(world, draft(world), State.SCREENING)
    world.units["dept"].add_child(code="SNN_P2", name="Phòng 2", kind="office")
    services.create_campaign(
        actor=world.people["leader"], committee=world.units["bdv"], year=world.year + 1
    )
    more, more_rows = _queries(api(who), path)
    assert more_rows > rows >= 1
    assert more == few
