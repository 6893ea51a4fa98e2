"""Issue #21: the pages work on a phone (390 × 844) as well as on a desktop, and pass an
accessibility check.

The main journeys — a head approving from the inbox (with the keyboard alone), a council member
scoring, a staff member registering, the notifications page — run at both sizes; every main page
is then visited at 360, 390 and 1280 px wide. On each page: nothing scrolls sideways
(document.documentElement.scrollWidth <= window.innerWidth), axe-core (the copy shipped by the
axe-playwright-python package) finds no serious or critical violation, and on a phone every list
shown as cards labels each value with its column's header. Screenshots of both sizes go to
artifacts/screenshots/ (phone-*.png, desktop-*.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from notifications import delivery
from notifications.models import Outbox
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.timeout(240)

SIZES = {"phone": PHONE, "desktop": DESKTOP}
SMALLEST = {"width": 360, "height": 740}  # the narrowest phone the layout is built for
TITLE = "Mô hình “Dân vận khéo” hỗ trợ nông dân chuyển đổi số"  # tests/workflows REGISTRATION

WIDEST = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' '
               + Math.round(r.right));
    }
  }
  return out.slice(0, 8);
}"""

CARD_LABELS = """() => {
  const bad = [];
  let seen = 0;
  for (const table of document.querySelectorAll('table.card-list')) {
    const heads = [...table.querySelectorAll(':scope > thead > tr > th')]
      .map(th => th.textContent.trim());
    for (const row of table.querySelectorAll(':scope > tbody > tr')) {
      const cells = [...row.children];
      if (cells.length === 1 && cells[0].colSpan > 1) continue;  // "nothing yet"
      cells.forEach((cell, i) => {
        // An empty data-label marks the card's title or its buttons: nothing to name.
        const label = cell.dataset.label;
        const shown = getComputedStyle(cell, '::before').content;
        if (label === undefined) bad.push(`no data-label under ${heads[i]}`);
        else if (label && label !== heads[i]) bad.push(`${label} ≠ ${heads[i]}`);
        else if (label && cell.textContent.trim() && !shown.includes(label)) {
          bad.push(`${label} not shown: ${shown}`);
        }
      });
      if (getComputedStyle(row).display !== 'block') bad.push('still a table row');
      seen += 1;
    }
  }
  return {bad, seen};
}"""

BLOCKING = ("serious", "critical")


def no_sideways_scroll(page) -> None:
    """The page fits the window's width: nothing to scroll sideways."""
    scroll, window = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll <= window, (
        f"{page.url} scrolls sideways: {scroll} px wide in a {window} px window; "
        f"past the edge: {page.evaluate(WIDEST)}"
    )


def accessible(page, axe) -> None:
    """axe-core finds no serious or critical violation on the page as it stands."""
    found = axe.run(page).response["violations"]
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in found
        if v["impact"] in BLOCKING
    ]
    assert not blocking, f"{page.url}:\n" + "\n".join(blocking)


def check(s, axe, name: str) -> int:
    """What every page must be, at every size: fit, accessible, and on a phone its lists are
    cards that say what each value is. Saves a screenshot; returns how many cards it saw."""
    page = s.page
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "vi"  # the active language
    assert 'href="' not in page.inner_text("main"), f"broken markup shows on {page.url}"
    no_sideways_scroll(page)
    cards = {"bad": [], "seen": 0}
    if page.viewport_size["width"] < 600:
        cards = page.evaluate(CARD_LABELS)
        assert cards["bad"] == [], f"{page.url}: {cards['bad']}"
    accessible(page, axe)
    s.shot(name)
    return cards["seen"]


def menu_link(s, name) -> object:
    """A link of the header's main navigation; on a phone, open the menu first."""
    page = s.page
    toggle = page.locator("header .menu > summary")
    if toggle.is_visible() and page.locator("header details.menu[open]").count() == 0:
        toggle.click()
    return page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=name, exact=isinstance(name, str)
    )


def tab_to(page, target, limit: int = 120) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would, and check that the
    focus can be seen where it is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            ring = target.evaluate(
                "e => { const s = getComputedStyle(e);"
                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
            )
            assert ring[0] != "none" and ring[1] >= 2, f"no visible focus on {target}: {ring}"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


