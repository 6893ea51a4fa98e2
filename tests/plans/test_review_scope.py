"""Found in review (issue #16): what one unit or a council member could read of a committee's
plans and filings beyond their part, and what the exports let through."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from plans import exports, selectors, services
from plans.models import Filing
from tests.api.conftest import Api

from .conftest import draft_plan, in_days

pytestmark = pytest.mark.postgres


def _issued(world):
    plan = draft_plan(world, targets=("dept", "dept2"))
    services.perform_plan(plan.pk, "submit", actor=world.reviewer)
    services.perform_plan(plan.pk, "issue", actor=world.leader)
    return plan


def test_a_unit_the_plan_went_to_does_not_read_every_units_standing(world):
    """The API's standing of a plan answered any unit the plan went to, naming every other unit,
    its state and how often it was returned; the plan's page shows it to the committee only."""
    plan = _issued(world)

    assert Api(world.staff).get(f"/plans/{plan.pk}").status_code == 200
    r = Api(world.staff).get(f"/plans/{plan.pk}/standing")
    assert r.status_code == 404, r.json()
    assert r.json()["code"] == "not_found"
    r = Api(world.reviewer).get(f"/plans/{plan.pk}/standing")
    assert r.status_code == 200
    assert len(r.json()["units"]) == 2
    assert Api(world.auditor).get(f"/plans/{plan.pk}/standing").status_code == 200


def test_a_council_member_reads_no_plan_filing_or_period_of_the_committee(world):
    """plans.access says a committee's reviewers, leaders and auditors read its plans and its
    units' filings; council members (who score registrations) read them too."""
    plan = _issued(world)
    filing = Filing.objects.filter(plan=plan).first()
    calendar = services.set_calendar(
        actor=world.leader, committee=world.units["bdv"], year=in_days(0).year, monthly_day=5
    )
    period = services.open_period(calendar.pk, actor=world.leader, frequency="month", index=1)
    member = Api(world.member1)

    assert member.get(f"/plans/{plan.pk}").status_code == 404
    assert member.get(f"/filings/{filing.pk}").status_code == 404
    assert member.get(f"/report-periods/{period.pk}").status_code == 404
    assert member.get("/plans").json()["count"] == 0
    assert member.get("/filings").json()["count"] == 0
    page = Client()
    page.force_login(world.member1)
    assert page.get(f"/ke-hoach/{plan.pk}/").status_code == 404
    assert page.get(f"/ke-hoach/van-ban/{filing.pk}/").status_code == 404
    # The committee's reviewer still reads all three.
    reviewer = Api(world.reviewer)
    assert reviewer.get(f"/plans/{plan.pk}").status_code == 200
    assert reviewer.get(f"/filings/{filing.pk}").status_code == 200
    assert reviewer.get(f"/report-periods/{period.pk}").status_code == 200


def test_the_compilation_neutralises_formulas_and_control_characters(world):
    """What units typed reaches the committee's .xlsx as text, never as a formula."""
    calendar = services.set_calendar(
        actor=world.leader,
        committee=world.units["bdv"],
        year=in_days(0).year,
        monthly_day=5,
        sections=["=HYPERLINK(\"http://x\",\"Kết quả\")"],
        extra_figures=["+cmd|' /C calc'!A0"],
    )
    period = services.open_period(calendar.pk, actor=world.leader, frequency="month", index=1)
    filing = Filing.objects.get(period=period, unit=world.units["dept"])
    key = period.sections[0]["key"]
    services.update_filing(
        filing.pk, actor=world.staff, sections={key: "@SUM(1+1)\x05 kết quả\x07"}
    )
    services.perform_filing(filing.pk, "submit", actor=world.staff)
    services.perform_filing(filing.pk, "sign", actor=world.head)

    book = openpyxl.load_workbook(
        io.BytesIO(exports.compilation_workbook(selectors.compilation(period)))
    )
    texts = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert "'@SUM(1+1) kết quả" in texts
    assert "'=HYPERLINK(\"http://x\",\"Kết quả\")" in texts
    assert "'+cmd|' /C calc'!A0" in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert all(cell.data_type != "f" for s in book.worksheets for r in s.iter_rows() for cell in r)
    # The .docx of the same period opens (control characters would have made it a 500).
    assert exports.compilation_document(selectors.compilation(period))[:2] == b"PK"


