"""The annual review (issue #15 part 4): a committee reviews the models it recognised in earlier
years; the unit reports, the leader records the outcome through the same door, audited; the
model page, the public list, the 5-year report and the replication suggestions follow it."""

from __future__ import annotations

import pytest
from django.test import Client

from notifications.models import Outbox
from tests.workflows.conftest import REGISTRATION
from tests.workflows.levels_world import build_levels_world, open_campaign
from workflows.levels.selectors import replicable
from workflows.models import AuditEntry, Initiative, ModelReview

from .conftest import Api


@pytest.fixture
def lw(db):
    return build_levels_world()


def _recognised(lw, year: int, title: str) -> Initiative:
    """A model recognised by the province in an earlier year (as an import of past years
    leaves it: in its final state, without a running process)."""
    campaign = open_campaign(lw, "p", year)
    return Initiative.objects.create(
        campaign=campaign,
        unit=lw.units["dept"],
        year=year,
        state="recognized",
        created_by=lw.p_staff,
        decision_number=f"{year}-QĐ/BDV",
        **{**REGISTRATION, "title": title},
    )


def test_an_annual_review_over_earlier_models_reaches_the_public_list_and_the_report(lw):
    kept = _recognised(lw, lw.year - 2, "Mô hình dân vận khéo giữ vững")
    faded = _recognised(lw, lw.year - 1, "Mô hình không còn hiệu quả")
    leader, staff = Api(lw.p_leader), Api(lw.p_staff)

    # Before a review is open, nothing to report, and the door says why.
    early = staff.act(kept.pk, "report_state", {"report": "Vẫn duy trì"})
    assert early.status_code == 409 and "chưa mở đợt đánh giá" in early.json()["message"]

    opened = leader.post("/reviews", {"committee": lw.units["bdv_tu"].pk, "year": lw.year})
    assert opened.status_code == 201, opened.json()
    review = opened.json()
    assert {m["initiative"] for m in review["models"]} == {kept.pk, faded.pk}
    assert set(Outbox.objects.filter(event="open_review").values_list("subject_id", flat=True)) == {
        kept.pk,
        faded.pk,
    }
    again = leader.post("/reviews", {"committee": lw.units["bdv_tu"].pk, "year": lw.year})
    assert again.status_code == 409
    assert Api(lw.p_staff).post("/reviews", {"committee": lw.units["bdv_tu"].pk}).status_code == 403

    # The unit reports; the leader records the outcome with a comment.
    assert "report_state" in staff.get(f"/initiatives/{kept.pk}").json()["available_actions"]
    report = staff.act(
        faded.pk, "report_state", {"report": "Ít hộ còn tham gia", "people_reached": 12}
    )
    assert report.status_code == 200, report.json()
    no_outcome = leader.act(faded.pk, "review", {"comment": "x"})
    assert no_outcome.status_code == 400 and "outcome" in no_outcome.json()["field_errors"]
    no_comment = leader.act(faded.pk, "review", {"outcome": "ineffective"})
    assert no_comment.json()["code"] == "reason_required"
    done = leader.act(faded.pk, "review", {"outcome": "ineffective", "comment": "Ngừng hoạt động"})
    assert done.status_code == 200, done.json()
    assert done.json()["review_outcome"] == "ineffective"
    assert (
        leader.act(kept.pk, "review", {"outcome": "replicate", "comment": "Tốt"}).status_code == 200
    )
    entry = ModelReview.objects.get(initiative=faded)
    assert (entry.report, entry.people_reached, entry.outcome) == (
        "Ít hộ còn tham gia",
        12,
        "ineffective",
    )
    audited = AuditEntry.objects.get(initiative=faded, action="review")
    assert audited.changes["review_outcome"] == ["", "ineffective"]
    assert audited.comment == "Ngừng hoạt động"

    # Outsiders: another committee's people get 404, the unit may not decide (403).
    assert Api(lw.x1_leader).act(faded.pk, "review", {"outcome": "replicate"}).status_code == 404
    assert Api(lw.x2_staff).get(f"/reviews/{review['id']}").status_code == 404
    assert staff.act(kept.pk, "review", {"outcome": "replicate", "comment": "x"}).status_code == 403

    # The public list drops the model no longer effective; its page keeps its history.
    public = Client().get("/cong-khai/").content.decode()
    assert kept.title in public and faded.title not in public
    # Its public page (where its certificate's QR code leads) stays, saying why it is off the
    # list, and offers no replication; a model never recognised has no public page.
    gone = Client().get(f"/cong-khai/{faded.pk}/")
    assert gone.status_code == 200
    assert f"trong lần đánh giá năm {lw.year}, mô hình được đánh giá không còn hiệu quả" in (
        gone.content.decode()
    )
    visitor = Client()
    visitor.force_login(lw.p_staff)
    replicate = "Tạo bản dự thảo nhân rộng"
    assert replicate not in visitor.get(f"/cong-khai/{faded.pk}/").content.decode()
    assert replicate in visitor.get(f"/cong-khai/{kept.pk}/").content.decode()
    assert visitor.post(f"/cong-khai/{faded.pk}/nhan-rong/", {}).status_code == 404
    page = Client()
    page.force_login(lw.p_staff)
    detail = page.get(f"/mo-hinh/{faded.pk}/").content.decode()
    assert "Không còn hiệu quả" in detail and "Ngừng hoạt động" in detail
    # Replication suggestions: the model to keep replicating first, the faded one gone.
    suggested = list(replicable())
    assert suggested[0] == kept and faded not in suggested

    # The 5-year report counts the outcomes of the year's review.
    report = leader.get(
        "/reports/committee",
        committee=lw.units["bdv_tu"].pk,
        period="years",
        year=lw.year - 4,
        to_year=lw.year,
    )
    assert report.status_code == 200, report.json()
    this_year = next(r for r in report.json()["levels"] if r["year"] == lw.year)
    assert (this_year["replicate"], this_year["ineffective"]) == (1, 1)
    # The review page lists both with their outcome; an outsider gets 404.
    page.force_login(lw.p_leader)
    shown = page.get(f"/danh-gia-hang-nam/{review['id']}/").content.decode()
    assert "Tiếp tục nhân rộng" in shown and "Ít hộ còn tham gia" in shown
    page.force_login(lw.x1_leader)
    assert page.get(f"/danh-gia-hang-nam/{review['id']}/").status_code == 404
