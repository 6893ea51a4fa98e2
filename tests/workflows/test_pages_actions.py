"""The action pages: the right role succeeds through the door, a wrong role gets 403 (or 404
outside their scope), bad input shows the Vietnamese message next to the field and changes
nothing. Plus the unit's, the auditor's and the leader's pages."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.models import Membership, Role
from workflows import audit, exports, services
from workflows.models import AuditCheck, AuditEntry, AuditHead, Campaign, Initiative, State

from .conftest import REGISTRATION, advance, draft, full_points, pdf, person


def act(client, user, initiative, action, data=None, **kw):
    client.force_login(user)
    url = reverse("workflows:action", args=[initiative.pk, action])
    return client.post(url, data or {}, **kw)


def state_of(initiative) -> str:
    return Initiative.objects.values_list("state", flat=True).get(pk=initiative.pk)


def page(response) -> str:
    return response.content.decode()


# ---- Registration: create, edit, submit ---------------------------------------------------


def test_unit_staff_registers_a_draft_with_the_seed_form_fields_and_an_attachment(world, client):
    client.force_login(world.staff)
    form = client.get(reverse("workflows:initiative_create"))
    body = page(form)
    for label in ("Lĩnh vực", "Tên mô hình, điển hình", "Hình thức", "Địa chỉ", "Loại"):
        assert label in body
    assert "Nêu tóm tắt mô hình giải quyết vấn đề gì." in body  # help text
    response = client.post(
        reverse("workflows:initiative_create"),
        {**REGISTRATION, "form": "collective", "kind": "new", "attachments": [pdf()]},
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workflows:initiative_detail", args=[initiative.pk])
    assert initiative.state == State.DRAFT and initiative.unit == world.units["dept"]
    assert initiative.attachments.get().original_name == "minh-chung.pdf"


def test_a_registration_without_a_title_shows_the_error_next_to_the_field(world, client):
    client.force_login(world.staff)
    response = client.post(
        reverse("workflows:initiative_create"), {"field": "kinh_te", "title": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["title"] == ["Trường này là bắt buộc."]
    assert "Trường này là bắt buộc." in page(response)
    assert not Initiative.objects.exists()


def test_a_bad_attachment_is_refused_in_vietnamese_and_nothing_is_saved(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.staff)
    response = client.post(
        reverse("workflows:initiative_create"),
        {**REGISTRATION, "attachments": [SimpleUploadedFile("virus.exe", b"MZ")]},
    )
    assert response.status_code == 400
    assert "không được chấp nhận" in page(response)
    assert not Initiative.objects.exists()


def test_people_outside_the_unit_side_may_not_register(world, client):
    client.force_login(world.reviewer)
    assert client.get(reverse("workflows:initiative_create")).status_code == 403


def test_edit_saves_through_the_door_and_is_refused_to_the_wrong_people(world, client):
    initiative = draft(world)
    url = reverse("workflows:initiative_edit", args=[initiative.pk])
    client.force_login(world.staff)
    data = {**REGISTRATION, "title": "Tên mới", "form": "collective", "kind": "new"}
    assert client.post(url, data).status_code == 302
    assert Initiative.objects.get(pk=initiative.pk).title == "Tên mới"
    assert AuditEntry.objects.filter(initiative=initiative, action="edit").exists()
    client.force_login(world.reviewer)  # sees it, may not edit it
    assert client.get(url).status_code == 403
    client.force_login(world.b_staff)  # another province
    assert client.get(url).status_code == 404


def test_submitting_an_incomplete_draft_names_the_missing_fields_and_changes_nothing(world, client):
    initiative = draft(world, address="")
    response = act(client, world.staff, initiative, "submit")
    assert response.status_code == 400
    assert "Địa chỉ: Trường này là bắt buộc trước khi gửi." in page(response)
    assert state_of(initiative) == State.DRAFT


# ---- Each action page -----------------------------------------------------------------------


def test_unit_head_approves_from_the_page_but_staff_may_not(world, client):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    client.force_login(world.staff)
    assert (
        client.get(reverse("workflows:action", args=[initiative.pk, "approve"])).status_code == 403
    )
    assert act(client, world.staff, initiative, "approve").status_code == 403
    assert state_of(initiative) == State.UNIT_REVIEW
    response = act(client, world.head, initiative, "approve", {"comment": "Đồng ý"})
    assert response.status_code == 302
    assert state_of(initiative) == State.SCREENING


def test_return_needs_a_reason_shown_next_to_the_field(world, client):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    response = act(client, world.head, initiative, "return", {"comment": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["comment"] == ["Cần nêu lý do."]
    assert state_of(initiative) == State.UNIT_REVIEW
    assert (
        act(client, world.head, initiative, "return", {"comment": "Bổ sung ảnh"}).status_code == 302
    )
    assert state_of(initiative) == State.DRAFT
    client.force_login(world.staff)
    detail = page(client.get(reverse("workflows:initiative_detail", args=[initiative.pk])))
    assert "Đã bị trả lại bởi" in detail and "Bổ sung ảnh" in detail
    board = page(client.get(reverse("workflows:unit_dashboard")))
    assert "Bổ sung ảnh" in board


def test_reviewer_accepts_or_sends_back_and_the_unit_may_not(world, client):
    initiative = advance(world, draft(world), State.SCREENING)
    assert act(client, world.head, initiative, "accept").status_code == 403
    assert act(client, world.b_reviewer, initiative, "accept").status_code == 404
    response = act(client, world.reviewer, initiative, "send_back", {"comment": ""})
    assert response.status_code == 400 and "Cần nêu lý do." in page(response)
    assert act(client, world.reviewer, initiative, "accept").status_code == 302
    assert state_of(initiative) == State.IMPLEMENTING


def test_progress_and_nomination_pages(world, client):
    initiative = advance(world, draft(world), State.IMPLEMENTING)
    response = act(client, world.staff, initiative, "report_progress", {"text": ""})
    assert response.status_code == 400
    assert "Cần nhập nội dung báo cáo." in page(response)
    response = act(
        client, world.staff, initiative, "report_progress", {"text": "Quý I: 40 hộ tham gia"}
    )
    assert response.status_code == 302
    assert initiative.progress_reports.get().text == "Quý I: 40 hộ tham gia"
    assert act(client, world.staff, initiative, "nominate").status_code == 403
    response = act(client, world.head, initiative, "nominate", {"result_achieved": ""})
    assert response.status_code == 400
    assert "Cần nhập kết quả đạt được trước khi đề nghị công nhận." in page(response)
    assert state_of(initiative) == State.IMPLEMENTING
    response = act(
        client,
        world.head,
        initiative,
        "nominate",
        {"result_achieved": "120 hộ", "result_people_reached": "450", "attachments": [pdf()]},
    )
    assert response.status_code == 302
    assert state_of(initiative) == State.SCORING


def test_score_page_shows_criteria_pass_mark_and_refuses_points_over_the_maximum(world, client):
    initiative = advance(world, draft(world), State.SCORING)
    criteria = list(world.campaign.criteria.all())
    client.force_login(world.member1)
    form = page(client.get(reverse("workflows:action", args=[initiative.pk, "score"])))
    assert criteria[0].name in form and "running-total" in form and "điểm đạt" in form
    bad = {f"criterion_{c.pk}": str(c.max_points) for c in criteria}
    bad[f"criterion_{criteria[0].pk}"] = str(criteria[0].max_points + 1)
    response = act(client, world.member1, initiative, "score", bad)
    assert response.status_code == 400
    assert f"criterion_{criteria[0].pk}" in response.context["form"].errors
    assert not initiative.scorecards.exists()
    assert act(client, world.head, initiative, "score", bad).status_code == 403
    assert act(client, world.b_member, initiative, "score", bad).status_code == 404
    good = {f"criterion_{c.pk}": str(c.max_points).replace(".", ",") for c in criteria}
    assert act(client, world.member1, initiative, "score", good).status_code == 302
    assert initiative.scorecards.get().total == sum(c.max_points for c in criteria)


def test_close_recognize_and_commend_pages(world, client):
    initiative = advance(world, draft(world), State.SCORING)
    services.perform(
        initiative.pk, "score", actor=world.member1, points=full_points(world.campaign)
    )
    response = act(client, world.leader, initiative, "close_scoring")
    assert response.status_code == 400  # quorum 2, one sheet
    assert "Chưa đủ số thành viên hội đồng chấm điểm" in page(response)
    services.perform(
        initiative.pk, "score", actor=world.member2, points=full_points(world.campaign)
    )
    assert act(client, world.reviewer, initiative, "close_scoring").status_code == 403
    assert act(client, world.leader, initiative, "close_scoring").status_code == 302
    assert state_of(initiative) == State.DECIDING

    response = act(client, world.leader, initiative, "recognize", {"decision_number": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"decision_number", "decision_date", "decision_signer"} <= set(errors)
    assert state_of(initiative) == State.DECIDING
    response = act(
        client,
        world.leader,
        initiative,
        "recognize",
        {"decision_number": "12-QĐ/BDVTU", "decision_date": "15/10/2026", "decision_signer": "A"},
    )
    assert response.status_code == 302 and state_of(initiative) == State.RECOGNIZED

    data = {
        "form": "bang_khen",
        "authority": "Chủ tịch UBND tỉnh",
        "decision_number": "70/QĐ-UBND",
        "decision_date": "20/10/2026",
    }
    response = act(client, world.leader, initiative, "commend", data)
    assert response.status_code == 400
    assert "Cần đính kèm tệp quyết định đã ký." in page(response)
    assert state_of(initiative) == State.RECOGNIZED
    response = act(
        client, world.leader, initiative, "commend", {**data, "signed_file": pdf("qd.pdf")}
    )
    assert response.status_code == 302 and state_of(initiative) == State.COMMENDED
    client.force_login(world.staff)
    detail = page(client.get(reverse("workflows:initiative_detail", args=[initiative.pk])))
    assert "Bằng khen" in detail and "70/QĐ-UBND" in detail


def test_recognize_under_the_pass_mark_asks_for_an_override_reason(world, client):
    initiative = advance(world, draft(world), State.SCORING)
    for member in (world.member1, world.member2):
        services.perform(
            initiative.pk, "score", actor=member, points=full_points(world.campaign, 0.3)
        )
    services.perform(initiative.pk, "close_scoring", actor=world.leader)
    data = {"decision_number": "1", "decision_date": "15/10/2026", "decision_signer": "A"}
    response = act(client, world.leader, initiative, "recognize", data)
    assert response.status_code == 400
    assert "dưới điểm đạt" in str(response.context["form"].errors["override_reason"])
    assert state_of(initiative) == State.DECIDING


def test_unknown_actions_are_not_found(world, client):
    initiative = draft(world)
    client.force_login(world.staff)
    assert client.get(f"/mo-hinh/{initiative.pk}/thao-tac/explode/").status_code == 404
    assert client.get(reverse("workflows:action", args=[initiative.pk, "edit"])).status_code == 404


# ---- Scope: 404 by URL, never listed ------------------------------------------------------


def test_outsiders_get_404_on_every_url_of_an_initiative(world, client):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    task = initiative.tasks.exclude(role="").get(status="ASSIGNED")
    urls = [
        reverse("workflows:initiative_detail", args=[initiative.pk]),
        reverse("workflows:initiative_edit", args=[initiative.pk]),
        *(reverse("workflows:action", args=[initiative.pk, a]) for a in ("approve", "score")),
    ]
    for outsider in (world.b_head, world.b_reviewer, world.other_head, world.b_member):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        assert client.post(reverse("workflows:task_claim", args=[task.pk])).status_code == 404
        assert client.post(reverse("workflows:task_release", args=[task.pk])).status_code == 404
        for listing in ("workflows:tasks", "workflows:initiative_list"):
            assert initiative.title not in page(client.get(reverse(listing)))


# ---- Tasks: claim, release, filters, bulk -------------------------------------------------


@pytest.fixture
def second_reviewer(world):
    return person("reviewer2", (world.units["bdv"], Role.COMMITTEE_REVIEWER))


def test_claim_and_release_from_the_pages(world, client, second_reviewer):
    initiative = advance(world, draft(world), State.SCREENING)
    task = initiative.tasks.exclude(role="").get(status="NEW")
    client.force_login(world.reviewer)
    queue = page(client.get(reverse("workflows:tasks") + "?tab=queue"))
    assert initiative.title in queue and "Nhận việc" in queue
    assert client.post(reverse("workflows:task_claim", args=[task.pk])).status_code == 302
    assert initiative.title in page(client.get(reverse("workflows:tasks")))
    client.force_login(second_reviewer)
    response = client.post(reverse("workflows:task_claim", args=[task.pk]), follow=True)
    assert "Nhiệm vụ đã có người nhận." in page(response)
    client.force_login(world.head)  # sees the initiative, may not take the committee's task
    assert client.post(reverse("workflows:task_claim", args=[task.pk])).status_code == 403
    client.force_login(world.reviewer)
    assert client.post(reverse("workflows:task_release", args=[task.pk])).status_code == 302
    client.force_login(second_reviewer)
    assert initiative.title in page(client.get(reverse("workflows:tasks") + "?tab=queue"))


def test_bulk_claim_then_bulk_approve_of_the_same_step(world, client, second_reviewer):
    items = [advance(world, draft(world, title=f"Mô hình {i}"), State.SCREENING) for i in range(3)]
    tasks = [i.tasks.exclude(role="").get(status="NEW").pk for i in items]
    client.force_login(world.reviewer)
    response = client.post(
        reverse("workflows:tasks_bulk"), {"operation": "claim", "task": tasks, "tab": "queue"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("workflows:tasks_bulk"),
        {"operation": "approve", "task": tasks, "tab": "inbox"},
        follow=True,
    )
    assert "Đã xử lý 3 việc." in page(response)
    assert {state_of(i) for i in items} == {State.IMPLEMENTING}


def test_bulk_approve_refuses_tasks_of_different_steps(world, client):
    a = advance(world, draft(world, title="A"), State.UNIT_REVIEW)
    b = advance(world, draft(world, title="B"), State.IMPLEMENTING)
    ids = [t.pk for t in (a.tasks.get(status="ASSIGNED"), b.tasks.get(status="ASSIGNED"))]
    client.force_login(world.head)
    response = client.post(
        reverse("workflows:tasks_bulk"), {"operation": "approve", "task": ids}, follow=True
    )
    assert "Chỉ xử lý hàng loạt các việc của cùng một bước." in page(response)
    assert state_of(a) == State.UNIT_REVIEW


def test_task_filters_and_overdue_rows_stand_out(world, client):
    import datetime

    from django.utils import timezone

    late = advance(world, draft(world, title="Việc trễ hạn"), State.UNIT_REVIEW)
    other = advance(
        world, draft(world, title="Sân chơi thiếu nhi", field="van_hoa_xa_hoi"), State.UNIT_REVIEW
    )
    late.tasks.filter(status="ASSIGNED").update(due_at=timezone.now() - datetime.timedelta(days=2))
    client.force_login(world.head)
    body = page(client.get(reverse("workflows:tasks")))
    assert 'class="overdue"' in body and "Quá hạn" in body
    only_late = page(client.get(reverse("workflows:tasks") + "?tab=inbox&overdue=on"))
    assert late.title in only_late and other.title not in only_late
    by_field = page(client.get(reverse("workflows:tasks") + "?field=van_hoa_xa_hoi"))
    assert other.title in by_field and late.title not in by_field
    by_unit = page(client.get(reverse("workflows:tasks") + f"?unit={world.units['office'].pk}"))
    assert "Không có việc nào khớp bộ lọc" in by_unit


# ---- The unit's dashboard -----------------------------------------------------------------


def test_unit_dashboard_shows_quota_deadline_and_initiatives(world, client):
    advance(world, draft(world, title="Đã gửi"), State.UNIT_REVIEW)
    draft(world, title="Còn nháp")
    client.force_login(world.staff)
    body = page(client.get(reverse("workflows:unit_dashboard")))
    assert "Đã gửi" in body and "Còn nháp" in body
    assert "chỉ tiêu <strong>1</strong>" in body and "đã đạt chỉ tiêu" in body
    assert "Hạn đăng ký" in body and "31/12/" in body
    drafts = page(client.get(reverse("workflows:unit_dashboard") + "?state=draft"))
    assert "Còn nháp" in drafts and "Đã gửi" not in drafts
    client.force_login(world.other_staff)
    body = page(client.get(reverse("workflows:unit_dashboard")))
    assert "còn thiếu 1 mô hình" in body and "Đăng ký mô hình mới" in body


# ---- The auditor ----------------------------------------------------------------------------


def test_auditor_searches_within_scope_and_exports_csv_and_excel(world, client):
    from openpyxl import load_workbook

    mine = advance(world, draft(world), State.SCREENING)
    theirs = services.create_initiative(
        unit=world.units["dept_b"], actor=world.b_staff, year=world.year, **REGISTRATION
    )
    client.force_login(world.auditor)
    url = reverse("workflows:audit_search")
    body = page(client.get(url + "?action=approve"))
    assert mine.title in body and "Duyệt, ký gửi Ban Dân vận" in body
    assert page(client.get(url + "?actor=staff")).count("<tr>") >= 2
    assert f"/mo-hinh/{theirs.pk}/" not in page(client.get(url))
    response = client.get(url + "?export=csv")
    assert response.streaming  # never built whole in memory
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Số thứ tự", "Thời điểm", "Người thực hiện"]
    assert {r[8] for r in rows[1:]} == {
        "Tạo đăng ký",
        "Gửi thủ trưởng duyệt",
        "Duyệt, ký gửi Ban Dân vận",
    }
    response = client.get(url + "?export=xlsx&action=submit")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2 and sheet["I2"].value == "Gửi thủ trưởng duyệt"
    bad = client.get(url + "?date_from=31/12/2026&date_to=01/01/2026")
    assert "“Đến ngày” phải sau “Từ ngày”." in page(bad)


def test_an_excel_export_past_the_cap_tells_the_auditor_to_narrow_the_filters(
    world, client, monkeypatch
):
    advance(world, draft(world), State.SCREENING)  # create, submit, approve
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    client.force_login(world.auditor)
    url = reverse("workflows:audit_search")
    response = client.get(url + "?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "quá nhiều cho một tệp Excel. Hãy thu hẹp bộ lọc" in page(response)
    narrowed = client.get(url + "?export=xlsx&action=submit")
    assert narrowed.content[:2] == b"PK"


def test_a_long_csv_export_comes_in_pieces(world, client, monkeypatch):
    for _ in range(2):
        advance(world, draft(world), State.SCREENING)
    monkeypatch.setattr(exports, "CSV_ROWS_PER_CHUNK", 2)
    client.force_login(world.auditor)
    response = client.get(reverse("workflows:audit_search") + "?export=csv")
    chunks = list(response.streaming_content)
    assert len(chunks) >= 3
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(rows) == 1 + AuditEntry.objects.filter(initiative__isnull=False).count()


@pytest.fixture
def tasks_in_process():
    """Run Celery jobs here even when REDIS_URL is set (as in .ci/run)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_audit_pages_are_for_auditors_and_show_the_chain_state(world, client):
    draft(world)
    client.force_login(world.staff)
    assert client.get(reverse("workflows:audit_search")).status_code == 403
    assert client.get(reverse("workflows:audit_chain")).status_code == 403
    assert client.post(reverse("workflows:audit_chain")).status_code == 403
    client.force_login(world.auditor)
    body = page(client.get(reverse("workflows:audit_chain")))
    assert "chưa được kiểm tra lần nào" in body and "Kiểm tra lại ngay" in body
    call_command("verify_audit")  # as the nightly beat job does
    body = page(client.get(reverse("workflows:audit_chain")))
    n = AuditEntry.objects.count()
    assert f"Chuỗi nhật ký toàn vẹn: đã kiểm tra {n} mục trong 3 chuỗi" in body
    assert "Lần kiểm tra gần nhất" in body
    # Each chain on its own row: the global one and each committee's, whole up to its head.
    for head in AuditHead.objects.select_related("committee"):
        title = head.committee.name if head.committee else "Chuỗi chung (không thuộc Ban nào)"
        row = f'<tr data-chain="{audit.chain_name(head.committee_id)}">'
        assert f'{row}<td data-label="Chuỗi">{title}</td>' in body
        assert f"#{head.seq}</td>" in body


