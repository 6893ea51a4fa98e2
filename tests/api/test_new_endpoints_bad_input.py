"""Bad input on every endpoint issues #15–#17 added: an unknown key, a wrong type, a missing
field each get a 400 in the API's one error shape naming the field, and change nothing; a
committee or unit that is not the caller's is 404. (Found in review: the bodies of awards,
the register and the annual review dropped unknown keys without a word, and opening another
committee's review was a 403 that told it existed.)"""

from __future__ import annotations

import pytest

from documents.models import RegisteredDocument
from plans import services as plan_services
from plans.models import Filing, Plan, ReportingCalendar, ReportPeriod
from tests.workflows.test_engine_defects import on_leave
from workflows.models import AnnualReview, AuditEntry, Campaign

from .conftest import Api

pytestmark = pytest.mark.django_db


def refused(response, field: str, status: int = 400) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"code", "message", "field_errors"}
    assert body["message"]
    assert any(k == field or k.startswith(f"{field}.") for k in body["field_errors"]), body


def _counts() -> tuple:
    return (
        Plan.objects.count(),
        Filing.objects.count(),
        ReportingCalendar.objects.count(),
        ReportPeriod.objects.count(),
        AnnualReview.objects.count(),
        RegisteredDocument.objects.count(),
        Campaign.objects.count(),
        AuditEntry.objects.count(),
    )


def _plan_body(world, **over) -> dict:
    return {
        "committee": world.units["bdv"].pk,
        "title": "Kế hoạch thử",
        "deadline": "31/12/2099",
        "targets": [world.units["dept"].pk],
        "tasks": [{"content": "Việc 1", "ongoing": True}],
        **over,
    }


