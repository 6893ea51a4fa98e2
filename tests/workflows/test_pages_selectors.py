"""The read side the pages and the API share: task-list filters, audit search, exports."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from django.utils import timezone

from workflows import exports, selectors, services
from workflows.models import AuditEntry, State

from .conftest import advance, draft


def test_task_lists_filter_by_year_field_unit_state_and_overdue_and_sort_by_due(world):
    early = services.perform(draft(world, title="A").pk, "submit", actor=world.staff)
    late = services.perform(
        draft(world, title="B", field="van_hoa_xa_hoi").pk, "submit", actor=world.staff
    )
    early.tasks.filter(status="ASSIGNED").update(due_at=timezone.now() - datetime.timedelta(days=1))
    inbox = selectors.inbox_for
    assert [t.initiative_id for t in inbox(world.head)] == [early.pk, late.pk]
    assert [t.initiative_id for t in inbox(world.head, order="-due")] == [late.pk, early.pk]
    assert [t.initiative_id for t in inbox(world.head, overdue=True)] == [early.pk]
    assert [t.initiative_id for t in inbox(world.head, field="van_hoa_xa_hoi")] == [late.pk]
    assert inbox(world.head, year=world.year - 1).count() == 0
    assert inbox(world.head, unit=world.units["dept"]).count() == 2
    assert inbox(world.head, unit=world.units["office"].pk).count() == 0
    assert inbox(world.head, state=State.UNIT_REVIEW).count() == 2
    services.perform(early.pk, "approve", actor=world.head)
    assert selectors.archive_for(world.head, state=State.SCREENING).count() == 1
    assert selectors.queue_for(world.reviewer, field="kinh_te").count() == 0  # assigned


def test_audit_search_filters_within_scope(world):
    mine = advance(world, draft(world), State.SCREENING)
    services.create_initiative(
        unit=world.units["dept_b"],
        actor=world.b_staff,
        year=world.year,
        field="kinh_te",
        title="Ngoài phạm vi",
    )
    search = selectors.audit_search
    everything = search(world.auditor)
    assert {e.initiative_id for e in everything} == {mine.pk}
    assert [e.action for e in everything] == ["approve", "submit", "create"]  # newest first
    assert [e.action for e in search(world.auditor, actor="head")] == ["approve"]
    assert [e.action for e in search(world.auditor, actor=world.staff.pk)] == ["submit", "create"]
    assert search(world.auditor, action="submit").count() == 1
    assert search(world.auditor, state=State.UNIT_REVIEW).count() == 2  # into and out of it
    assert search(world.auditor, unit=world.units["dept2"]).count() == 0
    today = timezone.localdate()
    assert search(world.auditor, date_from=today, date_to=today).count() == 3
    assert search(world.auditor, date_to=today - datetime.timedelta(days=1)).count() == 0
    assert search(world.b_reviewer).filter(initiative=mine).count() == 0


def test_exports_quote_text_a_spreadsheet_would_run_as_a_formula(world):
    from openpyxl import load_workbook

    initiative = advance(world, draft(world, title="=HYPERLINK(1)"), State.UNIT_REVIEW)
    services.perform(initiative.pk, "return", actor=world.head, comment="+1 sửa lại")
    qs = AuditEntry.objects.filter(initiative=initiative).order_by("seq")
    text = exports.audit_csv(qs).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "'+1 sửa lại" in text
    sheet = load_workbook(io.BytesIO(exports.audit_xlsx(qs))).active
    assert sheet["G2"].value == "'=HYPERLINK(1)"
    assert [c.value for c in sheet[1]][:3] == ["Số thứ tự", "Thời điểm", "Người thực hiện"]
    rows = list(exports.audit_rows(qs))
    assert rows[-1][8] == "Trả lại để sửa" and rows[-1][10] == "Dự thảo"


def test_lists_are_paginated_and_keep_their_filters(world, client):
    for i in range(27):
        services.perform(draft(world, title=f"M{i:02}").pk, "submit", actor=world.staff)
    client.force_login(world.head)
    first = client.get(reverse("workflows:tasks") + "?tab=inbox&field=kinh_te")
    body = first.content.decode()
    assert "Trang 1/2" in body and "tab=inbox&amp;field=kinh_te" in body and "page=2" in body
    second = client.get(reverse("workflows:tasks") + "?tab=inbox&field=kinh_te&page=2")
    assert len(second.context["page"].object_list) == 2


def test_every_page_also_renders_in_english(world, client):
    from django.conf import settings

    initiative = advance(world, draft(world), State.SCORING)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = {
        world.staff: ["workflows:unit_dashboard", "workflows:initiative_create"],
        world.member1: ["workflows:tasks"],
        world.auditor: ["workflows:audit_search", "workflows:audit_chain"],
        world.leader: ["workflows:campaign_list", "workflows:campaign_create"],
    }
    for user, names in pages.items():
        client.force_login(user)
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            assert 'lang="en"' in response.content.decode()
    client.force_login(world.member1)
    assert client.get(reverse("workflows:action", args=[initiative.pk, "score"])).status_code == 200