def test_who_submitted_a_filing_for_the_staff_may_not_sign_it_as_head(world):
    """The head, standing in for the unit's staff member, submits the filing in the staff
    member's name: the filing recorded the staff member as its submitter, so the head could
    then sign what they had themself sent up."""
    from core.errors import NotAllowed
    from tests.workflows.test_engine_defects import on_leave

    plan = _issued(world)
    filing = Filing.objects.get(plan=plan, unit=world.units["dept"])
    on_leave(world.staff, world.head)
    services.perform_filing(filing.pk, "submit", actor=world.head)
    filing.refresh_from_db()
    assert filing.state == "signing" and filing.submitted_by_id == world.staff.pk

    with pytest.raises(NotAllowed):
        services.perform_filing(filing.pk, "sign", actor=world.head)
    r = Api(world.head).post(f"/filings/{filing.pk}/actions/sign")
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    assert "sign" not in Api(world.head).get(f"/filings/{filing.pk}").json()["available_actions"]
    filing.refresh_from_db()
    assert filing.state == "signing"


def test_another_provinces_plan_and_filing_do_not_open_in_the_admin(world):
    """The admin's change pages read through the same access rule as its lists: another
    province's plan or filing answers exactly as one that does not exist."""
    plan = _issued(world)
    filing = Filing.objects.filter(plan=plan).first()
    world.b_leader.is_staff = True
    world.b_leader.save(update_fields=["is_staff"])
    admin = Client()
    admin.force_login(world.b_leader)
    for model, pk in (("plan", plan.pk), ("filing", filing.pk)):
        theirs = admin.get(f"/admin/plans/{model}/{pk}/change/")
        nothing = admin.get(f"/admin/plans/{model}/{10**9}/change/")
        assert theirs.status_code == nothing.status_code == 302, model
        assert theirs["Location"] == nothing["Location"]
        assert plan.title not in admin.get(theirs["Location"]).content.decode()
    world.leader.is_staff = True
    world.leader.save(update_fields=["is_staff"])
    admin.force_login(world.leader)
    assert admin.get(f"/admin/plans/plan/{plan.pk}/change/").status_code == 200


def test_a_plan_with_a_file_of_the_wrong_type_is_refused_whole(world):
    """A plan's attachments are checked like every upload (type and size) before anything is
    written: the refused plan leaves no plan, task, file or audit entry."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.errors import InvalidData
    from plans.models import Plan, PlanAttachment, PlanTask
    from workflows.models import AuditEntry

    before = (Plan.objects.count(), PlanTask.objects.count(), PlanAttachment.objects.count())
    entries = AuditEntry.objects.count()
    good = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4", content_type="application/pdf")
    bad = SimpleUploadedFile("ke-hoach.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(InvalidData) as refused:
        draft_plan(world, title="Kế hoạch có tệp sai loại", attachments=[good, bad])
    assert "ke-hoach.exe" in refused.value.field_errors["attachments"][0]
    assert "không được chấp nhận" in refused.value.field_errors["attachments"][0]
    after = (Plan.objects.count(), PlanTask.objects.count(), PlanAttachment.objects.count())
    assert after == before and AuditEntry.objects.count() == entries


def test_the_leaders_substitute_issues_a_plan_in_the_leaders_name(world):
    """Delegation on the plan's issue: the number comes from the committee's register, the
    plan is signed in the leader's name, the audit entry names both; the substitute of someone
    who may not issue (the reviewer) may not."""
    from tests.workflows.conftest import person
    from tests.workflows.test_engine_defects import on_leave
    from units.models import Role
    from workflows.models import AuditEntry

    plan = draft_plan(world, title="Kế hoạch ban hành thay")
    services.perform_plan(plan.pk, "submit", actor=world.reviewer)
    for_reviewer = person("thay_chuyen_vien", (world.units["office"], Role.UNIT_STAFF))
    on_leave(world.reviewer, for_reviewer)
    r = Api(for_reviewer).post(f"/plans/{plan.pk}/actions/issue")
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"

    deputy = person("pho_ban", (world.units["office"], Role.UNIT_STAFF))
    on_leave(world.leader, deputy)
    r = Api(deputy).post(f"/plans/{plan.pk}/actions/issue")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "issued" and r.json()["symbol"] == "1-KH/BDVTU"
    assert r.json()["signer"] == world.leader.full_name == "Leader"  # not the username
    entry = AuditEntry.objects.get(subject_type="plan", subject_id=plan.pk, action="issue")
    assert (entry.actor_id, entry.on_behalf_of_id) == (deputy.pk, world.leader.pk)