def test_plans_filings_calendars_and_periods(world):
    reviewer, leader, staff = Api(world.reviewer), Api(world.leader), Api(world.staff)
    plan = plan_services.create_plan(
        actor=world.reviewer,
        committee=world.units["bdv"],
        title="Kế hoạch đã có",
        deadline="31/12/2099",
        tasks=[{"content": "Việc 1", "ongoing": True}],
        targets=[world.units["dept"].pk],
    )
    calendar = plan_services.set_calendar(
        actor=world.leader, committee=world.units["bdv"], year=world.year, monthly_day=5
    )
    before = _counts()

    refused(reviewer.post("/plans", _plan_body(world, number=7)), "number")
    refused(reviewer.post("/plans", _plan_body(world, tasks="Việc 1")), "tasks")
    refused(
        reviewer.post("/plans", _plan_body(world, tasks=[{"content": "x", "lead": 1}])),
        "tasks.0.lead",
    )
    refused(reviewer.post("/plans", _plan_body(world, all_units="có lẽ")), "all_units")
    body = _plan_body(world)
    del body["title"]
    refused(reviewer.post("/plans", body), "title")
    refused(
        reviewer.client.put(
            f"/api/v1/plans/{plan.pk}", _plan_body(world, state="issued"), format="json"
        ),
        "state",
    )
    refused(reviewer.post(f"/plans/{plan.pk}/actions/submit", {"issue_now": True}), "issue_now")
    refused(reviewer.post(f"/plans/{plan.pk}/actions/submit", ["x"]), "non_field_errors")

    refused(
        leader.post(
            "/report-calendars",
            {"committee": world.units["bdv"].pk, "year": world.year, "monthly_day": "mùng 5"},
        ),
        "monthly_day",
    )
    refused(
        leader.post(
            "/report-calendars",
            {"committee": world.units["bdv"].pk, "year": world.year, "weekly_day": 1},
        ),
        "weekly_day",
    )
    refused(leader.post("/report-calendars", {"year": world.year, "monthly_day": 5}), "committee")
    refused(
        leader.post("/report-periods", {"calendar": calendar.pk, "frequency": "week", "index": 1}),
        "frequency",
    )
    refused(
        leader.post("/report-periods", {"calendar": calendar.pk, "frequency": "month"}), "index"
    )
    refused(
        leader.post(
            "/report-periods",
            {"calendar": calendar.pk, "frequency": "month", "index": 1, "due_on": "01/01/2099"},
        ),
        "due_on",
    )
    # Another province's committee and calendar: not found.
    b_leader = Api(world.b_leader)
    r = b_leader.post(
        "/report-periods", {"calendar": calendar.pk, "frequency": "month", "index": 1}
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = b_leader.post(
        "/report-calendars",
        {"committee": world.units["bdv"].pk, "year": world.year, "monthly_day": 5},
    )
    assert r.status_code == 404

    plan_services.perform_plan(plan.pk, "submit", actor=world.reviewer)
    plan_services.perform_plan(plan.pk, "issue", actor=world.leader)
    filing = Filing.objects.get(plan=plan)
    before = _counts()
    refused(staff.patch(f"/filings/{filing.pk}", {"state": "accepted"}), "state")
    refused(staff.patch(f"/filings/{filing.pk}", {"implements": "1"}), "implements")
    refused(
        staff.patch(f"/filings/{filing.pk}", {"figures": {"models_registered": "nhiều"}}),
        "figures.models_registered",
    )
    refused(staff.post(f"/filings/{filing.pk}/actions/submit", {"sign_too": True}), "sign_too")
    filing.refresh_from_db()
    assert filing.state == "draft" and filing.content == ""
    assert _counts() == before


def test_the_annual_review_and_the_register(world):
    leader = Api(world.leader)
    before = _counts()
    refused(leader.post("/reviews", {"committee": world.units["bdv"].pk, "years": 3}), "years")
    refused(leader.post("/reviews", {"committee": "Ban Dân vận"}), "committee")
    refused(leader.post("/reviews", {}), "committee")
    refused(
        leader.post(
            "/reviews", {"committee": world.units["bdv"].pk, "report_deadline": "31/02/2099"}
        ),
        "report_deadline",
    )
    # Another province's committee: not found (it was 403 "only a leader…", which told it existed).
    r = leader.post("/reviews", {"committee": world.units["bdv2"].pk})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = leader.post("/reviews", {"committee": 2**62})
    assert r.status_code == 404
    # A substitute is not the leader for opening a review (configuration is not delegated).
    on_leave(world.leader, world.reviewer)
    r = Api(world.reviewer).post("/reviews", {"committee": world.units["bdv"].pk})
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"

    refused(
        leader.post(
            "/documents/register",
            {"issuer": world.units["bdv"].pk, "kind": "plan", "title": "Kế hoạch", "number": 99},
        ),
        "number",
    )
    refused(
        leader.post(
            "/documents/register",
            {"issuer": world.units["bdv"].pk, "kind": "thư", "title": "Kế hoạch"},
        ),
        "kind",
    )
    refused(
        leader.post("/documents/register", {"issuer": world.units["bdv"].pk, "kind": "plan"}),
        "title",
    )
    refused(
        leader.post("/documents/register", {"issuer": "BDVTU", "kind": "plan", "title": "x"}),
        "issuer",
    )
    r = leader.post(
        "/documents/register", {"issuer": world.units["bdv2"].pk, "kind": "plan", "title": "x"}
    )
    assert r.status_code == 404
    assert _counts() == before


def test_a_plan_without_its_committee_is_the_callers_only_one_or_a_clear_400(world):
    """`committee` is optional in the plan's body; left out, the API answered 404 "not found"
    to a reviewer of one committee."""
    from units.models import Membership, Role

    body = _plan_body(world)
    del body["committee"]
    r = Api(world.reviewer).post("/plans", body)
    assert r.status_code == 201, r.json()
    assert r.json()["committee"] == world.units["bdv"].pk
    # Someone who works in two committees must say which.
    Membership.objects.create(
        user=world.reviewer, unit=world.units["bdv2"], role=Role.COMMITTEE_REVIEWER
    )
    before = _counts()
    refused(Api(world.reviewer).post("/plans", body), "committee")
    assert _counts() == before


def test_field_errors_are_in_the_callers_language(world):
    """Found in review: DRF's own messages ("This field is required.", "Expected a list of
    items…") came in English to Vietnamese callers; its Vietnamese catalogue has almost none."""
    vi, en = Api(world.reviewer), Api(world.reviewer, language="en")
    body = _plan_body(world, tasks="Việc 1", all_units="có lẽ")
    del body["title"]
    errors = vi.post("/plans", body).json()["field_errors"]
    assert errors["title"] == ["Trường này là bắt buộc."]
    assert errors["tasks.non_field_errors"] == ["Cần một danh sách nhưng nhận kiểu “str”."]
    assert errors["all_units"] == ["Phải là giá trị đúng/sai (true/false)."]
    errors = vi.post("/report-periods", {"calendar": "một", "frequency": "x", "index": 99}).json()
    assert errors["field_errors"] == {
        "calendar": ["Cần một số nguyên hợp lệ."],
        "frequency": ["“x” không phải lựa chọn hợp lệ."],
        "index": ["Giá trị phải nhỏ hơn hoặc bằng 12."],
    }
    assert en.post("/plans", body).json()["field_errors"]["title"] == ["This field is required."]


def test_a_reviewer_setting_the_calendar_is_told_why(world):
    """The calendar's refusal named drafting plans ("Chỉ chuyên viên, lãnh đạo Ban mới soạn kế
    hoạch…") to a reviewer, who may draft plans: it is the leader's to set."""
    body = {"committee": world.units["bdv"].pk, "year": world.year, "monthly_day": 5}
    r = Api(world.reviewer).post("/report-calendars", body)
    assert r.status_code == 403
    assert r.json()["message"] == "Chỉ lãnh đạo Ban mới đặt lịch báo cáo."
    assert ReportingCalendar.objects.count() == 0