def test_the_chain_page_never_walks_the_chain_on_a_visit(world, client, monkeypatch):
    def walk(*args, **kwargs):
        raise AssertionError("the page walked the whole chain")

    audit.verify_and_record()
    monkeypatch.setattr(audit, "verify", walk)
    client.force_login(world.auditor)
    url = reverse("workflows:audit_chain")
    client.get(url)  # warm the session and memberships caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(3):
        advance(world, draft(world), State.SCREENING)
    with CaptureQueriesContext(connection) as grown:
        assert client.get(url).status_code == 200
    assert len(grown) == len(small)


def test_check_again_now_records_a_fresh_result_and_reports_a_tampered_chain(
    world, client, tasks_in_process
):
    initiative = advance(world, draft(world), State.SCREENING)
    audit.verify_and_record()
    first = AuditCheck.objects.get()
    victim = AuditEntry.objects.get(initiative=initiative, action="submit")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # bypass the trigger
        cursor.execute(
            "UPDATE workflows_auditentry SET comment = 'sửa lén' WHERE id = %s", [victim.pk]
        )
    client.force_login(world.auditor)
    url = reverse("workflows:audit_chain")
    assert "Chuỗi nhật ký toàn vẹn" in page(client.get(url))  # the last result, until asked
    response = client.post(url, follow=True)
    latest = AuditCheck.objects.exclude(pk=first.pk).get()
    assert not latest.ok and latest.broken_at == victim.chain_seq and latest.problem == "content"
    body = page(response)
    assert f"Chuỗi nhật ký bị đứt tại mục #{victim.chain_seq}" in body
    assert "<strong>Chuỗi của Ban Dân vận Tỉnh ủy A:</strong>" in body
    assert '<tr data-chain="global"><td data-label="Chuỗi">Chuỗi chung' in body
    assert "Nội dung mục đã bị sửa." in body


