from decimal import Decimal

import pytest
from viewflow.workflow.status import STATUS

from notifications.models import Outbox
from workflows import services
from workflows.exceptions import (
    ConditionFailed,
    InvalidData,
    NotAllowed,
    ReasonRequired,
    WrongState,
)
from workflows.models import AuditEntry, InitiativeTask, State

from .conftest import REGISTRATION, advance, draft, full_points, pdf


def test_whole_life_from_draft_to_commended(world):
    initiative = draft(world, attachments=[pdf()])
    assert initiative.state == State.DRAFT
    initiative = advance(world, initiative, State.COMMENDED)

    initiative.refresh_from_db()
    assert initiative.total_score == Decimal("85.00")  # mean of 80 and 90
    assert initiative.decision_number == "12-QĐ/BDVTU"
    assert initiative.commendation.form == "bang_khen"
    actions = list(
        AuditEntry.objects.filter(initiative=initiative).values_list("action", flat=True)
    )
    assert actions == [
        "create",
        "submit",
        "approve",
        "accept",
        "nominate",
        "score",
        "score",
        "close_scoring",
        "recognize",
        "commend",
    ]
    # Nothing is left open, the member who did not score lost the task, the process is done.
    assert not InitiativeTask.objects.filter(
        initiative=initiative, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).exists()
    assert (
        InitiativeTask.objects.get(initiative=initiative, owner=world.member3).status
        == STATUS.CANCELED
    )
    initiative.process.refresh_from_db()
    assert initiative.process.status == "DONE"


def test_every_transition_tells_the_people_the_table_names(world):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    assert set(
        Outbox.objects.filter(event="submit").values_list("recipient__username", flat=True)
    ) == {"head"}
    initiative = services.perform(initiative.pk, "approve", actor=world.head)
    assert set(
        Outbox.objects.filter(event="approve").values_list("recipient__username", flat=True)
    ) == {"reviewer", "staff"}
    services.perform(initiative.pk, "send_back", actor=world.reviewer, comment="Thiếu minh chứng")
    assert set(
        Outbox.objects.filter(event="send_back").values_list("recipient__username", flat=True)
    ) == {"staff", "head"}
    assert Outbox.objects.filter(event="send_back").first().payload["comment"] == "Thiếu minh chứng"


def test_unit_head_return_loop_needs_a_reason_and_comes_back_to_the_submitter(world):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    with pytest.raises(ReasonRequired):
        services.perform(initiative.pk, "return", actor=world.head, comment="  ")
    initiative = services.perform(initiative.pk, "return", actor=world.head, comment="Sửa địa chỉ")
    assert initiative.state == State.DRAFT
    task = InitiativeTask.objects.get(initiative=initiative, status=STATUS.ASSIGNED)
    assert task.owner == world.staff and task.flow_task.name == "prepare"
    # ... and it goes round again.
    initiative = services.perform(
        initiative.pk, "edit", actor=world.staff, fields={"address": "Xã Tân Lập"}
    )
    initiative = services.perform(initiative.pk, "submit", actor=world.staff)
    assert initiative.state == State.UNIT_REVIEW
    edit = AuditEntry.objects.get(initiative=initiative, action="edit")
    assert edit.changes["address"] == ["Xã Tân Lập, huyện A", "Xã Tân Lập"]


def test_committee_send_back_loop(world):
    initiative = advance(world, draft(world), State.SCREENING)
    initiative = services.perform(
        initiative.pk, "send_back", actor=world.reviewer, comment="Bổ sung"
    )
    assert initiative.state == State.DRAFT
    initiative = advance(world, initiative, State.IMPLEMENTING)


def test_withdraw_before_scoring_cancels_open_tasks(world):
    initiative = advance(world, draft(world), State.SCREENING)
    with pytest.raises(ReasonRequired):
        services.perform(initiative.pk, "withdraw", actor=world.head)
    initiative = services.perform(
        initiative.pk, "withdraw", actor=world.head, comment="Đơn vị sáp nhập"
    )
    assert initiative.state == State.WITHDRAWN
    assert not InitiativeTask.objects.filter(
        initiative=initiative, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).exists()
    initiative.process.refresh_from_db()
    assert initiative.process.status == "CANCELED"


def test_no_withdrawal_once_scoring_started(world):
    initiative = advance(world, draft(world), State.SCORING)
    with pytest.raises(WrongState):
        services.perform(initiative.pk, "withdraw", actor=world.head, comment="Muộn")


def test_not_recognized(world):
    initiative = advance(world, draft(world), State.DECIDING)
    initiative = services.perform(
        initiative.pk, "reject", actor=world.leader, comment="Chưa lan tỏa"
    )
    assert initiative.state == State.NOT_RECOGNIZED
    told = set(Outbox.objects.filter(event="reject").values_list("recipient__username", flat=True))
    assert {"staff", "head", "reviewer", "member1", "member2"} <= told


def test_recognising_under_the_pass_mark_needs_an_override_reason(world):
    initiative = advance(world, draft(world), State.SCORING)
    for member in (world.member1, world.member2):
        services.perform(
            initiative.pk, "score", actor=member, points=full_points(world.campaign, 0.5)
        )
    initiative = services.perform(initiative.pk, "close_scoring", actor=world.leader)
    assert initiative.total_score == Decimal("50.00")
    decision = dict(decision_number="1-QĐ", decision_date="01/10/2026", decision_signer="A")
    with pytest.raises(InvalidData) as caught:
        services.perform(initiative.pk, "recognize", actor=world.leader, **decision)
    assert "override_reason" in caught.value.field_errors
    initiative = services.perform(
        initiative.pk,
        "recognize",
        actor=world.leader,
        override_reason="Mô hình đặc thù vùng cao",
        **decision,
    )
    assert initiative.state == State.RECOGNIZED
    assert initiative.override_reason == "Mô hình đặc thù vùng cao"


