"""Who hears what, on which channel, once: delivery run in-process on the outbox rows that the
door wrote (the worker tests run the same code in a real Celery worker)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery
from notifications.models import Notification, Outbox, Preference, Webhook
from tests.workflows.conftest import advance, draft
from workflows import services as workflow_services
from workflows.models import State


def deliver_all() -> int:
    return delivery.deliver_rows(Outbox.objects.values_list("pk", flat=True))


def told(event: str) -> Counter:
    return Counter(
        Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    )


def test_full_lifecycle_tells_each_person_exactly_once_per_transition(world):
    initiative = advance(world, draft(world), State.COMMENDED)
    deliver_all()
    assert told("submit") == {"head": 1}
    assert told("approve") == {"reviewer": 1, "staff": 1}
    assert told("accept") == {"staff": 1, "head": 1}
    assert told("nominate") == {"member1": 1, "member2": 1, "member3": 1, "staff": 1}
    assert told("score") == {"leader": 1}  # once, by the score that completed the quorum
    assert told("close_scoring") == {"staff": 1, "head": 1}  # the leader closed it himself
    assert told("recognize") == {"staff": 1, "head": 1, "member1": 1, "member2": 1, "member3": 1}
    assert told("commend") == {"staff": 1, "head": 1}
    # Nobody outside the province's committee hears anything.
    assert not Notification.objects.filter(recipient__username__startswith="b_").exists()
    # Every row delivered and marked; one notification per row.
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}
    assert Notification.objects.count() == Outbox.objects.count()
    # Task holders get a link straight to their task.
    note = Notification.objects.get(event="submit")
    assert note.url.startswith(f"/mo-hinh/{initiative.pk}/#task-")
    assert "Bạn có nhiệm vụ mới" in note.title


def test_a_return_tells_the_submitter_with_the_reason(world):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    workflow_services.perform(initiative.pk, "return", actor=world.head, comment="Sửa địa chỉ")
    deliver_all()
    note = Notification.objects.get(event="return")
    assert note.recipient == world.staff
    assert "bị trả lại" in note.title
    assert "Ý kiến: Sửa địa chỉ" in note.body
    assert "#task-" in note.url  # the submitter now holds the task to fix it


def test_send_back_and_reject_reach_everyone_who_acted_before_with_the_comment(world):
    initiative = advance(world, draft(world), State.SCREENING)
    workflow_services.perform(
        initiative.pk, "send_back", actor=world.reviewer, comment="Thiếu minh chứng"
    )
    other = advance(world, draft(world, title="Mô hình thứ hai"), State.DECIDING)
    workflow_services.perform(other.pk, "reject", actor=world.leader, comment="Chưa lan tỏa")
    deliver_all()
    assert told("send_back") == {"staff": 1, "head": 1}
    assert told("reject") == {"staff": 1, "head": 1, "reviewer": 1, "member1": 1, "member2": 1}
    assert all(
        "Chưa lan tỏa" in body
        for body in Notification.objects.filter(event="reject").values_list("body", flat=True)
    )


def test_withdraw_tells_whoever_held_a_task(world):
    initiative = advance(world, draft(world), State.SCREENING)
    workflow_services.perform(initiative.pk, "withdraw", actor=world.head, comment="Sáp nhập")
    deliver_all()
    assert told("withdraw") == {"staff": 1, "reviewer": 1}


def test_delivering_twice_makes_one_notification_and_one_email(world):
    world.head.email = "head@example.vn"
    world.head.save()
    advance(world, draft(world), State.UNIT_REVIEW)
    ids = list(Outbox.objects.values_list("pk", flat=True))
    assert delivery.deliver_rows(ids) == 1
    assert delivery.deliver_rows(ids) == 0
    # Even a row put back to pending (as if its first worker died) is not told twice in-app.
    Outbox.objects.update(status="pending", in_app_state="")
    delivery.deliver_rows(ids)
    assert Notification.objects.filter(recipient=world.head).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["head@example.vn"]
    assert "http://" in mail.outbox[0].body


def test_english_speaker_gets_the_message_rendered_in_english_context(world):
    world.head.language = "en"
    world.head.email = "head@example.vn"
    world.head.save()
    advance(world, draft(world), State.UNIT_REVIEW)
    row = Outbox.objects.get(recipient=world.head)
    from django.utils import translation

    from notifications.messages import render

    with translation.override("en"):
        expected = str(render(row, "en").title)
    deliver_all()
    assert Notification.objects.get(recipient=world.head).title == expected


def test_failed_delivery_backs_off_then_stays_failed_for_administrators(world, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    Webhook.objects.create(
        committee=world.units["bdv"], url="http://127.0.0.1:9/nowhere", secret="k"
    )
    advance(world, draft(world), State.UNIT_REVIEW)
    hook = Outbox.objects.get(webhook__isnull=False)
    deliver_all()  # the first attempt, with the person's row
    waits = []
    for _attempt in range(3):
        hook.refresh_from_db()
        if hook.status == "pending":
            waits.append((hook.next_attempt_at - timezone.now()).total_seconds())
            Outbox.objects.filter(pk=hook.pk).update(next_attempt_at=timezone.now())
            delivery.deliver_rows([hook.pk])
    hook.refresh_from_db()
    assert hook.status == "failed" and hook.attempts == 3
    assert "ConnectionError" in hook.last_error
    assert waits[1] > waits[0] > 0  # back-off grows
    assert Outbox.objects.filter(pk=hook.pk).exists()  # never dropped
    # The person's row was unaffected by the webhook's failure.
    assert Notification.objects.filter(recipient=world.head).count() == 1


class _Capture(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_committee_webhook_is_signed_with_hmac_sha256(world):
    server = HTTPServer(("127.0.0.1", 0), _Capture)
    _Capture.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        Webhook.objects.create(
            committee=world.units["bdv"],
            url=f"http://127.0.0.1:{server.server_port}/hook",
            secret="bi-mat",
        )
        Webhook.objects.create(committee=world.units["bdv2"], url="http://127.0.0.1:9/", secret="x")
        initiative = advance(world, draft(world), State.SCREENING)
        deliver_all()
    finally:
        server.shutdown()
    assert len(_Capture.received) == 2  # submit and approve; the other committee's hook is silent
    headers, body = _Capture.received[0]
    expected = "sha256=" + hmac.new(b"bi-mat", body, hashlib.sha256).hexdigest()
    assert headers["X-DVK-Signature"] == expected
    data = json.loads(body)
    assert data["event"] == "submit" and data["subject_id"] == initiative.pk
    assert Outbox.objects.filter(webhook__isnull=False, status="sent").count() == 2


def test_email_digest_holds_mail_until_the_daily_job(world):
    world.staff.email = "staff@example.vn"
    world.staff.save()
    Preference.objects.create(user=world.staff, email="digest")
    advance(world, draft(world), State.IMPLEMENTING)
    deliver_all()
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=world.staff).count() == 2  # bell is immediate
    assert delivery.send_digests() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff@example.vn"]
    assert mail.outbox[0].body.count("• ") == 2
    assert delivery.send_digests() == 0


def test_in_app_digest_releases_the_bell_once_a_day(world):
    Preference.objects.create(user=world.staff, in_app="digest", email="off")
    advance(world, draft(world), State.IMPLEMENTING)
    deliver_all()
    assert not Notification.objects.filter(recipient=world.staff).exists()
    delivery.send_digests()
    assert Notification.objects.filter(recipient=world.staff).count() == 2


def test_sweep_hands_out_rows_the_broker_never_got_and_rows_of_dead_workers(
    world, settings, eager_celery
):
    settings.NOTIFICATIONS_SWEEP_DELAY_SECONDS = 0
    settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS = 60
    advance(world, draft(world), State.SCREENING)
    rows = list(Outbox.objects.order_by("pk"))
    # One row claimed by a worker that died two minutes ago, the rest never handed out.
    Outbox.objects.filter(pk=rows[0].pk).update(
        status="sending", claimed_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert delivery.sweep() == len(rows)
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}
    assert Notification.objects.count() == len(rows)


@pytest.mark.parametrize("days_left,threshold", [(20, None), (14, 14), (8, 14), (7, 7), (0, 1)])
def test_deadline_threshold(days_left, threshold):
    from workflows.reminders import deadline_threshold

    assert deadline_threshold(days_left, (14, 7, 1)) == threshold


def test_in_process_mode_delivers_right_after_commit(
    world, eager_celery, django_capture_on_commit_callbacks
):
    """`make run` without Redis: the after-commit hook runs the delivery in-process."""
    with django_capture_on_commit_callbacks(execute=True):
        advance(world, draft(world), State.UNIT_REVIEW)
    assert told("submit") == {"head": 1}
    assert Outbox.objects.get().status == "sent"


def test_a_worker_whose_lease_ran_out_sends_and_marks_nothing_once_reclaimed(
    world, settings, monkeypatch
):
    """A batch may outlast its lease (100 e-mails × a 20 s timeout): the sweep hands the rows
    out again and a second worker claims them. The first worker, only slow, must then send
    nothing more and must not mark the second worker's rows sent."""
    settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS = 300
    settings.NOTIFICATIONS_SWEEP_DELAY_SECONDS = 0
    for user in (world.staff, world.head, world.reviewer):
        user.email = f"{user.username}@example.vn"
        user.save()
    advance(world, draft(world), State.IMPLEMENTING)
    ids = list(Outbox.objects.filter(recipient__email__gt="").values_list("pk", flat=True))
    assert len(ids) >= 3
    from notifications import services

    monkeypatch.setattr(services, "dispatch", lambda ids: True)  # the test plays worker 2

    t0 = timezone.now()
    first = delivery.claim(ids, now=t0)
    assert len(first) == len(ids)
    after_lease = t0 + datetime.timedelta(seconds=301)
    delivery.sweep(now=after_lease)  # worker 1 looks dead: its rows are pending again
    second = delivery.claim(ids, now=after_lease)
    assert [r.pk for r in second] == [r.pk for r in first]

    assert delivery.deliver_claimed(first) == 0  # worker 1 wakes up: lost, sends nothing
    assert mail.outbox == []
    assert set(Outbox.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sending"}

    assert delivery.deliver_claimed(second) == len(ids)
    headers = Counter(message.extra_headers["X-DVK-Outbox"] for message in mail.outbox)
    assert headers == {str(pk): 1 for pk in ids}  # each row e-mailed once
    assert set(Outbox.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}
    assert delivery.deliver_claimed(first) == 0  # and still nothing from worker 1
    assert len(mail.outbox) == len(ids)


def test_a_worker_that_loses_its_claim_mid_batch_stops_sending(world, settings, monkeypatch):
    """The claim is proved before each e-mail: if it is taken back while an e-mail is on its
    way (a server slower than the lease), the worker stops after that e-mail and marks nothing;
    only that one e-mail, in flight, can go twice."""
    for user in (world.staff, world.head, world.reviewer):
        user.email = f"{user.username}@example.vn"
        user.save()
    advance(world, draft(world), State.IMPLEMENTING)
    ids = list(Outbox.objects.filter(recipient__email__gt="").values_list("pk", flat=True))
    from notifications import services

    monkeypatch.setattr(services, "dispatch", lambda ids: True)
    first = delivery.claim(ids)
    second: list = []
    email = delivery._email

    def slow_first_email(row, connection=None):
        email(row, connection)
        if not second:  # worker 1's first e-mail outlasts the lease; worker 2 claims the rows
            later = timezone.now() + datetime.timedelta(
                seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS + 1
            )
            delivery.sweep(now=later)
            second.extend(delivery.claim(ids, now=later))

    monkeypatch.setattr(delivery, "_email", slow_first_email)
    assert delivery.deliver_claimed(first) == 0
    assert len(mail.outbox) == 1  # worker 1 stopped after the e-mail in flight
    assert len(second) == len(ids)
    assert delivery.deliver_claimed(second) == len(ids)
    headers = Counter(message.extra_headers["X-DVK-Outbox"] for message in mail.outbox)
    in_flight = str(first[0].pk)
    assert headers == {str(pk): 2 if str(pk) == in_flight else 1 for pk in ids}
    assert set(Outbox.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}


def test_digest_mail_held_for_someone_whose_email_was_cleared_or_turned_off_is_skipped(world):
    """Held mail for a person with no address any more (or e-mail now off) is marked skipped,
    not tried and failed again every day."""
    for user in (world.staff, world.head):
        user.email = f"{user.username}@example.vn"
        user.save()
        Preference.objects.create(user=user, email="digest")
    advance(world, draft(world), State.IMPLEMENTING)
    deliver_all()
    held = Outbox.objects.filter(email_state="digest")
    assert set(held.values_list("recipient__username", flat=True)) == {"staff", "head"}
    world.staff.email = ""
    world.staff.save()
    Preference.objects.filter(user=world.head).update(email="off")

    assert delivery.send_digests() == 0
    assert mail.outbox == []
    assert not Outbox.objects.filter(email_state="digest").exists()
    assert set(
        Outbox.objects.filter(recipient__in=[world.staff, world.head]).values_list(
            "email_state", flat=True
        )
    ) == {"skipped"}
    assert delivery.send_digests() == 0 and mail.outbox == []


def test_a_task_for_a_few_rows_fills_its_batch_from_the_backlog_once(world):
    for i in range(3):
        advance(world, draft(world, title=f"Mô hình {i}"), State.SCREENING)
    ids = list(Outbox.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) > 4
    # A transition's task names its own rows; with a backlog it takes others up to the batch.
    assert delivery.deliver_rows(ids[:1], fill_to=4) == 4
    assert Outbox.objects.filter(status="sent").count() == 4
    # Rows already taken are not delivered again when their own task comes.
    sent = list(Outbox.objects.filter(status="sent").values_list("pk", flat=True))
    assert delivery.deliver_rows(sent) == 0
    assert delivery.deliver_rows(ids[-1:], fill_to=100) == len(ids) - 4
    assert Notification.objects.count() == len(ids)
    # Rows waiting out a back-off are not due, so no task takes them early.
    Outbox.objects.update(
        status="pending", next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert delivery.deliver_rows([], fill_to=100) == 0