# ---- The committee leader's campaign set-up -----------------------------------------------


def test_leader_opens_a_campaign_with_criteria_pass_mark_council_and_quorum(world, client):
    client.force_login(world.leader)
    form = page(client.get(reverse("workflows:campaign_create")))
    assert "Huy động được nhiều lực lượng tham gia" in form  # default criteria offered
    data = {
        "year": world.year + 1,
        "title": "",
        "registration_deadline": f"31/03/{world.year + 1}",
        "pass_mark": "75",
        "quorum": "2",
        "quota_per_unit": "2",
        "public_comment_days": "0",
        "council": [world.member1.pk, world.member2.pk],
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
        "criteria-0-name": "Hiệu quả",
        "criteria-0-max_points": "60",
        "criteria-1-name": "Lan tỏa",
        "criteria-1-max_points": "40",
    }
    assert client.post(reverse("workflows:campaign_create"), data).status_code == 302
    campaign = Campaign.objects.get(year=world.year + 1, committee=world.units["bdv"])
    assert campaign.pass_mark == 75 and campaign.quorum == 2
    assert [c.name for c in campaign.criteria.all()] == ["Hiệu quả", "Lan tỏa"]
    assert set(campaign.council.all()) == {world.member1, world.member2}
    again = client.post(reverse("workflows:campaign_create"), data)
    assert again.status_code == 400 and Campaign.objects.filter(year=world.year + 1).count() == 1
    client.force_login(world.reviewer)
    assert client.get(reverse("workflows:campaign_create")).status_code == 403