def test_a_head_approves_from_the_inbox_with_the_keyboard_alone(e2e_world, login, axe, size):
    from tests.workflows.conftest import draft
    from workflows import services

    services.perform(draft(e2e_world).pk, "submit", actor=e2e_world.staff)
    head = login("head", SIZES[size])
    page = head.page
    tasks = page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Nhiệm vụ", exact=True
    )
    if size == "phone":
        expect(tasks).to_be_hidden()  # folded into the menu
        tab_to(page, page.locator("header .menu > summary"))
        page.keyboard.press("Enter")
        expect(tasks).to_be_visible()
        check(head, axe, f"{size}-20-menu-open")
    tab_to(page, tasks)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/nhiem-vu/$"))
    cards = check(head, axe, f"{size}-21-head-inbox")
    assert cards == (1 if size == "phone" else 0)  # the task, one card on a phone
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Thủ trưởng duyệt")
    tab_to(page, row.get_by_role("link", name="Xử lý"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    check(head, axe, f"{size}-22-head-initiative")
    tab_to(page, page.get_by_role("link", name="Duyệt, ký gửi Ban Dân vận", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Duyệt, ký gửi Ban Dân vận", level=1)).to_be_visible()
    tab_to(page, page.get_by_label("Ý kiến"))
    page.keyboard.type("Đồng ý")
    check(head, axe, f"{size}-23-head-approve-form")
    tab_to(page, page.get_by_role("button", name="Xác nhận: Duyệt, ký gửi Ban Dân vận"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Đã thực hiện “Duyệt, ký gửi Ban Dân vận”.")).to_be_visible()
    expect(page.locator("#state")).to_have_text("Ban Dân vận thẩm định")
    check(head, axe, f"{size}-24-head-approved")


def test_a_council_member_scores_and_the_running_total_stays_in_sight(
    e2e_world, login, axe, size
):
    from tests.workflows.conftest import advance, draft

    initiative = advance(e2e_world, draft(e2e_world), "scoring")
    member = login("member1", SIZES[size])
    page = member.page
    menu_link(member, "Nhiệm vụ").click()
    page.wait_for_url(re.compile(r"/nhiem-vu/$"))
    page.get_by_role("row").filter(has_text=TITLE).get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Chấm điểm", exact=True).click()
    page.wait_for_url(re.compile(rf"/mo-hinh/{initiative.pk}/thao-tac/score/$"))
    check(member, axe, f"{size}-31-score-sheet-empty")
    inputs = page.locator("input.score")
    total = page.locator("#running-total")
    points = 0.0
    tab_to(page, inputs.first)
    for i in range(inputs.count()):
        expect(inputs.nth(i)).to_be_focused()
        value = round(float(inputs.nth(i).get_attribute("data-max")) * 0.9, 2)
        points += value
        page.keyboard.type(f"{value:g}".replace(".", ","))
        expect(total).to_have_text(f"{round(points, 2):g}".replace(".", ","))
        expect(total).to_be_in_viewport()  # the sheet's footer sticks to the window's bottom
        if i == 1:
            member.shot(f"{size}-32-score-sheet-window", full_page=False)
        page.keyboard.press("Tab")
    expect(page.locator("#pass-state")).to_have_text("(đạt)")
    no_sideways_scroll(page)
    check(member, axe, f"{size}-33-score-sheet-filled")
    tab_to(page, page.get_by_role("button", name="Xác nhận: Chấm điểm"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Đã thực hiện “Chấm điểm”.")).to_be_visible()


def test_a_staff_member_registers_a_model(e2e_world, login, axe, size, tmp_path):
    evidence = tmp_path / "minh-chung.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% minh chung\n")
    staff = login("staff", SIZES[size])
    page = staff.page
    menu_link(staff, "Đơn vị tôi").click()
    expect(page.get_by_text("còn thiếu 1 mô hình")).to_be_visible()
    check(staff, axe, f"{size}-41-unit-dashboard")
    page.get_by_role("link", name="Đăng ký mô hình mới").first.click()
    page.get_by_role("button", name="Lưu bản đăng ký").click()  # nothing filled in
    expect(page.locator(".errorlist").first).to_have_text("Trường này là bắt buộc.")
    check(staff, axe, f"{size}-42-registration-errors")
    page.get_by_label("Lĩnh vực").select_option("kinh_te")
    page.get_by_label("Tên mô hình, điển hình").fill(TITLE)
    page.get_by_label("Hình thức").select_option("collective")
    page.get_by_label("Địa chỉ").fill("Thôn Đồng Tâm, xã Tân Lập")
    page.get_by_label("Mô hình giải quyết vấn đề gì").fill("Đường làng nhiều rác, thiếu đèn")
    page.get_by_label("Tổ chức, cá nhân thực hiện").fill("Chi hội Phụ nữ và Đoàn thanh niên")
    page.get_by_label("Dự kiến kết quả").fill("3 km đường sáng, xanh, sạch")
    page.get_by_label("Loại").select_option("new")
    page.get_by_label("Tệp minh chứng").set_input_files(str(evidence))
    no_sideways_scroll(page)
    page.get_by_role("button", name="Lưu bản đăng ký").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("#state")).to_have_text("Dự thảo")
    check(staff, axe, f"{size}-43-registered")
    page.get_by_role("link", name="Gửi thủ trưởng duyệt", exact=True).click()
    page.get_by_role("button", name="Xác nhận: Gửi thủ trưởng duyệt").click()
    expect(page.locator("#state")).to_have_text("Chờ thủ trưởng duyệt")
    menu_link(staff, "Đơn vị tôi").click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Chờ thủ trưởng")
    check(staff, axe, f"{size}-44-unit-dashboard-registered")


def test_the_notifications_page_reads_and_marks_as_read(e2e_world, login, axe, size):
    from tests.workflows.conftest import draft
    from workflows import services

    for n in range(2):
        services.perform(draft(e2e_world, title=f"{TITLE} {n}").pk, "submit", actor=e2e_world.staff)
    pending = Outbox.objects.filter(recipient=e2e_world.head, status=Outbox.Status.PENDING)
    delivery.deliver_rows(list(pending.values_list("pk", flat=True)))
    head = login("head", SIZES[size])
    page = head.page
    if size == "phone":  # the unread count shows on the closed menu
        expect(page.locator("header .menu > summary")).to_contain_text("2")
    menu_link(head, re.compile(r"^Thông báo, 2 chưa đọc")).click()
    page.wait_for_url(re.compile(r"/thong-bao/$"))
    check(head, axe, f"{size}-51-notifications")
    mark = page.get_by_role("button", name="Đánh dấu đã đọc")
    expect(mark).to_have_count(2)
    tab_to(page, mark.first)
    page.keyboard.press("Enter")
    expect(mark).to_have_count(1)
    check(head, axe, f"{size}-52-notifications-one-read")
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    expect(mark).to_have_count(0)
    page.get_by_role("link", name=re.compile(rf"{re.escape(TITLE)} 1")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)


@pytest.mark.parametrize("width", ["360", "phone", "desktop"])
def test_every_main_page_fits_the_window_and_passes_axe(e2e_world, login, axe, width):
    from tests.workflows.conftest import advance, draft
    from workflows import audit, services

    world = e2e_world
    viewport = SMALLEST if width == "360" else SIZES[width]
    done = advance(world, draft(world, title=f"{TITLE} đã khen thưởng"), "commended")
    waiting = services.perform(draft(world).pk, "submit", actor=world.staff)
    advance(world, draft(world, title=f"{TITLE} thẩm định"), "screening")
    scoring = advance(world, draft(world, title=f"{TITLE} chấm điểm"), "scoring")
    pending = Outbox.objects.filter(status=Outbox.Status.PENDING)
    delivery.deliver_rows(list(pending.values_list("pk", flat=True)))
    audit.verify_and_record()
    pages = {
        None: ["/dang-nhap/", "/cong-khai/", f"/cong-khai/{done.pk}/"],
        "head": [
            "/",
            "/nhiem-vu/",
            "/nhiem-vu/?tab=archive",
            "/mo-hinh/",
            f"/mo-hinh/{waiting.pk}/",
            f"/mo-hinh/{waiting.pk}/thao-tac/approve/",
            f"/mo-hinh/{waiting.pk}/thao-tac/return/",
            "/don-vi/",
            "/mo-hinh/dang-ky/",
            "/thong-bao/",
            "/thong-bao/cai-dat/",
            "/bieu-mau/",
            "/cong-khai/",
        ],
        "reviewer": ["/nhiem-vu/?tab=queue", "/bao-cao/"],
        "member1": [f"/mo-hinh/{scoring.pk}/thao-tac/score/"],
        "leader": [
            "/dot-thi-dua/",
            "/dot-thi-dua/moi/",
            f"/mo-hinh/{done.pk}/",
            "/bieu-mau/",
            "/cong-khai/",
            f"/cong-khai/{done.pk}/",
            # This round's pages: plans, periodic reports, levels, past years, documents.
            "/ke-hoach/",
            "/ke-hoach/moi/",
            "/bao-cao-dinh-ky/",
            "/cap-tren-cap-duoi/",
            "/cac-nam-truoc/nhap/",
            f"/dot-thi-dua/{world.campaign.pk}/van-ban/",
        ],
        "auditor": ["/nhat-ky/", "/nhat-ky/kiem-tra-chuoi/"],
    }
    cards = 0
    for who, paths in pages.items():
        s = login(who, viewport)
        for path in paths:
            response = s.page.goto(path)
            assert response.status == 200, path
            slug = re.sub(r"[^a-z0-9]+", "-", f"{who or 'anyone'}{path}").strip("-")
            cards += check(s, axe, f"{width}-60-{slug}")
    assert (cards > 50) == (width != "desktop"), cards  # lists are cards on phones only
