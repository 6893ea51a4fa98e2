"""A person a province imports gets in, in a real browser (issue #13).

The administrator checks a people file first ("Kiểm tra trước"), imports it with invitations;
the admin lists the person as "chưa kích hoạt". The person opens the link from the e-mail (read
from Django's outbox: the live server runs in this process), sets a password and signs in; the
link does not work a second time; signing in with the e-mail works too; the admin no longer
says "chưa kích hoạt". Then someone who lost their password asks for a link and sets a new one.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_contrast import CONTRAST

pytestmark = pytest.mark.timeout(180)
User = get_user_model()

NEW_PASSWORD = "dan-van-kheo-2026"
EMAIL = "Moi.HV@example.gov.vn"


def people_file(path) -> str:
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Tên đăng nhập", "Email", "Mã đơn vị", "Vai trò", "Ghi chú"])
    sheet.append([1, "Hoàng Văn Mới", "moi.snn", EMAIL, "SNN", "cán bộ", "mới chuyển về"])
    book.save(path)
    return str(path)


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


def user_row(page, username: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=username, exact=True))


def anonymous(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def sign_in(page, login: str, password: str = NEW_PASSWORD) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập hoặc email").fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name=re.compile("Xin chào")).wait_for()


def set_new_password(page, heading: str, done: str, shot: str) -> None:
    page.get_by_role("heading", name=heading).wait_for()
    assert not page.evaluate(CONTRAST)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    page.get_by_role("heading", name=done).wait_for()


def test_an_invited_person_sets_a_password_and_signs_in(
    e2e_world, login, browser, live_server, mailoutbox, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    User.objects.create_superuser("admin", "admin@example.org", "x")
    upload = people_file(tmp_path / "can_bo.xlsx")

    # ---- The administrator checks the file first: nothing is written.
    admin = login("admin")
    page = admin.page
    page.goto("/admin/units/unit/import/")
    people_form = page.locator("form").filter(has_text="2. Cán bộ và vai trò")
    people_form.locator('input[name="people-file"]').set_input_files(upload)
    people_form.get_by_role("button", name="Kiểm tra trước").click()
    page.get_by_text("1 người sẽ tạo mới").wait_for()
    assert page.get_by_role("cell", name="moi.snn — Hoàng Văn Mới").is_visible()
    assert not User.objects.filter(username="moi.snn").exists()
    admin.shot("onboarding-01-dry-run")

    # ---- Then imports it, with invitations.
    people_form = page.locator("form").filter(has_text="2. Cán bộ và vai trò")
    people_form.locator('input[name="people-file"]').set_input_files(upload)
    people_form.get_by_label("Gửi thư mời đặt mật khẩu").check()
    people_form.get_by_role("button", name="Nhập cán bộ").click()
    page.get_by_text("Đã gửi 1 thư mời đặt mật khẩu.").wait_for()
    (invitation,) = mailoutbox
    assert invitation.to == [EMAIL]

    page.goto("/admin/accounts/user/")
    assert user_row(page, "moi.snn").get_by_text("chưa kích hoạt").is_visible()
    admin.shot("onboarding-02-not-activated")

    # ---- The person opens the link, sets a password, signs in.
    context, person = anonymous(browser, live_server)
    try:
        person.goto(link_path(invitation))
        assert person.get_by_text("moi.snn").first.is_visible()
        set_new_password(
            person, "Kích hoạt tài khoản", "Đã kích hoạt tài khoản", "onboarding-03-activate"
        )
        person.get_by_role("link", name="Đăng nhập").last.click()
        sign_in(person, "moi.snn")

        # The link is spent.
        person.goto(link_path(invitation))
        person.get_by_role("heading", name="Liên kết không còn hiệu lực").wait_for()

        # The e-mail, in any case, signs in as well.
        person.get_by_role("button", name="Đăng xuất").click()
        sign_in(person, EMAIL.upper())
    finally:
        context.close()

    page.reload()
    row = user_row(page, "moi.snn")
    row.get_by_text("đã kích hoạt").wait_for()
    assert not row.get_by_text("chưa kích hoạt").count()


def test_forgot_password_from_the_sign_in_page(
    e2e_world, browser, live_server, mailoutbox, settings
):
    settings.SITE_URL = live_server.url
    e2e_world.staff.email = "staff@example.gov.vn"
    e2e_world.staff.save()

    context, page = anonymous(browser, live_server)
    try:
        page.goto("/dang-nhap/")
        page.get_by_role("link", name="Quên mật khẩu").click()
        page.get_by_role("heading", name="Quên mật khẩu").wait_for()
        assert not page.evaluate(CONTRAST)
        page.get_by_label("Email hoặc tên đăng nhập").fill("staff")
        page.get_by_role("button", name="Gửi liên kết đặt mật khẩu").click()
        page.get_by_role("heading", name="Hãy kiểm tra hộp thư").wait_for()
        (message,) = mailoutbox
        assert message.to == ["staff@example.gov.vn"]

        page.goto(link_path(message))
        set_new_password(page, "Đặt mật khẩu mới", "Đã đặt mật khẩu", "onboarding-04-new-password")
        page.get_by_role("link", name="Đăng nhập").last.click()
        sign_in(page, "staff@example.gov.vn")
    finally:
        context.close()