def test_a_head_in_two_units_chooses_the_unit(world, client):
    Membership.objects.create(user=world.staff, unit=world.units["dept2"], role=Role.UNIT_STAFF)
    client.force_login(world.staff)
    response = client.post(
        reverse("workflows:initiative_create"),
        {**REGISTRATION, "unit": world.units["dept2"].pk, "form": "collective", "kind": "new"},
    )
    assert response.status_code == 302
    assert Initiative.objects.get().unit == world.units["dept2"]


def test_an_action_page_for_a_step_already_taken_says_so_instead_of_a_form(world, client):
    initiative = advance(world, draft(world), State.SCREENING)
    client.force_login(world.head)
    response = client.get(reverse("workflows:action", args=[initiative.pk, "approve"]))
    assert response.status_code == 409
    assert "Không thể “Duyệt, ký gửi Ban Dân vận” khi mô hình đang ở trạng thái" in page(response)
    assert act(client, world.head, initiative, "approve").status_code == 409
    assert state_of(initiative) == State.SCREENING


def test_a_wrong_role_reads_why_in_vietnamese(world, client):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    client.force_login(world.staff)
    response = client.get(reverse("workflows:action", args=[initiative.pk, "approve"]))
    assert response.status_code == 403
    assert "Bạn không có vai trò để “Duyệt, ký gửi Ban Dân vận” mô hình này." in page(response)


