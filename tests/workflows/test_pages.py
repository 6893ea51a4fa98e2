from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflows import services

from .conftest import draft


def test_my_tasks_page_lists_the_heads_review_task_and_links_to_the_initiative(world, client):
    initiative = services.perform(draft(world).pk, "submit", actor=world.staff)
    client.force_login(world.head)
    page = client.get(reverse("workflows:tasks")).content.decode()
    assert initiative.title in page and "Thủ trưởng duyệt, ký" in page
    empty = client.get(reverse("workflows:tasks") + "?tab=archive").content.decode()
    assert "Bạn chưa hoàn thành việc nào." in empty


def test_initiative_page_shows_the_timeline_with_who_and_the_comment(world, client):
    initiative = services.perform(draft(world).pk, "submit", actor=world.staff)
    services.perform(initiative.pk, "return", actor=world.head, comment="Bổ sung ảnh minh chứng")
    client.force_login(world.staff)
    page = client.get(reverse("workflows:initiative_detail", args=[initiative.pk])).content.decode()
    assert "Bổ sung ảnh minh chứng" in page and "Head" in page


def test_an_initiative_outside_my_scope_is_not_found_by_url_nor_listed(world, client):
    initiative = draft(world)
    for outsider in (world.b_head, world.b_reviewer, world.other_head):
        client.force_login(outsider)
        assert (
            client.get(reverse("workflows:initiative_detail", args=[initiative.pk])).status_code
            == 404
        )
        assert (
            initiative.title
            not in client.get(reverse("workflows:initiative_list")).content.decode()
        )
    client.force_login(world.reviewer)
    assert (
        client.get(reverse("workflows:initiative_detail", args=[initiative.pk])).status_code == 200
    )


def test_task_and_list_pages_cost_the_same_queries_with_more_rows(world, client):
    client.force_login(world.head)

    def cost(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    services.perform(draft(world).pk, "submit", actor=world.staff)
    small = (cost(reverse("workflows:tasks")), cost(reverse("workflows:initiative_list")))
    for _ in range(5):
        services.perform(draft(world).pk, "submit", actor=world.staff)
    large = (cost(reverse("workflows:tasks")), cost(reverse("workflows:initiative_list")))
    assert small == large
