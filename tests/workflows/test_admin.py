"""The admin: initiatives are read-only and change only through the door (admin actions);
campaigns are configuration; tasks and the audit trail are records nobody edits."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from accounts.models import User
from units.models import Membership, Role
from workflows import services
from workflows.models import AuditEntry, Initiative

from .conftest import advance, draft

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:workflows_initiative_changelist"


@pytest.fixture
def superuser(world):
    return User.objects.create_superuser("admin", "admin@example.org", "x", full_name="Quản Trị")


@pytest.fixture
def admin(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def in_review(world):
    return advance(world, draft(world), "unit_review")


def run_action(client, action: str, initiatives, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [i.pk for i in initiatives], **extra}
    if "apply" not in extra:
        data["index"] = 0
    return client.post(reverse(CHANGELIST), data, follow=True)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def make_unit_head(world, user):
    Membership.objects.create(user=user, unit=world.units["dept"], role=Role.UNIT_HEAD)


def submitted(world, **overrides):
    return advance(world, draft(world, **overrides), "unit_review")


# -- the initiative pages


def test_changelist_and_change_page_show_the_vietnamese_state(admin, world, in_review):
    page = admin.get(reverse(CHANGELIST))
    assert page.status_code == 200
    assert in_review.title in page.content.decode()
    assert "Chờ thủ trưởng duyệt" in page.content.decode()

    change = admin.get(reverse("admin:workflows_initiative_change", args=[in_review.pk]))
    assert change.status_code == 200
    html = change.content.decode()
    assert "Chờ thủ trưởng duyệt" in html
    # The timeline: creation and submission, with the Vietnamese action labels.
    assert 'class="audit-timeline"' in html
    assert "Tạo đăng ký" in html and "Gửi thủ trưởng duyệt" in html
    assert "Dự thảo → Chờ thủ trưởng duyệt" in html


def test_timeline_escapes_what_people_wrote(admin, world, superuser):
    make_unit_head(world, superuser)
    initiative = submitted(world)
    services.perform(initiative.pk, "return", actor=superuser, comment="<script>alert(1)</script>")
    html = admin.get(reverse("admin:workflows_initiative_change", args=[initiative.pk])).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_add_and_no_delete(admin, world, in_review):
    assert admin.get(reverse("admin:workflows_initiative_add")).status_code == 403
    delete_url = reverse("admin:workflows_initiative_delete", args=[in_review.pk])
    assert admin.post(delete_url, {"post": "yes"}).status_code == 403
    assert Initiative.objects.filter(pk=in_review.pk).exists()


def test_posting_the_change_form_does_not_change_the_state(admin, world, in_review):
    url = reverse("admin:workflows_initiative_change", args=[in_review.pk])
    response = admin.post(url, {"state": "recognized", "title": "Đổi tên", "_save": "1"})
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.state == "unit_review"
    assert in_review.title != "Đổi tên"
    assert not AuditEntry.objects.filter(initiative=in_review, action="approve").exists()


# -- admin actions go through the door


def test_approve_by_a_superuser_who_is_not_the_unit_head_is_refused(admin, world, in_review):
    before = AuditEntry.objects.count()
    response = run_action(admin, "approve_selected", [in_review])
    assert response.status_code == 200
    shown = page_messages(response)
    assert any(in_review.title in m and "không có vai trò" in m for m in shown), shown
    in_review.refresh_from_db()
    assert in_review.state == "unit_review"
    assert AuditEntry.objects.count() == before


def test_approve_by_a_superuser_who_is_also_the_unit_head(admin, world, superuser):
    # A head before the submission: with two heads the review task waits in their queue.
    make_unit_head(world, superuser)
    in_review = submitted(world)
    response = run_action(admin, "approve_selected", [in_review])
    assert response.status_code == 200
    assert any("Đã thực hiện" in m for m in page_messages(response)), page_messages(response)
    in_review.refresh_from_db()
    assert in_review.state == "screening"
    entries = AuditEntry.objects.filter(initiative=in_review, action="approve")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == superuser
    assert (entry.from_state, entry.to_state) == ("unit_review", "screening")
    assert entry.request_id  # the admin passes request metadata to the door


def test_approve_refused_while_the_other_head_holds_the_task(admin, world, superuser, in_review):
    # Submitted while `head` was the only head: the task is theirs, and the door says so.
    make_unit_head(world, superuser)
    response = run_action(admin, "approve_selected", [in_review])
    assert any("Head" in m for m in page_messages(response)), page_messages(response)
    in_review.refresh_from_db()
    assert in_review.state == "unit_review"


def test_bulk_action_reports_each_refusal_and_does_the_rest(admin, world, superuser):
    make_unit_head(world, superuser)
    in_review = submitted(world)
    still_draft = draft(world, title="Mô hình còn dự thảo")
    response = run_action(admin, "approve_selected", [in_review, still_draft])
    shown = page_messages(response)
    assert any("Mô hình còn dự thảo" in m and "Dự thảo" in m for m in shown), shown
    in_review.refresh_from_db()
    still_draft.refresh_from_db()
    assert (in_review.state, still_draft.state) == ("screening", "draft")


def test_accept_goes_through_the_door(admin, world, superuser):
    Membership.objects.create(user=superuser, unit=world.units["bdv"],
                              role=Role.COMMITTEE_REVIEWER)
    initiative = advance(world, draft(world), "screening")
    run_action(admin, "accept_selected", [initiative])
    initiative.refresh_from_db()
    assert initiative.state == "implementing"
    assert AuditEntry.objects.get(initiative=initiative, action="accept").actor == superuser


# -- the reason form


def test_reason_form_first_shows_the_form(admin, world, superuser, in_review):
    response = run_action(admin, "act_with_reason", [in_review])
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="comment"' in html and 'name="operation"' in html
    assert in_review.title in html
    assert "Trả lại để sửa" in html


def test_return_with_an_empty_reason_changes_nothing(admin, world, superuser):
    make_unit_head(world, superuser)
    in_review = submitted(world)
    before = AuditEntry.objects.count()
    response = run_action(admin, "act_with_reason", [in_review],
                          apply="1", operation="return", comment="   ")
    assert response.status_code == 200
    assert "Cần nêu lý do." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == "unit_review"
    assert AuditEntry.objects.count() == before


def test_return_with_a_reason(admin, world, superuser):
    make_unit_head(world, superuser)
    in_review = submitted(world)
    response = run_action(admin, "act_with_reason", [in_review],
                          apply="1", operation="return", comment="Bổ sung minh chứng")
    assert response.redirect_chain  # back to the changelist
    in_review.refresh_from_db()
    assert in_review.state == "draft"
    entry = AuditEntry.objects.get(initiative=in_review, action="return")
    assert (entry.actor, entry.comment) == (superuser, "Bổ sung minh chứng")


def test_reason_action_refused_by_the_door_is_reported(admin, world, in_review):
    response = run_action(admin, "act_with_reason", [in_review],
                          apply="1", operation="withdraw", comment="Không thực hiện được")
    assert any(in_review.title in m for m in page_messages(response))
    in_review.refresh_from_db()
    assert in_review.state == "unit_review"


def test_flag_open_case_through_the_service(admin, world, superuser, in_review):
    refused = run_action(admin, "flag_open_case", [in_review],
                         apply="1", operation="flag_open_case", comment="Có đơn khiếu nại")
    assert any(in_review.title in m for m in page_messages(refused))
    in_review.refresh_from_db()
    assert not in_review.has_open_case

    Membership.objects.create(user=superuser, unit=world.units["bdv"], role=Role.COMMITTEE_LEADER)
    run_action(admin, "flag_open_case", [in_review],
               apply="1", operation="flag_open_case", comment="Có đơn khiếu nại")
    in_review.refresh_from_db()
    assert in_review.has_open_case
    entry = AuditEntry.objects.get(initiative=in_review, action="flag_case")
    assert entry.actor == superuser and entry.comment == "Có đơn khiếu nại"


# -- records and configuration


def test_audit_entries_are_read_only(admin, world, in_review):
    entry = AuditEntry.objects.filter(initiative=in_review).first()
    assert admin.get(reverse("admin:workflows_auditentry_changelist")).status_code == 200
    change_url = reverse("admin:workflows_auditentry_change", args=[entry.pk])
    assert admin.get(change_url).status_code == 200
    assert admin.get(reverse("admin:workflows_auditentry_add")).status_code == 403
    change = admin.post(change_url, {"comment": "sửa lén"})
    assert change.status_code == 403
    delete_url = reverse("admin:workflows_auditentry_delete", args=[entry.pk])
    delete = admin.post(delete_url, {"post": "yes"})
    assert delete.status_code == 403
    entry_after = AuditEntry.objects.get(pk=entry.pk)
    assert entry_after.comment == entry.comment


def test_task_list_is_read_only(admin, world, in_review):
    response = admin.get(reverse("admin:workflows_initiativetask_changelist"))
    assert response.status_code == 200
    assert in_review.title in response.content.decode()
    assert admin.get(reverse("admin:workflows_initiativetask_add")).status_code == 403


def test_campaign_admin_edits_configuration(admin, world):
    url = reverse("admin:workflows_campaign_change", args=[world.campaign.pk])
    assert admin.get(reverse("admin:workflows_campaign_changelist")).status_code == 200
    page = admin.get(url)
    assert page.status_code == 200
    assert 'name="criteria-0-name"' in page.content.decode()


def test_campaigns_are_opened_on_the_leaders_page_not_in_the_admin(admin, world):
    """Opening a campaign goes through services.create_campaign (scope, audit, default
    criteria) on /dot-thi-dua/moi/; the admin does not offer a second, unchecked way."""
    assert admin.get(reverse("admin:workflows_campaign_add")).status_code == 403
    changelist = admin.get(reverse("admin:workflows_campaign_changelist"))
    assert reverse("admin:workflows_campaign_add") not in changelist.content.decode()


def test_delegation_admin_renders(admin, world):
    assert admin.get(reverse("admin:workflows_delegation_add")).status_code == 200
