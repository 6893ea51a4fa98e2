"""Issue #16's main path in a real browser: the committee's reviewer drafts a plan with its task
table (and is told what is missing), the leader issues it from the task inbox, a unit's staff
finds "file your plan" in the inbox with its deadline, writes it and submits, the head signs and
sends, the committee sees who has filed and accepts. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workflows import audit
from workflows.models import AuditEntry

from .test_journeys import nav
from .test_phone_and_a11y import accessible

pytestmark = pytest.mark.timeout(180)

TITLE = "Kế hoạch triển khai phong trào thi đua “Dân vận khéo” năm 2026"
TASK = "Quán triệt, triển khai Kế hoạch đến cán bộ, đảng viên"


def confirm(s, action: str, fill=None) -> None:
    page = s.page
    page.get_by_role("link", name=action, exact=True).click()
    page.get_by_role("heading", name=action).wait_for()
    if fill:
        fill(page)
    page.get_by_role("button", name=f"Xác nhận: {action}").click()
    expect(page.get_by_text(f"Đã thực hiện “{action}”.")).to_be_visible()


def open_from_inbox(s, text: str) -> None:
    nav(s, "Nhiệm vụ")
    section = s.page.get_by_role("region", name="Kế hoạch và báo cáo định kỳ")
    section.get_by_role("row").filter(has_text=text).get_by_role("link", name="Xử lý").click()


def test_a_committee_plan_is_issued_filed_signed_and_accepted(e2e_world, login, axe):
    import datetime

    from django.utils import timezone

    world = e2e_world
    deadline = timezone.localdate() + datetime.timedelta(days=10)

    # ---- The committee's reviewer drafts the plan.
    reviewer = login("reviewer")
    page = reviewer.page
    nav(reviewer, "Kế hoạch, báo cáo")
    page.get_by_role("link", name="Soạn kế hoạch mới").click()
    page.get_by_label("Trích yếu").fill(TITLE)
    page.get_by_label("Căn cứ (các văn bản kế hoạch này thực hiện)").fill(
        "Kế hoạch số 24-KH/BDVTU ngày 15/3/2023 của Ban Dân vận Tỉnh ủy"
    )
    page.get_by_label("Hạn các đơn vị gửi kế hoạch thực hiện").fill(deadline.strftime("%d/%m/%Y"))
    page.get_by_label("Sở Nông nghiệp", exact=True).check()
    page.get_by_label("Sở Y tế", exact=True).check()
    page.get_by_role("button", name="Lưu dự thảo").click()  # an empty task table
    expect(page.locator("#tasks_error")).to_have_text("Bảng nhiệm vụ cần ít nhất một dòng.")
    accessible(page, axe)  # the form with its task table, errors shown
    page.get_by_label("Nội dung công việc, dòng 1").fill(TASK)
    page.get_by_label("Đơn vị chủ trì, dòng 1").select_option(label="Ban Dân vận Tỉnh ủy A")
    page.locator("input[name=tasks-0-ongoing]").check()
    page.get_by_label("Sản phẩm dự kiến, dòng 1").fill("Hội nghị quán triệt")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_text("Đã lưu dự thảo kế hoạch.")).to_be_visible()
    expect(page.locator("#state")).to_have_text("Dự thảo")
    expect(page.get_by_role("cell", name="Thường xuyên")).to_be_visible()
    reviewer.shot("plans-01-draft")
    confirm(reviewer, "Trình lãnh đạo duyệt")
    expect(page.locator("#state")).to_have_text("Chờ lãnh đạo duyệt")

    # ---- The leader finds it in the inbox and issues it: it gets its number.
    leader = login("leader")
    open_from_inbox(leader, "Duyệt và ban hành kế hoạch")
    confirm(leader, "Duyệt và ban hành")
    expect(leader.page.locator("#state")).to_have_text("Đã ban hành")
    symbol = leader.page.locator("#symbol").inner_text()
    assert re.fullmatch(r"\d+-KH/BDVTU", symbol), symbol
    expect(leader.page.get_by_text("Chưa gửi, còn hạn: 2")).to_be_visible()

    # ---- The unit's staff: "file your plan" waits in the inbox, with its deadline.
    staff = login("staff")
    nav(staff, "Nhiệm vụ")
    row = (
        staff.page.get_by_role("region", name="Kế hoạch và báo cáo định kỳ")
        .get_by_role("row")
        .filter(has_text=f"Kế hoạch thực hiện {symbol}")
    )
    expect(row).to_contain_text(deadline.strftime("%d/%m/%Y"))
    expect(row).to_contain_text("Soạn và trình thủ trưởng ký")
    staff.shot("plans-02-inbox")
    accessible(staff.page, axe)
    row.get_by_role("link", name="Xử lý").click()
    staff.page.get_by_label("Nội dung", exact=True).fill(
        "Sở Nông nghiệp tổ chức quán triệt trong tháng 4."
    )
    staff.page.get_by_label(re.compile(r"1\. Quán triệt")).check()
    staff.page.get_by_role("button", name="Lưu").click()
    expect(staff.page.get_by_text("Đã lưu.")).to_be_visible()
    confirm(staff, "Trình thủ trưởng ký")
    expect(staff.page.locator("#state")).to_have_text("Chờ thủ trưởng ký")

    # ---- The head signs and sends.
    head = login("head")
    open_from_inbox(head, "Ký và gửi Ban")
    expect(
        head.page.get_by_text("Sở Nông nghiệp tổ chức quán triệt trong tháng 4.")
    ).to_be_visible()
    confirm(head, "Ký và gửi Ban")
    expect(head.page.locator("#state")).to_have_text("Đã gửi Ban")

    # ---- The committee sees who has filed, and accepts.
    open_from_inbox(reviewer, "Tiếp nhận hoặc trả lại")
    confirm(reviewer, "Tiếp nhận")
    expect(reviewer.page.locator("#state")).to_have_text("Ban đã tiếp nhận")
    reviewer.page.get_by_role("link", name=f"Kế hoạch số {symbol}").first.click()
    expect(reviewer.page.get_by_text("Gửi đúng hạn: 1")).to_be_visible()
    expect(reviewer.page.get_by_text("Chưa gửi, còn hạn: 1")).to_be_visible()
    reviewer.shot("plans-03-standing")
    accessible(reviewer.page, axe)

    filing_steps = list(
        AuditEntry.objects.filter(subject_type="filing")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert filing_steps == ["edit", "submit", "sign", "accept"]
    assert audit.verify().ok
    assert world.units["dept"].filings.get().state == "accepted"