def _campaign_post(campaign, **changes) -> dict:
    criteria = list(campaign.criteria.all())
    data = {
        "title": campaign.title,
        "registration_deadline": campaign.registration_deadline.strftime("%d/%m/%Y"),
        "pass_mark": str(campaign.pass_mark).replace(".", ","),
        "quorum": str(campaign.quorum),
        "quota_per_unit": str(campaign.quota_per_unit),
        "public_comment_days": str(campaign.public_comment_days),
        "council": [m.pk for m in campaign.council.all()],
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "30",
    }
    for i, c in enumerate(criteria):
        data[f"criteria-{i}-name"] = c.name
        data[f"criteria-{i}-max_points"] = str(c.max_points).replace(".", ",")
    return {**data, **changes}


def test_leader_edits_the_campaign_but_not_its_criteria_once_scored(world, client):
    campaign = world.campaign
    url = reverse("workflows:campaign_edit", args=[campaign.pk])
    client.force_login(world.leader)
    response = client.post(
        url, _campaign_post(campaign, registration_deadline=f"30/12/{world.year}", pass_mark="72,5")
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.registration_deadline.strftime("%d/%m") == "30/12"
    assert campaign.pass_mark == Decimal("72.5")
    initiative = advance(world, draft(world), State.SCORING)
    services.perform(initiative.pk, "score", actor=world.member1, points=full_points(campaign))
    response = client.post(url, _campaign_post(campaign, **{"criteria-0-max_points": "50"}))
    assert response.status_code == 400
    assert "Đã có phiếu chấm: không sửa được tiêu chí." in page(response)
    assert campaign.criteria.first().max_points == 10
    client.force_login(world.b_leader)  # another committee's leader
    assert client.get(url).status_code == 404
    client.force_login(world.reviewer)
    assert client.get(url).status_code == 404


def test_the_leader_hands_a_task_to_another_reviewer(world, client, second_reviewer):
    initiative = advance(world, draft(world), State.SCREENING)
    task = initiative.tasks.exclude(role="").get(status="NEW")
    client.force_login(world.leader)
    detail = page(client.get(reverse("workflows:initiative_detail", args=[initiative.pk])))
    assert "Giao lại" in detail and "Reviewer2" in detail
    url = reverse("workflows:task_reassign", args=[task.pk])
    response = client.post(url, {"to_user": second_reviewer.pk}, follow=True)
    assert "Đã giao việc “Thẩm định đăng ký” cho Reviewer2." in page(response)
    task.refresh_from_db()
    assert task.owner == second_reviewer
    response = client.post(url, {"to_user": world.head.pk}, follow=True)  # not a reviewer
    assert "Người được giao không có vai trò phù hợp" in page(response)
    client.force_login(world.reviewer)  # sees it, may not hand it on
    assert client.post(url, {"to_user": world.reviewer.pk}).status_code == 403
    client.force_login(world.b_leader)
    assert client.post(url, {"to_user": world.reviewer.pk}).status_code == 404


@pytest.mark.parametrize("to_user", ["abc", "²", "", "99999999999999999999"])
def test_reassigning_to_no_one_says_choose_someone_beside_the_field(
    world, client, second_reviewer, to_user
):
    initiative = advance(world, draft(world), State.SCREENING)
    task = initiative.tasks.exclude(role="").get(status="NEW")
    owner = task.owner
    client.force_login(world.leader)
    url = reverse("workflows:task_reassign", args=[task.pk])
    response = client.post(url, {"to_user": to_user}, follow=True)
    assert response.status_code == 200
    assert f'id="to-{task.pk}_error" role="alert">Hãy chọn người nhận việc.</p>' in page(response)
    task.refresh_from_db()
    assert task.owner == owner


def test_the_committee_flags_an_open_case_and_commendation_waits(world, client):
    initiative = advance(world, draft(world), State.RECOGNIZED)
    url = reverse("workflows:initiative_flag_case", args=[initiative.pk])
    client.force_login(world.reviewer)
    response = client.post(url, {"open_case": "1", "comment": ""}, follow=True)
    assert "Cần nêu lý do." in page(response)
    assert not Initiative.objects.get(pk=initiative.pk).has_open_case
    response = client.post(url, {"open_case": "1", "comment": "Có đơn khiếu nại"}, follow=True)
    assert "chưa thể khen thưởng" in page(response)
    assert Initiative.objects.get(pk=initiative.pk).has_open_case
    data = {
        "form": "bang_khen",
        "authority": "UBND tỉnh",
        "decision_number": "1",
        "decision_date": "20/10/2026",
        "signed_file": pdf(),
    }
    response = act(client, world.leader, initiative, "commend", data)
    assert response.status_code == 400 and state_of(initiative) == State.RECOGNIZED
    client.force_login(world.staff)
    assert client.post(url, {"open_case": "0", "comment": "x"}).status_code == 403
    client.force_login(world.b_reviewer)
    assert client.post(url, {"open_case": "0", "comment": "x"}).status_code == 404


def test_the_chain_is_walked_nightly_by_beat(world, tasks_in_process):
    from django.conf import settings

    from workflows.tasks import verify_audit

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert verify_audit.name == "workflows.verify_audit" in tasks
    check = AuditCheck.objects.get(pk=verify_audit.delay().get())
    assert check.ok


def test_timeline_shows_changed_choices_by_their_labels(world, client):
    initiative = draft(world)
    services.perform(initiative.pk, "edit", actor=world.staff, fields={"field": "van_hoa_xa_hoi"})
    client.force_login(world.staff)
    body = client.get(reverse("workflows:initiative_detail", args=[initiative.pk])).content
    html = body.decode()
    assert "<td>Kinh tế</td><td>Văn hóa – xã hội</td>" in html
    assert "kinh_te" not in html
