"""The three journeys in a real browser, as a new user would walk them: log in through the
login page, follow the navigation and the buttons, read what the page says.

A unit registers and submits, its head approves, the committee reviewer claims and accepts,
the unit nominates, two council members score, the leader closes the scoring, recognises and
commends; the unit sees every step in its timeline; the auditor finds it all and exports it.
Screenshots of each main page go to artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from units.models import Role
from workflows import audit

pytestmark = pytest.mark.timeout(180)

TITLE = "Tổ tự quản đường làng sáng – xanh – sạch"


def nav(s, name: str) -> None:
    """Follow a link of the top navigation."""
    s.page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=name, exact=True
    ).click()


def open_task(s, title: str) -> None:
    """From "Nhiệm vụ", open the initiative whose task waits in my inbox."""
    page = s.page
    nav(s, "Nhiệm vụ")
    row = page.get_by_role("row").filter(has_text=title)
    row.get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).wait_for()


def do(s, action: str, fill=None) -> None:
    """Click the action's button on the initiative's page, fill its form, confirm."""
    page = s.page
    page.get_by_role("link", name=action, exact=True).click()
    page.get_by_role("heading", name=action).wait_for()
    if fill:
        fill(page)
    page.get_by_role("button", name=f"Xác nhận: {action}").click()
    page.get_by_text(f"Đã thực hiện “{action}”.").wait_for()


def state(s) -> str:
    return s.page.locator("#state").inner_text()


def test_a_model_goes_from_registration_to_commendation_and_the_auditor_finds_it(
    e2e_world, login, tmp_path
):
    from tests.workflows.conftest import person

    world = e2e_world
    # A second reviewer, so the committee's task waits in the shared queue to be claimed.
    person("reviewer2", (world.units["bdv"], Role.COMMITTEE_REVIEWER))
    evidence = tmp_path / "minh-chung.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% minh chung\n")
    signed = tmp_path / "quyet-dinh-khen-thuong.pdf"
    signed.write_bytes(b"%PDF-1.4\n% signed\n")

    # ---- The unit's staff registers and submits.
    staff = login("staff")
    page = staff.page
    nav(staff, "Đơn vị tôi")
    page.get_by_text("còn thiếu 1 mô hình").wait_for()
    expect(page.get_by_text(re.compile(r"còn \d+ ngày"))).to_be_visible()
    staff.shot("01-unit-dashboard-empty")
    page.get_by_role("link", name="Đăng ký mô hình mới").click()
    page.get_by_role("button", name="Lưu bản đăng ký").click()  # nothing filled in
    expect(page.locator(".errorlist").first).to_have_text("Trường này là bắt buộc.")
    staff.shot("02-registration-errors")
    page.get_by_label("Lĩnh vực").select_option("kinh_te")
    page.get_by_label("Tên mô hình, điển hình").fill(TITLE)
    page.get_by_label("Hình thức").select_option("collective")
    page.get_by_label("Địa chỉ").fill("Thôn Đồng Tâm, xã Tân Lập")
    page.get_by_label("Mô hình giải quyết vấn đề gì").fill("Đường làng nhiều rác, thiếu đèn")
    page.get_by_label("Tổ chức, cá nhân thực hiện").fill("Chi hội Phụ nữ và Đoàn thanh niên")
    page.get_by_label("Dự kiến kết quả").fill("3 km đường sáng, xanh, sạch")
    page.get_by_label("Loại").select_option("new")
    page.get_by_label("Tệp minh chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Lưu bản đăng ký").click()
    page.get_by_role("heading", name=TITLE).wait_for()
    assert state(staff) == "Dự thảo"
    expect(page.get_by_role("link", name="minh-chung.pdf")).to_be_visible()
    do(staff, "Gửi thủ trưởng duyệt")
    assert state(staff) == "Chờ thủ trưởng duyệt"
    staff.shot("03-initiative-submitted")

    # ---- The unit head approves from the inbox.
    head = login("head")
    open_task(head, TITLE)
    nav(head, "Nhiệm vụ")
    head.shot("04-head-inbox")
    open_task(head, TITLE)
    do(head, "Duyệt, ký gửi Ban Dân vận", lambda p: p.get_by_label("Ý kiến").fill("Đồng ý"))
    assert state(head) == "Ban Dân vận thẩm định"

    # ---- The committee reviewer claims from the queue and accepts.
    reviewer = login("reviewer")
    page = reviewer.page
    nav(reviewer, "Nhiệm vụ")
    page.get_by_role("link", name="Việc có thể nhận").click()
    reviewer.shot("05-reviewer-queue")
    page.get_by_role("row").filter(has_text=TITLE).get_by_role("button", name="Nhận việc").click()
    page.get_by_text(f"Bạn đã nhận việc “{TITLE}”.").wait_for()
    do(reviewer, "Chấp nhận đăng ký")
    assert state(reviewer) == "Đang thực hiện"

    # ---- The unit reports progress, then its head nominates with the result report.
    staff.page.reload()
    do(
        staff,
        "Báo cáo tiến độ",
        lambda p: p.get_by_label("Nội dung báo cáo tiến độ").fill("Quý II: 2 km đường đã có đèn"),
    )
    head.page.reload()

    def result(p):
        p.get_by_label("Kết quả đạt được").fill("3,2 km đường sáng – xanh – sạch")
        p.get_by_label("Số người được hưởng lợi").fill("1200")

    do(head, "Đề nghị công nhận", result)
    assert state(head) == "Hội đồng chấm điểm"

    # ---- Two council members score against each criterion.
    for n, (member, fraction) in enumerate((("member1", 0.9), ("member2", 0.8)), start=1):
        s = login(member)
        open_task(s, TITLE)
        s.page.get_by_role("link", name="Chấm điểm", exact=True).click()
        s.page.wait_for_url(re.compile(r"/thao-tac/score/$"))
        inputs = s.page.locator("input.score")
        expect(inputs.first).to_be_visible()  # counted only once the score page has loaded
        total = 0.0
        for i in range(inputs.count()):
            maximum = float(inputs.nth(i).get_attribute("data-max"))
            points = round(maximum * fraction, 2)
            total += points
            inputs.nth(i).fill(f"{points:g}".replace(".", ","))
        expect(s.page.locator("#running-total")).to_have_text(f"{total:g}".replace(".", ","))
        expect(s.page.get_by_text("điểm đạt")).to_be_visible()
        s.shot(f"06-score-sheet-{n}")
        s.page.get_by_role("button", name="Xác nhận: Chấm điểm").click()
        s.page.get_by_text("Đã thực hiện “Chấm điểm”.").wait_for()

    # ---- The leader closes the scoring, recognises and records the commendation.
    leader = login("leader")
    open_task(leader, TITLE)
    do(leader, "Kết thúc chấm điểm")
    assert state(leader) == "Chờ quyết định công nhận"
    # The mean of 90 and 80, in the one format points are written in ("85", not "85,00").
    expect(leader.page.get_by_text(re.compile(r"^85 \(điểm đạt"))).to_be_visible()

    def decision(p):
        p.get_by_label("Số quyết định công nhận").fill("12-QĐ/BDVTU")
        p.get_by_label("Ngày quyết định").fill("15/10/2026")
        p.get_by_label("Người ký").fill("Nguyễn Văn A")

    do(leader, "Công nhận", decision)
    assert state(leader) == "Đã công nhận"

    def commendation(p):
        p.get_by_label("Hình thức khen thưởng").select_option("bang_khen")
        p.get_by_label("Cơ quan, người quyết định khen thưởng").fill("Chủ tịch UBND tỉnh")
        p.get_by_label("Số quyết định khen thưởng").fill("70/QĐ-UBND")
        p.get_by_label("Ngày quyết định").fill("20/10/2026")
        p.get_by_label("Tệp quyết định đã ký").set_input_files(str(signed))

    do(leader, "Ghi nhận khen thưởng", commendation)
    assert state(leader) == "Đã khen thưởng"
    nav(leader, "Nhiệm vụ")
    leader.page.get_by_role("link", name="Việc đã làm").click()
    expect(leader.page.get_by_role("row").filter(has_text=TITLE)).to_have_count(3)
    leader.shot("07-leader-archive")

    # ---- The unit sees every step in its timeline.
    staff.page.reload()
    timeline = staff.page.locator("table.timeline tbody")
    for step in (
        "Tạo đăng ký",
        "Gửi thủ trưởng duyệt",
        "Duyệt, ký gửi Ban Dân vận",
        "Nhận nhiệm vụ",
        "Chấp nhận đăng ký",
        "Báo cáo tiến độ",
        "Đề nghị công nhận",
        "Chấm điểm",
        "Kết thúc chấm điểm",
        "Công nhận",
        "Ghi nhận khen thưởng",
    ):
        expect(timeline.get_by_role("cell", name=step, exact=True).first).to_be_visible()
    expect(timeline.get_by_role("cell", name="Chấm điểm", exact=True)).to_have_count(2)
    expect(timeline.get_by_role("cell", name="Đồng ý", exact=True)).to_have_count(1)  # comment
    assert "Bằng khen" in staff.page.content()
    staff.shot("08-unit-timeline")
    nav(staff, "Đơn vị tôi")
    expect(staff.page.get_by_text("đã đạt chỉ tiêu")).to_be_visible()
    staff.shot("09-unit-dashboard")

    # ---- The auditor finds it all and exports it.
    auditor = login("auditor")
    page = auditor.page
    nav(auditor, "Nhật ký")
    page.get_by_label("Người thực hiện").fill("leader")
    page.get_by_label("Người thực hiện").press("Enter")
    page.wait_for_url(re.compile(r"actor=leader"))
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(3)  # close, recognise, commend
    page.get_by_label("Người thực hiện").fill("")
    page.get_by_label("Thao tác").select_option("commend")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url(re.compile(r"action=commend"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(TITLE)
    page.get_by_label("Thao tác").select_option("")
    page.get_by_label("Từ ngày").fill("01/01/2000")
    page.get_by_role("button", name="Tìm").click()
    auditor.shot("10-audit-search")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").click()
    csv_path = tmp_path / "nhat-ky.csv"
    csv_download.value.save_as(csv_path)
    assert csv_download.value.suggested_filename.endswith(".csv")
    table = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert table[0][:3] == ["Số thứ tự", "Thời điểm", "Người thực hiện"]
    assert len(table) - 1 == int(re.search(r"(\d+) mục", page.content()).group(1))
    actions = [r[8] for r in table[1:]]
    assert "Ghi nhận khen thưởng" in actions and "Tạo đăng ký" in actions
    assert all(r[6] == TITLE for r in table[1:])
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel").click()
    xlsx_path = tmp_path / "nhat-ky.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    sheet = load_workbook(xlsx_path).active
    assert sheet.max_row == len(table)
    page.locator("table.list tbody").get_by_role("link", name=TITLE).first.click()
    # Before/after of each change: wait for the table before counting (it races otherwise).
    expect(page.locator("table.timeline details").nth(4)).to_be_attached()
    page.locator("table.timeline details").first.locator("summary").click()
    auditor.shot("11-auditor-timeline")
    page.go_back()
    # The nightly walk of the chain (a Celery beat job) has run; the page shows its outcome.
    audit.verify_and_record()
    page.get_by_role("link", name="Kiểm tra tính toàn vẹn của chuỗi nhật ký").click()
    expect(page.locator("#chain-state")).to_contain_text("Chuỗi nhật ký toàn vẹn")
    expect(page.get_by_role("button", name="Kiểm tra lại ngay")).to_be_visible()
    auditor.shot("12-audit-chain")


def test_the_leader_sets_up_next_years_campaign(e2e_world, login):
    world = e2e_world
    leader = login("leader")
    page = leader.page
    nav(leader, "Đợt thi đua")
    page.get_by_role("link", name="Mở đợt thi đua mới").click()
    page.get_by_label("Năm").fill(str(world.year + 1))
    page.get_by_label("Hạn đăng ký").fill(f"31/03/{world.year + 1}")
    page.get_by_label("Điểm đạt").fill("75")
    page.get_by_label("Số thành viên tối thiểu phải chấm").fill("2")
    page.get_by_label("Member1").check()
    page.get_by_label("Member2").check()
    leader.shot("13-campaign-form")
    page.get_by_role("button", name="Mở đợt thi đua").click()
    page.get_by_text("Đã mở đợt thi đua").wait_for()
    row = page.get_by_role("row").filter(has_text=str(world.year + 1))
    expect(row).to_contain_text("31/03/")
    expect(row).to_contain_text("75")
    leader.shot("14-campaign-list")
    row.get_by_role("link", name="Sửa").click()
    page.get_by_label("Điểm đạt").fill("80")
    page.get_by_role("button", name="Lưu đợt thi đua").click()
    page.get_by_text("Đã lưu đợt thi đua").wait_for()
    expect(page.get_by_role("row").filter(has_text=str(world.year + 1))).to_contain_text("80")


def test_outsiders_get_not_found_and_the_language_switches_to_english(e2e_world, login):
    from tests.workflows.conftest import draft
    from workflows import services

    initiative = services.perform(draft(e2e_world).pk, "submit", actor=e2e_world.staff)
    outsider = login("b_head")
    response = outsider.page.goto(f"/mo-hinh/{initiative.pk}/")
    assert response.status == 404
    response = outsider.page.goto(f"/mo-hinh/{initiative.pk}/thao-tac/approve/")
    assert response.status == 404
    outsider.page.goto("/")
    with outsider.page.expect_navigation():
        outsider.page.get_by_label("Ngôn ngữ").select_option("en")
    assert outsider.page.locator("html").get_attribute("lang") == "en"
