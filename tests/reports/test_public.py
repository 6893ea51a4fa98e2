"""The public list: only recognised and commended models, no personal data, open to all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from workflows.models import Initiative, Kind

pytestmark = pytest.mark.django_db

PEOPLE = {
    "staff": ("Phạm Thị Nhập Liệu", "nhaplieu@snn.example.vn"),
    "head": ("Lê Văn Thủ Trưởng", "thutruong@snn.example.vn"),
    "reviewer": ("Đỗ Thị Thẩm Định", "thamdinh@bdv.example.vn"),
    "leader": ("Hoàng Văn Lãnh Đạo", "lanhdao@bdv.example.vn"),
    "member1": ("Vũ Văn Hội Đồng", "hoidong@bdv.example.vn"),
}


@pytest.fixture
def published(year_of_data):
    for username, (name, email) in PEOPLE.items():
        User.objects.filter(username=username).update(full_name=name, email=email)
    return year_of_data


def _names_absent(html: str) -> None:
    for name, email in PEOPLE.values():
        assert name not in html and email not in html
    # The individual exemplar's person, and the decision's signer.
    assert "Trần Thị Bình" not in html and "Tổ trưởng tổ dân phố" not in html
    assert "Nguyễn Văn Ký" not in html


def test_the_list_shows_only_recognised_and_commended_models_without_signing_in(published, client):
    response = client.get(reverse("reports:public_list"))
    html = response.content.decode()
    assert response.status_code == 200
    shown = {t for t in (i.title for i in Initiative.objects.all()) if t in html}
    assert shown == {"A — chợ nông sản sạch", "B — người tổ trưởng tận tụy"}
    _names_absent(html)


def test_each_page_publishes_the_decision_but_no_person(published, client):
    data = published
    a, b = data.initiatives["a"], data.initiatives["b"]
    html = client.get(reverse("reports:public_detail", args=[a.pk])).content.decode()
    assert "12-QĐ/BDVTU" in html and "70/QĐ-UBND" in html and "Chủ tịch UBND tỉnh" in html
    assert "120 hộ tham gia" in html
    _names_absent(html)
    html = client.get(reverse("reports:public_detail", args=[b.pk])).content.decode()
    assert "B — người tổ trưởng tận tụy" in html
    _names_absent(html)


@pytest.mark.parametrize("key", ["c", "d", "e", "f"])
def test_models_not_recognised_are_not_found(published, client, key):
    pk = published.initiatives[key].pk
    assert client.get(reverse("reports:public_detail", args=[pk])).status_code == 404


def test_search_and_filters(published, client):
    url = reverse("reports:public_list")
    year = published.world.year

    def titles(**params):
        html = client.get(url, params).content.decode()
        return {t for t in ("A — chợ nông sản sạch", "B — người tổ trưởng tận tụy") if t in html}

    assert titles(q="chợ nông sản") == {"A — chợ nông sản sạch"}
    assert titles(field="van_hoa_xa_hoi") == {"B — người tổ trưởng tận tụy"}
    assert titles(year=year - 1) == set()
    assert titles(unit=published.world.units["dept2"].pk) == set()
    assert len(titles(unit=published.world.units["dept"].pk, year=year)) == 2


def test_pagination(published, client, settings):
    from reports import views

    views.PUBLIC_PAGE_SIZE, saved = 1, views.PUBLIC_PAGE_SIZE
    try:
        html = client.get(reverse("reports:public_list"), {"field": ""}).content.decode()
        assert "Trang 1/2" in html and "page=2" in html
    finally:
        views.PUBLIC_PAGE_SIZE = saved


def test_a_unit_user_starts_a_replication(published, client):
    world = published.world
    source = published.initiatives["a"]
    client.force_login(world.other_staff)
    page = client.get(reverse("reports:public_detail", args=[source.pk])).content.decode()
    assert reverse("reports:replicate", args=[source.pk]) in page
    response = client.post(
        reverse("reports:replicate", args=[source.pk]), {"unit": world.units["dept2"].pk}
    )
    copy = Initiative.objects.latest("pk")
    assert response.url == reverse("workflows:initiative_detail", args=[copy.pk])
    assert (copy.unit, copy.state, copy.kind, copy.replicates_id) == (
        world.units["dept2"],
        "draft",
        Kind.REPLICATION,
        source.pk,
    )
    assert copy.audit_entries.filter(action="create").exists()


def test_replication_needs_sign_in_and_a_unit_role(published, client):
    source = published.initiatives["a"]
    url = reverse("reports:replicate", args=[source.pk])
    before = Initiative.objects.count()
    assert client.post(url, {"unit": published.world.units["dept2"].pk}).status_code == 302
    client.force_login(published.world.reviewer)
    assert client.post(url, {"unit": published.world.units["dept2"].pk}).status_code == 404
    client.force_login(published.world.other_staff)
    # Not the person's unit.
    assert client.post(url, {"unit": published.world.units["dept"].pk}).status_code == 404
    assert Initiative.objects.count() == before


def test_the_public_list_costs_a_fixed_number_of_queries(
    published, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert client.get(reverse("reports:public_list")).status_code == 200
