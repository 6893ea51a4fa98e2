"""The pages of plans and reports: bad input is told beside its field or row and changes
nothing; the calendar and a period opened from the page; a report's figures written on its page;
a substitute signs for a head on leave; the inbox marks what is overdue; English."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from plans import services
from plans.models import Filing, Plan, ReportPeriod
from workflows.models import AuditEntry, Delegation

from .conftest import draft_plan, in_days

pytestmark = pytest.mark.postgres


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(world, **over) -> dict:
    data = {
        "title": "Kế hoạch tuyên truyền",
        "deadline": in_days(7).strftime("%d/%m/%Y"),
        "targets": [str(world.units["dept"].pk)],
        "task_count": "2",
        "tasks-0-content": "Tổ chức hội nghị",
        "tasks-0-lead_unit": str(world.units["bdv"].pk),
        "tasks-0-starts_on": "01/04/2026",
        "tasks-0-ends_on": "30/04/2026",
        "tasks-1-content": "",
    }
    data.update(over)
    return data


def test_the_plan_form_says_what_is_wrong_beside_it_and_saves_nothing(world):
    page = client_for(world.reviewer)
    before = (Plan.objects.count(), AuditEntry.objects.count())

    r = page.post(
        "/ke-hoach/moi/",
        _post(
            world,
            **{"tasks-0-content": ""},
            **{"tasks-0-lead_unit": "", "tasks-0-starts_on": "", "tasks-0-ends_on": ""},
        ),
    )
    assert r.status_code == 400
    assert "Bảng nhiệm vụ cần ít nhất một dòng." in r.content.decode()

    r = page.post("/ke-hoach/moi/", _post(world, deadline=in_days(-1).strftime("%d/%m/%Y")))
    assert r.status_code == 400
    assert "không được trước ngày ban hành" in r.context["form"].errors["deadline"][0]

    r = page.post("/ke-hoach/moi/", _post(world, **{"tasks-0-ends_on": "01/03/2026"}))
    assert r.status_code == 400
    assert r.context["task_rows"][0]["errors"] == ["Ngày kết thúc không được trước ngày bắt đầu."]
    assert "Dòng 1:" in r.content.decode()

    # A unit of another province is not even offered.
    r = page.post("/ke-hoach/moi/", _post(world, targets=[str(world.units["dept_b"].pk)]))
    assert r.status_code == 400 and r.context["form"].errors["targets"]

    big = SimpleUploadedFile("ke-hoach.pdf", b"%PDF" + b"0" * 4096, content_type="application/pdf")
    with override_settings(ATTACHMENT_MAX_BYTES=1024):
        r = page.post("/ke-hoach/moi/", {**_post(world), "attachments": big})
    assert r.status_code == 400
    assert "quá lớn" in r.context["form"].errors["attachments"][0]
    assert (Plan.objects.count(), AuditEntry.objects.count()) == before

    # Unit people and outsiders have no such page.
    assert client_for(world.staff).get("/ke-hoach/moi/").status_code == 404
    assert client_for(world.b_staff).get("/ke-hoach/moi/").status_code == 404

    attachment = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    r = page.post("/ke-hoach/moi/", {**_post(world), "attachments": attachment})
    assert r.status_code == 302
    plan = Plan.objects.get()
    assert [(t.content, t.starts_on) for t in plan.tasks.all()] == [
        ("Tổ chức hội nghị", datetime.date(2026, 4, 1))
    ]
    file = plan.attachments.get()
    assert page.get(f"/ke-hoach/{plan.pk}/tep/{file.pk}/").status_code == 200
    assert (
        client_for(world.b_reviewer).get(f"/ke-hoach/{plan.pk}/tep/{file.pk}/").status_code == 404
    )
    # The draft is the committee's: the unit does not see it until it is issued.
    assert client_for(world.staff).get(f"/ke-hoach/{plan.pk}/").status_code == 404

    # The draft is edited on the same form: a bad row is refused beside it and changes nothing;
    # a good edit replaces the title and the task table; nobody outside the committee edits.
    edit = f"/ke-hoach/{plan.pk}/sua/"
    assert page.get(edit).status_code == 200
    r = page.post(edit, _post(world, title="Sửa", **{"tasks-0-ends_on": "01/03/2026"}))
    assert r.status_code == 400 and "Dòng 1:" in r.content.decode()
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch tuyên truyền"
    r = page.post(edit, _post(world, title="Kế hoạch đã sửa", **{"tasks-0-content": "Hội thi"}))
    assert r.status_code == 302 and r["Location"].endswith(f"/ke-hoach/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch đã sửa"
    assert [t.content for t in plan.tasks.all()] == ["Hội thi"]
    assert client_for(world.staff).get(edit).status_code == 404
    assert client_for(world.b_reviewer).get(edit).status_code == 404


def test_calendar_period_and_a_report_written_on_its_page(world):
    leader = client_for(world.leader)
    year = timezone.localdate().year - 1
    r = leader.post(
        "/bao-cao-dinh-ky/",
        {
            "form": "calendar",
            "committee": str(world.units["bdv"].pk),
            "year": str(year),
            "monthly_day": "40",
        },
    )
    assert r.status_code == 400 and r.context["calendar_form"].errors["monthly_day"]
    r = leader.post(
        "/bao-cao-dinh-ky/",
        {
            "form": "calendar",
            "committee": str(world.units["bdv"].pk),
            "year": str(year),
            "monthly_day": "5",
            "sections": "Kết quả nổi bật\nKhó khăn",
            "extra_figures": "Số buổi tuyên truyền",
        },
    )
    assert r.status_code == 302
    calendar = world.units["bdv"].reporting_calendars.get()
    r = leader.post(
        "/bao-cao-dinh-ky/",
        {"form": "period", "calendar": str(calendar.pk), "frequency": "quarter", "index": "1"},
    )
    assert r.status_code == 400  # no quarterly report in this calendar
    assert "không có loại báo cáo này" in r.content.decode()
    r = leader.post(
        "/bao-cao-dinh-ky/",
        {"form": "period", "calendar": str(calendar.pk), "frequency": "month", "index": "3"},
    )
    period = ReportPeriod.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/bao-cao-dinh-ky/ky/{period.pk}/"
    assert client_for(world.staff).get("/bao-cao-dinh-ky/").status_code == 404
    assert client_for(world.b_leader).get(f"/bao-cao-dinh-ky/ky/{period.pk}/").status_code == 404

    filing = Filing.objects.get(period=period, unit=world.units["dept"])
    staff = client_for(world.staff)
    html = staff.get(f"/ke-hoach/van-ban/{filing.pk}/").content.decode()
    assert "Hệ thống tính: 0" in html and "Kết quả nổi bật" in html
    r = staff.post(
        f"/ke-hoach/van-ban/{filing.pk}/",
        {"title": filing.title, "section_s1": "Hội nghị", "figure_f1": "-3"},
    )
    assert r.status_code == 400  # a negative figure, beside its field
    r = staff.post(
        f"/ke-hoach/van-ban/{filing.pk}/",
        {
            "title": filing.title,
            "section_s1": "Hội nghị",
            "figure_f1": "3",
            "figure_registered": "0",
        },
    )
    assert r.status_code == 302
    filing.refresh_from_db()
    assert filing.sections["s1"] == "Hội nghị" and filing.figures["f1"] == 3
    # The office's staff cannot edit its parent's report; the other province sees nothing.
    assert (
        client_for(world.office_staff).post(f"/ke-hoach/van-ban/{filing.pk}/", {}).status_code
        == 404
    )
    assert client_for(world.b_staff).get(f"/ke-hoach/van-ban/{filing.pk}/").status_code == 404

    # The inbox marks it overdue (the period was last year).
    html = staff.get("/nhiem-vu/").content.decode()
    assert "Kế hoạch và báo cáo định kỳ" in html and period.label in html
    assert "badge-overdue" in html
    # So does the unit's dashboard, and the committee's shows who is overdue.
    assert period.label in staff.get("/don-vi/").content.decode()
    assert "quá hạn 3" in client_for(world.reviewer).get("/ke-hoach/").content.decode()


def test_a_substitute_signs_for_the_head_on_leave_and_the_trail_says_so(world):
    plan = draft_plan(world, title="Kế hoạch")
    services.perform_plan(plan.pk, "submit", actor=world.reviewer)
    services.perform_plan(plan.pk, "issue", actor=world.leader)
    filing = Filing.objects.get(plan=plan)
    services.perform_filing(filing.pk, "submit", actor=world.staff)
    Delegation.objects.create(
        principal=world.head,
        substitute=world.other_head,
        starts_on=timezone.localdate(),
        ends_on=in_days(3),
    )
    page = client_for(world.other_head)
    assert page.get(f"/ke-hoach/van-ban/{filing.pk}/").status_code == 200
    r = page.post(f"/ke-hoach/van-ban/{filing.pk}/thao-tac/sign/", {"comment": ""})
    assert r.status_code == 302
    entry = AuditEntry.objects.get(subject_type="filing", subject_id=filing.pk, action="sign")
    assert entry.actor_id == world.other_head.pk and entry.on_behalf_of_id == world.head.pk
    # In English, the plan's page reads in English.
    english = client_for(world.reviewer)
    english.cookies.load({"django_language": "en"})
    html = english.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert "Task table" in html and "Sent on time" in html


def test_beat_opens_each_period_of_the_calendar_once_on_its_first_day(world):
    year = timezone.localdate().year
    services.set_calendar(
        actor=world.leader, committee=world.units["bdv"], year=year, monthly_day=5, quarterly_day=10
    )
    opened = services.open_current_periods(today=datetime.date(year, 5, 1))
    assert sorted((p.frequency, p.index, p.due_on) for p in opened) == [
        ("month", 5, datetime.date(year, 6, 5)),
        ("quarter", 2, datetime.date(year, 7, 10)),
    ]
    assert Filing.objects.filter(period__in=opened).count() == 2 * 3  # three units in scope
    assert services.open_current_periods(today=datetime.date(year, 5, 2)) == []
    assert all(p.opened_by_id == world.leader.pk for p in opened)


def test_admin_lists_through_the_access_rule_and_acts_through_the_door(world):
    plan = draft_plan(world, title="Kế hoạch tuyên truyền Quý IV")
    world.leader.is_staff = True
    world.leader.save(update_fields=["is_staff"])
    world.b_leader.is_staff = True
    world.b_leader.save(update_fields=["is_staff"])
    admin = client_for(world.leader)
    assert admin.get("/admin/plans/plan/").status_code == 200
    assert plan.title in admin.get("/admin/plans/plan/").content.decode()
    assert plan.title not in client_for(world.b_leader).get("/admin/plans/plan/").content.decode()
    services.perform_plan(plan.pk, "submit", actor=world.reviewer)
    r = admin.post(
        "/admin/plans/plan/", {"action": "door_issue", "_selected_action": [str(plan.pk)]}
    )
    assert r.status_code == 302
    assert Plan.objects.get().state == "issued"
    assert AuditEntry.objects.filter(subject_type="plan", action="issue").count() == 1
    assert admin.get("/admin/plans/filing/").status_code == 200
