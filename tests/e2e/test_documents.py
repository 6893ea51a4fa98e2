"""Issue #17 in the browser: the leader picks the models (those over the pass mark ticked),
gives the decision its number, downloads the PDF, uploads it signed and sees every model
recognised with "chữ ký số hợp lệ: <người ký>"; the pages pass axe, on a phone as well."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.awards.conftest import scored
from tests.documents.pki import make_authority, sign_pdf
from tests.e2e.conftest import PHONE
from tests.e2e.test_phone_and_a11y import check
from workflows.models import Initiative, State

pytestmark = pytest.mark.timeout(240)


def test_the_leader_turns_the_councils_results_into_a_signed_decision(
    e2e_world, login, axe, settings, tmp_path
):
    world = e2e_world
    authority = make_authority()
    settings.DOCUMENT_TRUST_ROOTS_DIR = tmp_path / "roots"
    authority.write_root(settings.DOCUMENT_TRUST_ROOTS_DIR)
    good, weak = scored(world, over=2, under=1)

    s = login("leader")
    page = s.page
    page.goto("/dot-thi-dua/")
    page.get_by_role("link", name=re.compile("Quyết định, tờ trình của đợt thi đua")).click()
    page.get_by_role("link", name="Lập quyết định công nhận").click()
    for m in good:
        expect(page.get_by_role("checkbox", name=m.title)).to_be_checked()
    expect(page.get_by_role("checkbox", name=weak[0].title)).not_to_be_checked()
    check(s, axe, "desktop-70-decision-pick")

    page.get_by_role("checkbox", name=weak[0].title).check()
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.locator(f"#reason_{weak[0].pk}_error")).to_contain_text("cần nêu lý do")
    page.get_by_label(f"Lý do công nhận “{weak[0].title}”").fill("Mô hình ở vùng khó khăn")
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.locator("#award-status")).to_have_text("Dự thảo")
    expect(page.locator("#items tbody tr")).to_have_count(3)

    page.get_by_role("button", name="Cấp số").click()
    expect(page.locator("#number")).to_have_text("1-QĐ/BDVTU")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF").click()
    printed = download.value.path().read_bytes()
    assert printed.startswith(b"%PDF")
    signed = tmp_path / "quyet-dinh-da-ky.pdf"
    signed.write_bytes(sign_pdf(printed, authority))

    page.get_by_label("Tệp PDF đã ký").set_input_files(str(signed))
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator("#award-status")).to_have_text("Đã ghi nhận")
    expect(page.locator("#signature")).to_contain_text("chữ ký số hợp lệ: Nguyễn Văn Ánh")
    check(s, axe, "desktop-71-decision-recorded")
    assert set(
        Initiative.objects.filter(pk__in=[m.pk for m in [*good, *weak]]).values_list(
            "state", flat=True
        )
    ) == {State.RECOGNIZED}

    page.get_by_role("link", name=good[0].title).click()
    expect(page.locator("#award-docs")).to_contain_text("chữ ký số hợp lệ: Nguyễn Văn Ánh")
    with page.expect_download() as certificate:
        page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    assert certificate.value.path().read_bytes().startswith(b"%PDF")

    phone = login("leader", PHONE)
    award_path = f"/dot-thi-dua/{world.campaign.pk}/van-ban/"
    phone.page.goto(award_path)
    check(phone, axe, "phone-72-decisions")
    phone.page.get_by_role("link", name="Quyết định công nhận", exact=True).click()
    check(phone, axe, "phone-73-decision")
