import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from workflows import audit, services
from workflows.models import AuditEntry, Initiative, State
from workflows.selectors import archive_for, inbox_for, queue_for

from .conftest import draft


def u(username: str) -> User:
    return User.objects.get(username=username)


@pytest.mark.django_db
def test_the_demo_province_walks_a_model_from_draft_to_commended_through_the_door():
    call_command("load_demo", stdout=io.StringIO())
    initiative = Initiative.objects.get(state=State.DRAFT, unit__code="SNNMT")
    campaign = initiative.campaign
    points = {c.pk: c.max_points * 9 / 10 for c in campaign.criteria.all()}
    steps = [
        ("submit", "canbo.snn", {}),
        ("approve", "giamdoc.snn", {"comment": "Đồng ý, ký gửi Ban Dân vận"}),
        ("accept", "chuyenvien.bdv", {}),
        ("report_progress", "canbo.snn", {"text": "6 tháng: 90 hộ tham gia"}),
        (
            "nominate",
            "giamdoc.snn",
            {"result": {"result_achieved": "210 hộ", "result_people_reached": 800}},
        ),
        ("score", "hoidong1.bdv", {"points": points}),
        ("score", "hoidong2.bdv", {"points": points}),
        ("close_scoring", "truongban.bdv", {}),
        (
            "recognize",
            "truongban.bdv",
            {
                "decision_number": "45-QĐ/BDVTU",
                "decision_date": "15/10/2026",
                "decision_signer": "Quách Văn Minh",
            },
        ),
        (
            "commend",
            "truongban.bdv",
            {
                "form": "bang_khen",
                "authority": "Chủ tịch UBND tỉnh",
                "decision_number": "1234/QĐ-UBND",
                "decision_date": "20/10/2026",
                "signed_file": SimpleUploadedFile("qd.pdf", b"%PDF-1.4 signed"),
            },
        ),
    ]
    for action, username, data in steps:
        initiative = services.perform(initiative.pk, action, actor=u(username), **data)
    assert initiative.state == State.COMMENDED
    assert [e.action for e in AuditEntry.objects.filter(initiative=initiative)] == [
        "create",
        *[s[0] for s in steps],
    ]
    assert audit.verify().ok

    before = (Initiative.objects.count(), AuditEntry.objects.count(), User.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Initiative.objects.count(), AuditEntry.objects.count(), User.objects.count()) == before


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        list(fn())
    return len(ctx.captured_queries)


def test_inbox_queue_and_archive_cost_the_same_queries_whatever_their_size(world):
    # A second reviewer, so screening tasks wait in the queue instead of going to one inbox.
    User.objects.create_user("reviewer2", password="x").memberships.create(
        unit=world.units["bdv"], role="committee_reviewer"
    )

    def grow(n):
        for _ in range(n):
            i = services.perform(draft(world).pk, "submit", actor=world.staff)
            services.perform(i.pk, "approve", actor=world.head)
            services.perform(draft(world).pk, "submit", actor=world.staff)

    costs = {}
    for size, n in (("small", 1), ("large", 6)):
        grow(n)
        costs[size] = (
            _count(lambda: inbox_for(world.head)),
            _count(lambda: queue_for(world.reviewer)),
            _count(lambda: archive_for(world.staff)),
        )
    assert queue_for(world.reviewer).count() == 7
    assert inbox_for(world.head).count() == 7
    assert archive_for(world.staff).count() == 14
    assert costs["small"] == costs["large"]


def test_queue_and_claim_and_release(world):
    second_reviewer = User.objects.create_user("reviewer2", password="x")
    second_reviewer.memberships.create(unit=world.units["bdv"], role="committee_reviewer")
    initiative = draft(world)
    services.perform(initiative.pk, "submit", actor=world.staff)
    services.perform(initiative.pk, "approve", actor=world.head)
    # Two reviewers: the screening task waits in both queues until one claims it.
    task = queue_for(world.reviewer).get()
    assert list(queue_for(second_reviewer)) == [task]
    services.claim_task(task.pk, actor=second_reviewer)
    assert list(queue_for(world.reviewer)) == []
    assert list(inbox_for(second_reviewer)) == [task]
    from workflows.exceptions import Conflict, NotAllowed, NotFound

    with pytest.raises(Conflict):
        services.perform(initiative.pk, "accept", actor=world.reviewer)
    with pytest.raises(NotAllowed):
        services.release_task(task.pk, actor=world.reviewer)
    with pytest.raises(NotFound):
        services.claim_task(task.pk, actor=world.b_reviewer)
    services.release_task(task.pk, actor=second_reviewer)
    services.reassign_task(task.pk, actor=world.leader, to_user=world.reviewer)
    with pytest.raises(NotAllowed):
        services.reassign_task(task.pk, actor=world.reviewer, to_user=second_reviewer)
    assert (
        services.perform(initiative.pk, "accept", actor=world.reviewer).state == State.IMPLEMENTING
    )
    assert [e.action for e in AuditEntry.objects.filter(initiative=initiative)][-4:] == [
        "claim",
        "release",
        "reassign",
        "accept",
    ]


def test_due_dates_come_from_the_campaigns_step_durations(world):
    import datetime

    from django.utils import timezone

    world.campaign.review_days = 3
    world.campaign.save()
    initiative = draft(world)
    services.perform(initiative.pk, "submit", actor=world.staff)
    task = inbox_for(world.head).get()
    assert abs(task.due_at - (timezone.now() + datetime.timedelta(days=3))) < datetime.timedelta(
        minutes=1
    )
