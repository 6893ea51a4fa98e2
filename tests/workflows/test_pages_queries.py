"""No page makes a query per row: the inbox, the queue, the unit's dashboard and the audit
search cost the same number of queries with one row as with many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.models import Role
from workflows import services

from .conftest import advance, draft, person


def cost(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def assert_constant(client, django_assert_num_queries, url: str, grow) -> int:
    """Measure the page with the rows present now, add rows, and assert the same count."""
    first = cost(client, url)
    grow()
    with django_assert_num_queries(first):
        response = client.get(url)
    assert response.status_code == 200
    print(f"{url}: {first} queries")  # shown with -s; the README quotes these figures
    return first


@pytest.fixture
def reviewers(world):
    # Two reviewers: the committee's screening tasks wait in the queue instead of being assigned.
    return world.reviewer, person("reviewer2", (world.units["bdv"], Role.COMMITTEE_REVIEWER))


def test_inbox_costs_the_same_with_one_row_and_with_many(world, client, django_assert_num_queries):
    services.perform(draft(world).pk, "submit", actor=world.staff)
    client.force_login(world.head)

    def grow():
        for i in range(6):
            services.perform(draft(world, title=f"M{i}").pk, "submit", actor=world.staff)

    url = reverse("workflows:tasks") + "?tab=inbox&order=due"
    assert_constant(client, django_assert_num_queries, url, grow)
    assert client.get(url).context["page"].paginator.count == 7


def test_queue_costs_the_same_with_one_row_and_with_many(
    world, client, reviewers, django_assert_num_queries
):
    advance(world, draft(world), "screening")
    client.force_login(world.reviewer)

    def grow():
        for i in range(6):
            advance(world, draft(world, title=f"M{i}"), "screening")

    url = reverse("workflows:tasks") + "?tab=queue"
    assert_constant(client, django_assert_num_queries, url, grow)
    assert client.get(url).context["page"].paginator.count == 7


def test_unit_dashboard_costs_the_same_with_one_row_and_with_many(
    world, client, django_assert_num_queries
):
    draft(world)
    client.force_login(world.staff)

    def grow():
        for i in range(6):
            initiative = draft(world, title=f"M{i}")
            if i % 2:
                initiative = services.perform(initiative.pk, "submit", actor=world.staff)
                services.perform(initiative.pk, "return", actor=world.head, comment="Bổ sung")

    url = reverse("workflows:unit_dashboard")
    assert_constant(client, django_assert_num_queries, url, grow)


def test_audit_search_costs_the_same_with_one_row_and_with_many(
    world, client, django_assert_num_queries
):
    draft(world)
    client.force_login(world.auditor)

    def grow():
        for i in range(4):
            advance(world, draft(world, title=f"M{i}"), "implementing")

    url = reverse("workflows:audit_search")
    assert_constant(client, django_assert_num_queries, url, grow)
    assert client.get(url).context["page"].paginator.count == 1 + 4 * 4


def test_audit_search_counts_at_most_the_cap_and_says_so(world, client, monkeypatch):
    from workflows.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    client.force_login(world.auditor)
    url = reverse("workflows:audit_search")
    draft(world)
    draft(world)
    page = client.get(url).context["page"]
    assert (page.paginator.count, page.paginator.capped) == (2, False)

    advance(world, draft(world), "screening")  # create, submit, approve: 5 entries in all
    response = client.get(url)
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.capped) == (3, True)
    assert "hơn 3 mục" in response.content.decode()
