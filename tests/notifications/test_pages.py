"""The bell, the list, mark read / mark all read (only one's own), and the preferences page."""

from __future__ import annotations

from notifications import selectors, services
from notifications.models import Notification, Outbox, Preference


def notify(user, n: int, title: str = "Tin") -> list[Notification]:
    made = []
    for i in range(n):
        row = Outbox.objects.create(recipient=user, event="submit", reason="task", subject_id=1)
        made.append(
            Notification.objects.create(
                recipient=user, outbox=row, event="submit", subject_id=1, title=f"{title} {i}"
            )
        )
    return made


def test_bell_counts_unread_and_list_shows_newest_first(world, client):
    mine = notify(world.head, 3)
    notify(world.staff, 2, "Của người khác")
    client.force_login(world.head)
    page = client.get("/thong-bao/")
    assert page.status_code == 200
    assert page.context["unread_notifications"] == 3
    titles = [n.title for n in page.context["page"].object_list]
    assert titles == ["Tin 2", "Tin 1", "Tin 0"]
    assert 'class="badge">3<' in page.content.decode()
    assert selectors.unread_count(world.head) == 3
    assert list(selectors.notifications_for(world.head)) == mine[::-1]


def test_empty_list_says_so(world, client):
    client.force_login(world.head)
    assert "Bạn chưa có thông báo nào." in client.get("/thong-bao/").content.decode()


def test_mark_read_touches_only_my_own(world, client):
    mine = notify(world.head, 2)
    theirs = notify(world.staff, 1)
    client.force_login(world.head)
    client.post("/thong-bao/da-doc/", {"id": [mine[0].pk, theirs[0].pk]})
    assert selectors.unread_count(world.head) == 1
    assert selectors.unread_count(world.staff) == 1
    client.post("/thong-bao/doc-het/")
    assert selectors.unread_count(world.head) == 0
    assert selectors.unread_count(world.staff) == 1
    assert services.mark_all_read(world.staff) == 1


def test_preferences_page_saves_per_channel_choice(world, client):
    client.force_login(world.staff)
    assert client.get("/thong-bao/cai-dat/").status_code == 200
    response = client.post("/thong-bao/cai-dat/", {"in_app": "immediate", "email": "digest"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=world.staff)
    assert (pref.in_app, pref.email) == ("immediate", "digest")


def test_pages_need_sign_in(client, db):
    assert client.get("/thong-bao/").status_code == 302
    assert client.post("/thong-bao/doc-het/").status_code == 302


def test_failed_rows_are_listed_for_administrators_and_can_be_resent(world, client, eager_celery):
    from accounts.models import User

    admin = User.objects.create_superuser("quantri", password="x")
    row = Outbox.objects.create(
        recipient=world.head,
        event="submit",
        reason="task",
        subject_id=1,
        status="failed",
        attempts=6,
        last_error="SMTPServerDisconnected",
    )
    client.force_login(admin)
    page = client.get("/admin/notifications/outbox/?status__exact=failed")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [row]
    client.post(
        "/admin/notifications/outbox/",
        {"action": "resend", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.status == "sent"
    assert Notification.objects.filter(outbox=row).count() == 1


def test_list_is_paginated_and_keeps_the_unread_filter(world, client):
    notify(world.head, 30)
    client.force_login(world.head)
    page = client.get("/thong-bao/?unread=1")
    assert len(page.context["page"].object_list) == 25
    assert "?unread=1&amp;page=2" in page.content.decode()
    assert len(client.get("/thong-bao/?unread=1&page=2").context["page"].object_list) == 5
