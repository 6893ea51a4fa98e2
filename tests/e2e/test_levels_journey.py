"""Levels in a real browser (issue #15): a commune's model goes from draft to recognised at
the commune, its committee's leader nominates it from the "Cấp trên, cấp dưới" page, the
province screens, scores and recognises it; both levels read the link and the result on their
pages; the other commune gets 404 at both levels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from notifications import delivery
from notifications.models import Outbox
from tests.workflows.conftest import REGISTRATION
from workflows import services

from .test_journeys import do, nav, open_task, state

pytestmark = pytest.mark.timeout(240)

TITLE = REGISTRATION["title"]


@pytest.fixture
def levels_world(transactional_db):
    from tests.workflows.levels_world import build_levels_world

    return build_levels_world()


def score(s, fraction: float) -> None:
    s.page.get_by_role("link", name="Chấm điểm", exact=True).click()
    inputs = s.page.locator("input.score")
    expect(inputs.first).to_be_visible()  # the score page has loaded before its inputs are counted
    for i in range(inputs.count()):
        maximum = float(inputs.nth(i).get_attribute("data-max"))
        inputs.nth(i).fill(f"{round(maximum * fraction, 2):g}".replace(".", ","))
    s.page.get_by_role("button", name="Xác nhận: Chấm điểm").click()
    s.page.get_by_text("Đã thực hiện “Chấm điểm”.").wait_for()


def decide(p) -> None:
    p.get_by_label("Số quyết định công nhận").fill("05-QĐ/BDV")
    p.get_by_label("Ngày quyết định").fill("01/09/2026")
    p.get_by_label("Người ký").fill("Đinh Văn B")


def test_a_commune_model_is_nominated_and_recognised_at_the_province(levels_world, login):
    lw = levels_world
    draft = services.create_initiative(
        unit=lw.units["hnd_x1"], actor=lw.x1_staff, year=lw.year, **REGISTRATION
    )

    # ---- At the commune: submitted, approved, accepted, reported, scored, recognised.
    staff = login("x1_staff")
    staff.page.goto(f"/mo-hinh/{draft.pk}/")
    do(staff, "Gửi thủ trưởng duyệt")
    head = login("x1_head")
    open_task(head, TITLE)
    do(head, "Duyệt, ký gửi Ban Dân vận")
    reviewer = login("x1_reviewer")
    open_task(reviewer, TITLE)
    do(reviewer, "Chấp nhận đăng ký")
    head.page.reload()
    do(head, "Đề nghị công nhận", lambda p: p.get_by_label("Kết quả đạt được").fill("200 hộ"))
    member = login("x1_member")
    open_task(member, TITLE)
    score(member, 0.9)
    leader = login("x1_leader")
    open_task(leader, TITLE)
    do(leader, "Kết thúc chấm điểm")
    do(leader, "Công nhận", decide)
    assert state(leader) == "Đã công nhận"

    # ---- The commune's leader nominates it from the levels page.
    nav(leader, "Cấp trên, cấp dưới")
    page = leader.page
    expect(page.get_by_text(re.compile(r"đã đề cử 0/3 mô hình"))).to_be_visible()
    page.get_by_role("link", name="Đề cử lên cấp trên").click()
    page.get_by_role("button", name="Xác nhận: Đề cử lên cấp trên").click()
    page.get_by_text("Đã thực hiện “Đề cử lên cấp trên”.").wait_for()
    assert state(leader) == "Đã công nhận"  # it stays recognised at its level
    expect(page.locator("#nominated-to")).to_contain_text("Ban Tuyên giáo và Dân vận Tỉnh ủy A")
    expect(page.locator("#nominated-to")).to_contain_text("Ban Dân vận thẩm định")
    commune_url = page.url
    leader.shot("levels-01-commune-nominated")

    # ---- At the province: the reviewer accepts, the council scores, the leader recognises.
    p_reviewer = login("p_reviewer")
    open_task(p_reviewer, TITLE)
    expect(p_reviewer.page.locator("#nominated-from")).to_contain_text("Ban Dân vận Đảng ủy xã")
    do(p_reviewer, "Chấp nhận đề cử")
    assert state(p_reviewer) == "Hội đồng chấm điểm"
    province_url = p_reviewer.page.url
    p_member = login("p_member")
    open_task(p_member, TITLE)
    score(p_member, 0.85)
    p_leader = login("p_leader")
    open_task(p_leader, TITLE)
    do(p_leader, "Kết thúc chấm điểm")
    do(p_leader, "Công nhận", decide)
    assert state(p_leader) == "Đã công nhận"
    p_leader.shot("levels-02-province-recognised")

    # ---- Both levels read the result and the link; the commune was told.
    leader.page.goto(commune_url)
    expect(leader.page.locator("#nominated-to")).to_contain_text("Đã công nhận")
    timeline = leader.page.locator("table.timeline tbody")
    expect(timeline.get_by_role("cell", name="Đề cử lên cấp trên", exact=True)).to_be_visible()
    leader.page.locator("#nominated-to").get_by_role("link").click()
    leader.page.wait_for_url(province_url)
    expect(
        leader.page.locator("table.timeline tbody").get_by_role(
            "cell", name="Nhận đề cử từ cấp dưới", exact=True
        )
    ).to_be_visible()
    pending = Outbox.objects.filter(recipient=lw.x1_leader, status=Outbox.Status.PENDING)
    delivery.deliver_rows(list(pending.values_list("pk", flat=True)))
    leader.page.goto("/thong-bao/")
    expect(leader.page.get_by_text("Mô hình đã đề cử lên cấp trên").first).to_be_visible()
    leader.shot("levels-03-commune-reads-province")

    # ---- The other commune: 404 at both levels.
    outsider = login("x2_leader")
    for url in (commune_url, province_url):
        response = outsider.page.goto(url)
        assert response.status == 404
