"""Duplicates and replications (#13 part 4): a unit's near duplicate of the year is warned about
on the page (and may be confirmed), refused by the API unless confirmed; models of other units
and published ones with a like title are suggested as possible sources; the year of a page
registration is picked among the open campaigns (part 5)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from tests.api.conftest import Api, registration
from tests.workflows.conftest import REGISTRATION, advance, draft
from workflows import services, similar
from workflows.models import Campaign, Initiative, Kind, State

pytestmark = pytest.mark.django_db

TITLES = [
    "Dân vận khéo trong xây dựng nông thôn mới",  # the one compared with
    "Dân vận khéo xây dựng nông thôn mới",  # a near duplicate
    "dan van kheo trong xay dung nong thon moi",  # the same, typed without marks
    "Chung tay làm đường giao thông nông thôn",  # shares a few words
    "Tổ hòa giải ở cơ sở",  # nothing alike
]


def test_the_plain_measure_folds_case_and_marks_and_scores_like_pg_trgm():
    base = TITLES[0]
    assert similar.title_similarity(base, base.upper()) == 1.0
    assert similar.title_similarity(base, TITLES[2]) == 1.0  # folded: marks do not matter
    assert similar.title_similarity(base, TITLES[1]) >= similar.NEAR_DUPLICATE
    assert similar.title_similarity(base, TITLES[3]) < similar.SUGGESTED
    assert similar.title_similarity(base, TITLES[4]) < 0.05
    assert similar.trigrams("Khéo") == {"  k", " kh", "khe", "heo", "eo "}


@pytest.mark.postgres
def test_pg_trgm_and_the_plain_fallback_rank_alike(world, on_postgres, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() is not None  # created by workflows' migration
    for title in TITLES[1:]:
        draft(world, title=title)
    qs = Initiative.objects.all()

    on_pg = similar.ranked(qs, TITLES[0], threshold=0.3, limit=5)

    class Plain:
        vendor = "sqlite"

    monkeypatch.setattr(similar, "connection", Plain())
    plain = similar.ranked(qs, TITLES[0], threshold=0.3, limit=5)
    # pg_trgm keeps the marks, so the unmarked copy is far for it and equal for the fallback.
    assert [s.initiative.title for s in on_pg] == [TITLES[1]]
    assert [s.initiative.title for s in plain] == [TITLES[2], TITLES[1]]
    assert plain[0].exact and not plain[1].exact
    assert on_pg[0].similarity == pytest.approx(0.8947, abs=0.001)
    assert plain[1].similarity >= similar.NEAR_DUPLICATE


def test_the_page_warns_of_a_near_duplicate_and_saves_once_confirmed(world, client):
    first = draft(world)
    client.force_login(world.staff)
    near = {**REGISTRATION, "title": "Mô hình Dân vận khéo hỗ trợ nông dân chuyển đổi số",
            "form": "collective", "kind": "new"}  # fmt: skip
    warned = client.post(reverse("workflows:initiative_create"), near)
    html = warned.content.decode()
    assert warned.status_code == 400
    assert f"Đơn vị đã đăng ký năm {world.year} mô hình trùng hoặc gần trùng tên" in html
    assert reverse("workflows:initiative_detail", args=[first.pk]) in html
    assert 'name="allow_similar"' in html
    assert Initiative.objects.count() == 1

    confirmed = client.post(reverse("workflows:initiative_create"), {**near, "allow_similar": "on"})
    assert confirmed.status_code == 302
    assert Initiative.objects.count() == 2

    # The same title in another year's campaign, or in another unit, is no duplicate.
    assert not similar.duplicates(first.title, unit=world.units["dept2"], year=world.year)
    assert not similar.duplicates(first.title, unit=world.units["dept"], year=world.year - 1)


def test_the_api_refuses_a_duplicate_unless_told_it_is_another_model(world):
    staff = Api(world.staff)
    assert staff.post("/initiatives", registration(world)).status_code == 201
    refused = staff.post("/initiatives", registration(world))
    body = refused.json()
    assert refused.status_code == 400
    assert body["code"] == "duplicate"
    assert "trùng hoặc gần trùng tên" in body["field_errors"]["title"][0]
    assert Initiative.objects.count() == 1
    confirmed = staff.post("/initiatives", {**registration(world), "allow_similar": True})
    assert confirmed.status_code == 201
    assert Initiative.objects.count() == 2
    listed = staff.get(f"/initiatives/{confirmed.json()['id']}/similar").json()["duplicates"]
    assert [(d["title"], d["exact"]) for d in listed] == [(REGISTRATION["title"], True)]


def test_a_draft_is_told_which_models_it_may_be_replicating(world, client):
    published = advance(world, draft(world, title="Chợ nông sản sạch an toàn"), State.RECOGNIZED)
    # Another province's draft: neither published nor in the viewer's scope.
    hidden = services.create_initiative(
        unit=world.units["dept_b"], actor=world.b_staff, year=world.year,
        title="Chợ nông sản sạch an toàn của tỉnh B", field="kinh_te",
    )  # fmt: skip
    new = services.create_initiative(
        unit=world.units["dept2"], actor=world.other_staff, year=world.year,
        title="Chợ nông sản sạch an toàn ở phường", field="kinh_te",
    )  # fmt: skip
    client.force_login(world.other_staff)
    html = client.get(reverse("workflows:initiative_detail", args=[new.pk])).content.decode()
    assert "Có thể là nhân rộng của" in html
    assert reverse("reports:public_detail", args=[published.pk]) in html
    assert hidden.title not in html

    # A replication without its source hears the same; one with its source, nothing.
    services.perform(new.pk, "edit", actor=world.other_staff, fields={"kind": Kind.REPLICATION})
    html = client.get(reverse("workflows:initiative_detail", args=[new.pk])).content.decode()
    assert "Chưa chọn mô hình gốc: có thể là nhân rộng của" in html
    services.perform(new.pk, "edit", actor=world.other_staff, fields={"replicates": published})
    html = client.get(reverse("workflows:initiative_detail", args=[new.pk])).content.decode()
    assert 'id="suggestions"' not in html

    # The API says the same (GET /initiatives/{id}/similar), and 404 outside one's scope.
    services.perform(new.pk, "edit", actor=world.other_staff, fields={"replicates": None})
    answer = Api(world.other_staff).get(f"/initiatives/{new.pk}/similar")
    assert answer.status_code == 200
    assert [s["id"] for s in answer.json()["replication_sources"]] == [published.pk]
    assert answer.json()["duplicates"] == []
    assert Api(world.b_staff).get(f"/initiatives/{new.pk}/similar").status_code == 404

    ranked = similar.replication_sources(
        "Chợ nông sản sạch", actor=world.other_staff, unit=world.units["dept2"], year=world.year
    )
    assert [s.initiative for s in ranked] == [published]


def test_the_year_is_picked_among_the_open_campaigns(world, client):
    today = datetime.date.today()
    bdv = world.units["bdv"]
    Campaign.objects.create(
        committee=bdv,
        year=world.year + 1,
        registration_deadline=datetime.date(world.year + 1, 3, 31),
    )
    closed = Campaign.objects.create(
        committee=bdv,
        year=world.year - 1,
        registration_deadline=datetime.date(world.year - 1, 3, 31),
    )
    # fmt: skip
    client.force_login(world.staff)
    form = client.get(reverse("workflows:initiative_create")).context["form"]
    assert [y for y, _label in form.fields["year"].choices] == [world.year + 1, world.year]
    assert form.fields["year"].initial == world.year

    body = {**REGISTRATION, "form": "collective", "kind": "new"}
    refused = client.post(reverse("workflows:initiative_create"), {**body, "year": closed.year})
    assert refused.status_code == 400
    assert (
        f"Năm {closed.year} không có đợt thi đua đang mở đăng ký"
        in refused.context["form"].errors["year"][0]
    )
    chosen = client.post(reverse("workflows:initiative_create"), {**body, "year": world.year + 1})
    assert chosen.status_code == 302
    assert Initiative.objects.get().year == world.year + 1

    # This year's deadline passed: offered only where the committee allows late entries.
    world.campaign.registration_deadline = today - datetime.timedelta(days=1)
    world.campaign.save()
    years = [y for y, _l in client.get(reverse("workflows:initiative_create")).context["form"]
             .fields["year"].choices]  # fmt: skip
    assert years == [world.year + 1]
    world.campaign.allow_late_registration = True
    world.campaign.save()
    choices = dict(
        client.get(reverse("workflows:initiative_create")).context["form"].fields["year"].choices
    )
    assert "đăng ký muộn" in str(choices[world.year])