def test_reopen_scoring_starts_a_new_round(world):
    initiative = advance(world, draft(world), State.DECIDING)
    initiative = services.perform(
        initiative.pk, "reopen_scoring", actor=world.leader, comment="Chấm lại"
    )
    assert initiative.state == State.SCORING and initiative.scoring_round == 2
    members = set(
        InitiativeTask.objects.filter(
            initiative=initiative, status=STATUS.ASSIGNED, role="council_member"
        ).values_list("owner__username", flat=True)
    )
    assert members == {"member1", "member2", "member3"}
    services.perform(
        initiative.pk, "score", actor=world.member3, points=full_points(world.campaign, 1)
    )
    with pytest.raises(ConditionFailed):
        services.perform(initiative.pk, "close_scoring", actor=world.leader)


def test_submit_needs_every_required_field(world):
    initiative = services.create_initiative(
        unit=world.units["dept"], actor=world.staff, year=world.year, title="Chưa xong"
    )
    with pytest.raises(ConditionFailed) as caught:
        services.perform(initiative.pk, "submit", actor=world.staff)
    assert {"field", "address", "problem", "implementers", "expected_results"} <= set(
        caught.value.field_errors
    )
    assert initiative.state == State.DRAFT


def test_registration_after_the_deadline_needs_late_entries_allowed(world):
    initiative = draft(world)
    world.campaign.registration_deadline = world.campaign.registration_deadline.replace(
        year=world.year - 1
    )
    world.campaign.save()
    with pytest.raises(ConditionFailed):
        services.perform(initiative.pk, "submit", actor=world.staff)
    world.campaign.allow_late_registration = True
    world.campaign.save()
    assert services.perform(initiative.pk, "submit", actor=world.staff).state == State.UNIT_REVIEW


def test_attachments_of_the_wrong_type_or_size_are_refused_and_nothing_is_written(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidData) as caught:
        draft(world, attachments=[pdf("virus.exe")])
    assert "virus.exe" in str(caught.value.message)
    with pytest.raises(InvalidData):
        draft(world, attachments=[pdf(size=5000)])
    assert AuditEntry.objects.count() == before
    assert not world.units["dept"].initiatives.exists()


def test_scores_must_cover_every_criterion_within_its_maximum(world):
    initiative = advance(world, draft(world), State.SCORING)
    points = full_points(world.campaign)
    first = next(iter(points))
    with pytest.raises(InvalidData) as caught:
        services.perform(initiative.pk, "score", actor=world.member1, points={**points, first: 999})
    assert f"criterion_{first}" in caught.value.field_errors
    partial = dict(list(points.items())[1:])
    with pytest.raises(InvalidData):
        services.perform(initiative.pk, "score", actor=world.member1, points=partial)
    assert not initiative.scorecards.exists()


def test_commendation_rules(world):
    initiative = advance(world, draft(world), State.RECOGNIZED)
    services.set_open_case(
        initiative.pk, actor=world.leader, open_case=True, comment="Có đơn khiếu nại"
    )
    data = dict(
        form="bang_khen",
        authority="Chủ tịch UBND tỉnh",
        decision_number="70/QĐ-UBND",
        decision_date="20/10/2026",
        signed_file=pdf("qd.pdf"),
    )
    with pytest.raises(ConditionFailed):
        services.perform(initiative.pk, "commend", actor=world.leader, **data)
    services.set_open_case(
        initiative.pk, actor=world.leader, open_case=False, comment="Đã giải quyết"
    )
    with pytest.raises(InvalidData) as caught:
        services.perform(
            initiative.pk, "commend", actor=world.leader, **{**data, "signed_file": None}
        )
    assert "signed_file" in caught.value.field_errors
    initiative = services.perform(initiative.pk, "commend", actor=world.leader, **data)
    assert initiative.state == State.COMMENDED


def test_public_comment_period_must_be_over_before_commending(world):
    world.campaign.public_comment_days = 10
    world.campaign.save()
    initiative = advance(world, draft(world), State.RECOGNIZED)
    with pytest.raises(ConditionFailed):
        services.perform(
            initiative.pk,
            "commend",
            actor=world.leader,
            form="giay_khen",
            authority="UBND",
            decision_number="1",
            decision_date="01/11/2026",
            signed_file=pdf(),
        )


def test_unit_head_cannot_approve_own_submission(world):
    world.staff.memberships.create(unit=world.units["dept"], role="unit_head")
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    with pytest.raises(NotAllowed):
        services.perform(initiative.pk, "approve", actor=world.staff)
    assert services.perform(initiative.pk, "approve", actor=world.head).state == State.SCREENING


def test_a_substitute_acts_on_behalf_of_a_head_on_leave(world):
    import datetime

    today = datetime.date.today()
    services.delegate(
        principal=world.head,
        substitute=world.other_staff,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
    )
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    from workflows.selectors import inbox_for

    assert initiative.pk in set(
        inbox_for(world.other_staff).values_list("initiative_id", flat=True)
    )
    initiative = services.perform(initiative.pk, "approve", actor=world.other_staff)
    entry = AuditEntry.objects.get(initiative=initiative, action="approve")
    assert entry.actor == world.other_staff and entry.on_behalf_of == world.head


def test_registration_keeps_every_form_field(world):
    initiative = draft(
        world,
        form="individual",
        person_name="Lò Văn Pá",
        person_position="Trưởng bản",
        kind="new",
        topic="new_countryside",
        situation="…",
        objectives="…",
    )
    initiative.refresh_from_db()
    for name, value in REGISTRATION.items():
        assert getattr(initiative, name) == value
    assert initiative.person_name == "Lò Văn Pá"
