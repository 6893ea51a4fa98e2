"""Issue #16, "Done when" (plans), through the API: a committee issues a plan to 20 units; 15
file on time, 3 late after reminders, 2 are returned and file again; the committee's standing
(API and page) shows exactly that, and the audit trail has each step."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.errors import InvalidData
from notifications.messages import render
from notifications.models import Outbox, ReminderLog
from plans import services
from plans.models import Filing, Plan, PlanState
from plans.reminders import remind_filings
from tests.api.conftest import Api
from workflows import audit
from workflows.models import AuditEntry

from .conftest import TASKS, draft_plan, in_days, staff_and_head

pytestmark = pytest.mark.postgres


def _tasks(world) -> list[dict]:
    rows = [dict(t) for t in TASKS]
    rows[0]["lead_unit"] = world.units["bdv"].pk
    rows[1]["lead_unit"] = world.units["dept"].pk
    rows[1]["cooperating"] = [world.units["dept2"].pk]
    return rows


def _body(world, **over) -> dict:
    return {
        "committee": world.units["bdv"].pk,
        "title": "Kế hoạch triển khai phong trào thi đua “Dân vận khéo” năm 2026",
        "basis": "Kế hoạch số 24-KH/BDVTU của Ban Dân vận Tỉnh ủy",
        "content": "I. MỤC ĐÍCH, YÊU CẦU …",
        "deadline": in_days(10).strftime("%d/%m/%Y"),
        "targets": [u.pk for u in world.units["twenty"]],
        "tasks": _tasks(world),
        **over,
    }


def _file_through_services(world, filing: Filing) -> None:
    staff, head = staff_and_head(world, filing.unit)
    services.update_filing(filing.pk, actor=staff, content=f"Kế hoạch của {filing.unit.name}")
    services.perform_filing(filing.pk, "submit", actor=staff)
    services.perform_filing(filing.pk, "sign", actor=head)


def _file(api_for, world, filing: Filing, *, returned=False) -> None:
    staff, head = staff_and_head(world, filing.unit)
    staff_api, head_api = api_for(staff), api_for(head)
    if not returned:
        task = filing.plan.tasks.order_by("position").first()
        r = staff_api.patch(
            f"/filings/{filing.pk}",
            {"content": f"Kế hoạch của {filing.unit.name}", "implements": [task.pk]},
        )
        assert r.status_code == 200, r.json()
    r = staff_api.post(f"/filings/{filing.pk}/actions/submit")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "signing"
    r = head_api.post(f"/filings/{filing.pk}/actions/sign")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "sent"


def test_a_plan_to_twenty_units_15_on_time_3_late_2_returned(pw):
    world = pw
    clients: dict[int, Api] = {}

    def api_for(user) -> Api:
        if user.pk not in clients:
            clients[user.pk] = Api(user)
        return clients[user.pk]

    reviewer, leader = api_for(world.reviewer), api_for(world.leader)
    r = reviewer.post("/plans", _body(world))
    assert r.status_code == 201, r.json()
    plan_id = r.json()["id"]
    assert [t["content"] for t in r.json()["tasks"]] == [t["content"] for t in TASKS]
    assert r.json()["tasks"][0]["ongoing"] is True
    assert r.json()["tasks"][1]["cooperating"] == [world.units["dept2"].pk]

    # Only the leader issues; the reviewer submits it for approval.
    assert leader.post(f"/plans/{plan_id}/actions/issue").status_code == 409  # still a draft
    assert reviewer.post(f"/plans/{plan_id}/actions/submit").json()["state"] == "pending"
    assert reviewer.post(f"/plans/{plan_id}/actions/issue").status_code == 403
    r = leader.post(f"/plans/{plan_id}/actions/issue")
    assert r.status_code == 200, r.json()
    issued = r.json()
    assert issued["state"] == "issued"
    assert issued["symbol"] == f"{issued['number']}-KH/BDVTU"
    assert issued["issued_on"] == datetime.date.today().isoformat() or issued["issued_on"]

    # Every unit got its task, with the deadline, in its inbox and its list.
    filings = list(Filing.objects.filter(plan_id=plan_id).select_related("unit", "plan"))
    assert len(filings) == 20
    assert {f.due_on for f in filings} == {in_days(10)}
    r = api_for(world.s01).get("/filings", plan=plan_id)
    assert r.json()["count"] == 1
    own = r.json()["results"][0]
    assert own["available_actions"] == ["submit"]
    told = Outbox.objects.get(event="plan_issue", recipient=world.s01)
    message = render(told, "vi")
    assert message.url == f"/ke-hoach/{plan_id}/"
    assert (
        message.title == f"Kế hoạch mới của Ban: Kế hoạch số {issued['symbol']}: {issued['title']}"
    )
    assert in_days(10).strftime("%d/%m/%Y") in message.body

    by_code = {f.unit.code: f for f in filings}
    late_codes = ["S15", "S16", "S17"]
    returned_codes = ["S13", "S14"]
    on_time = [f for code, f in by_code.items() if code not in late_codes]
    assert len(on_time) == 17

    # 17 send before the deadline (15 stay on time; 2 of them will be returned): a few through
    # the API, the rest through the same services the API calls (the test stays fast).
    for filing in on_time:
        if filing.unit.code in ("SNN", "SYT", *returned_codes):
            _file(api_for, world, filing)
        else:
            _file_through_services(world, filing)
    # The committee accepts 15, returns 2 with a reason.
    for code, filing in by_code.items():
        if code in late_codes:
            continue
        if code in returned_codes:
            r = reviewer.post(f"/filings/{filing.pk}/actions/return", {})
            assert r.status_code == 400 and r.json()["code"] == "reason_required"
            r = reviewer.post(
                f"/filings/{filing.pk}/actions/return",
                {"comment": "Chưa nêu thời gian hoàn thành từng nhiệm vụ."},
            )
            assert r.json()["state"] == "draft" and r.json()["returned_count"] == 1
        elif code in ("SNN", "SYT"):
            assert reviewer.post(f"/filings/{filing.pk}/actions/accept").json()["state"] == (
                "accepted"
            )
        else:
            services.perform_filing(filing.pk, "accept", actor=world.reviewer)
    # The two returned file again, before the deadline.
    for code in returned_codes:
        _file(api_for, world, by_code[code], returned=True)

    # Reminders before the deadline reach the three that have not filed, once.
    sent = remind_filings(today=in_days(3))  # 7 days left
    assert sorted(sent["deadline"]) == sorted(by_code[c].pk for c in late_codes)
    assert remind_filings(today=in_days(3))["deadline"] == []
    # The deadline passes (the committee's date moved to yesterday for the test's clock):
    # overdue reminders, then escalation to the committee's leaders.
    Filing.objects.filter(plan_id=plan_id).update(due_on=in_days(-1))
    assert sorted(remind_filings()["overdue"]) == sorted(by_code[c].pk for c in late_codes)
    escalated = remind_filings(today=in_days(5))
    assert sorted(escalated["escalation"]) == sorted(by_code[c].pk for c in late_codes)
    assert remind_filings(today=in_days(6)) == {"deadline": [], "overdue": [], "escalation": []}
    late_unit_people = {staff_and_head(world, by_code[c].unit)[0].pk for c in late_codes}
    assert late_unit_people <= set(
        Outbox.objects.filter(event="filing_overdue").values_list("recipient_id", flat=True)
    )
    escalations = Outbox.objects.filter(event="filing_escalation", recipient=world.leader)
    assert escalations.count() == 3
    assert render(escalations.first(), "en").title.startswith("A unit is late: ")
    assert ReminderLog.objects.filter(threshold__startswith="filing:").count() == 9

    # The three late units file after the deadline.
    for code in late_codes:
        _file(api_for, world, by_code[code])
        assert Filing.objects.get(pk=by_code[code].pk).filed_late

    r = reviewer.get(f"/plans/{plan_id}/standing")
    assert r.status_code == 200
    assert r.json()["counts"] == {
        "on_time": 15,
        "late": 3,
        "returned_refiled": 2,
        "returned": 0,
        "overdue": 0,
        "pending": 0,
    }
    standing = {row["unit_name"]: row["standing"] for row in r.json()["units"]}
    assert {standing[f"Sở số {c[1:]}"] for c in late_codes} == {"late"}
    assert {standing[f"Sở số {c[1:]}"] for c in returned_codes} == {"returned_refiled"}

    # The committee's page shows the same counts.
    page = Client()
    page.force_login(world.reviewer)
    html = page.get(f"/ke-hoach/{plan_id}/").content.decode()
    for label, count in (
        ("Gửi đúng hạn", 15),
        ("Gửi muộn", 3),
        ("Bị trả lại, đã gửi lại", 2),
        ("Quá hạn, chưa gửi", 0),
    ):
        assert f'data-standing-count="{label}">{count}<' in html, label

    # The committee's dashboard says the same in one line.
    assert "đã gửi 20/20" in page.get("/ke-hoach/").content.decode()

    # The audit trail has each step, in order, and the chain holds.
    steps = list(
        AuditEntry.objects.filter(subject_type="plan", subject_id=plan_id)
        .order_by("seq")
        .values_list("action", "from_state", "to_state")
    )
    assert steps == [
        ("create", "", "draft"),
        ("submit", "draft", "pending"),
        ("issue", "pending", "issued"),
    ]
    returned = by_code["S13"]
    assert list(
        AuditEntry.objects.filter(subject_type="filing", subject_id=returned.pk)
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["edit", "submit", "sign", "return", "submit", "sign"]
    assert AuditEntry.objects.filter(subject_type="filing", action="accept").count() == 15
    entry = AuditEntry.objects.get(subject_type="filing", subject_id=returned.pk, action="return")
    assert entry.comment == "Chưa nêu thời gian hoàn thành từng nhiệm vụ."
    assert entry.actor_id == world.reviewer.pk and entry.role == "committee_reviewer"
    assert audit.verify().ok


def test_outsiders_get_404_and_delegation_and_separation_of_duties(pw):
    world = pw
    plan = draft_plan(world)
    # A draft is the committee's own: units (and the other province) do not see it.
    assert Api(world.staff).get(f"/plans/{plan.pk}").status_code == 404
    assert Api(world.b_reviewer).get(f"/plans/{plan.pk}").status_code == 404
    services.perform_plan(plan.pk, "submit", actor=world.reviewer)
    services.perform_plan(plan.pk, "issue", actor=world.leader)
    filing = Filing.objects.get(plan=plan)
    assert Api(world.staff).get(f"/plans/{plan.pk}").status_code == 200
    for outsider in (world.b_reviewer, world.b_staff, world.other_staff):
        assert Api(outsider).get(f"/filings/{filing.pk}").status_code == 404
        r = Api(outsider).post(f"/filings/{filing.pk}/actions/submit")
        assert r.status_code == 404, outsider
    assert Api(world.b_reviewer).get(f"/plans/{plan.pk}").status_code == 404
    # The head may not sign what they submitted themself... heads do not submit: staff do.
    assert Api(world.head).post(f"/filings/{filing.pk}/actions/submit").status_code == 403
    services.perform_filing(filing.pk, "submit", actor=world.staff)
    assert Api(world.staff).post(f"/filings/{filing.pk}/actions/sign").status_code == 403
    assert Api(world.head).post(f"/filings/{filing.pk}/actions/sign").status_code == 200
    # Pages: an outsider reads "not found".
    page = Client()
    page.force_login(world.b_reviewer)
    assert page.get(f"/ke-hoach/{plan.pk}/").status_code == 404
    assert page.get(f"/ke-hoach/van-ban/{filing.pk}/").status_code == 404


def test_bad_input_is_refused_with_a_message_and_changes_nothing(pw):
    world = pw
    api = Api(world.reviewer)
    before = (Plan.objects.count(), AuditEntry.objects.count())

    r = api.post("/plans", _body(world, tasks=[]))
    assert r.status_code == 400
    assert "Bảng nhiệm vụ cần ít nhất một dòng." in r.json()["field_errors"]["tasks"]

    r = api.post("/plans", _body(world, deadline=in_days(-1).isoformat()))
    assert r.status_code == 400
    assert "không được trước ngày ban hành" in r.json()["field_errors"]["deadline"][0]

    r = api.post("/plans", _body(world, targets=[world.units["dept_b"].pk]))
    assert r.status_code == 400
    assert "không thuộc phạm vi" in r.json()["field_errors"]["targets"][0]

    bad_row = dict(TASKS[1], starts_on="30/04/2026", ends_on="01/04/2026")
    r = api.post("/plans", _body(world, tasks=[bad_row]))
    assert r.status_code == 400
    assert "tasks.1.ends_on" in r.json()["field_errors"]

    big = SimpleUploadedFile("ke-hoach.pdf", b"%PDF" + b"0" * 2048, content_type="application/pdf")
    from django.test import override_settings

    with override_settings(ATTACHMENT_MAX_BYTES=1024), pytest.raises(InvalidData) as refused:
        draft_plan(world, title="Kế hoạch", attachments=[big])
    assert "quá lớn" in refused.value.field_errors["attachments"][0]

    # Another province's committee is not the caller's: 404; a unit's staff may not draft: 403.
    assert api.post("/plans", _body(world, committee=world.units["bdv2"].pk)).status_code == 404
    assert Api(world.staff).post("/plans", _body(world)).status_code == 403
    assert (Plan.objects.count(), AuditEntry.objects.count()) == before
    assert PlanState.DRAFT  # the states are data the page reads
