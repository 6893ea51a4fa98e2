"""The admin: the tree, the "Thuộc đơn vị" filter and the import page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from units.models import Membership, Role, Unit, UnitKind

from .helpers import csv_file, member, unit, xlsx_file

pytestmark = pytest.mark.django_db
User = get_user_model()
IMPORT_URL = "admin:units_unit_import"


@pytest.fixture
def admin_client_(client):
    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    return client


@pytest.fixture
def province():
    root = unit(None, "TU", kind=UnitKind.PARTY_COMMITTEE)
    unit(root, "BDVTU", kind=UnitKind.MASS_MOBILISATION_BOARD, committee=True)
    snn = unit(root, "SNNMT", kind=UnitKind.DEPARTMENT)
    unit(snn, "SNNMT_P01")
    xa = unit(root, "XA01", kind=UnitKind.COMMUNE_PARTY_COMMITTEE)
    unit(xa, "XA01_CB1", kind=UnitKind.PARTY_CELL)
    return root


def test_unit_changelist_links_to_the_import_page(admin_client_, province):
    response = admin_client_.get(reverse("admin:units_unit_changelist"))
    assert response.status_code == 200
    assert reverse(IMPORT_URL) in response.content.decode()
    page = admin_client_.get(reverse(IMPORT_URL)).content.decode()
    assert 'name="units-file"' in page and 'name="people-file"' in page


def test_under_unit_filter_keeps_the_subtree(admin_client_, province):
    snn = Unit.objects.get(code="SNNMT")
    response = admin_client_.get(reverse("admin:units_unit_changelist"), {"thuoc_don_vi": snn.pk})

    shown = {u.code for u in response.context["cl"].result_list}
    assert shown == {"SNNMT", "SNNMT_P01"}
    # Only the upper two levels are offered as choices.
    choices = [
        c["display"]
        for c in response.context["cl"].filter_specs[-1].choices(response.context["cl"])
    ]
    assert "— Đơn vị SNNMT" in choices
    assert not any("SNNMT_P01" in str(c) for c in choices)


def test_membership_admin_filters_by_subtree(admin_client_, province):
    user = User.objects.create_user("lan", full_name="Nguyễn Thị Lan")
    member(user, Unit.objects.get(code="SNNMT_P01"), Role.UNIT_STAFF)
    member(user, Unit.objects.get(code="XA01"), Role.UNIT_STAFF)
    xa = Unit.objects.get(code="XA01")

    response = admin_client_.get(
        reverse("admin:units_membership_changelist"), {"thuoc_don_vi": xa.pk, "q": "Lan"}
    )

    assert [m.unit.code for m in response.context["cl"].result_list] == ["XA01"]


def test_import_page_shows_bad_rows_and_changes_nothing(admin_client_, province):
    before = (Unit.objects.count(), User.objects.count(), Membership.objects.count())
    bad_units = csv_file(
        [
            ["Mã đơn vị cấp trên", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Là Ban Dân vận"],
            ["TU", "SO_MOI", "Sở mới", "department", "0"],
            ["SO_XYZ", "P1", "Phòng 1", "office", "0"],
        ]
    )

    response = admin_client_.post(reverse(IMPORT_URL), {"kind": "units", "units-file": bad_units})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dòng 3: không tìm thấy đơn vị cấp trên có mã “SO_XYZ”." in page
    assert (Unit.objects.count(), User.objects.count(), Membership.objects.count()) == before

    bad_people = xlsx_file(
        [
            ["username", "full_name", "email", "unit_code", "role"],
            ["an", "Nguyễn Văn An", "", "SNNMT", "council_member"],
        ]
    )
    response = admin_client_.post(
        reverse(IMPORT_URL), {"kind": "people", "people-file": bad_people}
    )

    assert "Dòng 2: vai trò “Thành viên hội đồng” chỉ được giao tại một Ban Dân vận" in (
        response.content.decode()
    )
    assert (Unit.objects.count(), User.objects.count(), Membership.objects.count()) == before


def test_import_page_imports_a_good_file_and_says_how_many(admin_client_, province):
    good_units = xlsx_file(
        [
            ["parent_code", "code", "name", "kind", "is_committee"],
            ["SO_MOI", "SO_MOI_P1", "Phòng 1", "office", "0"],
            ["TU", "SO_MOI", "Sở mới", "Sở, ban, ngành", "0"],
        ]
    )
    response = admin_client_.post(
        reverse(IMPORT_URL), {"kind": "units", "units-file": good_units}, follow=True
    )
    assert "Đã nhập đơn vị: 2 tạo mới" in response.content.decode()
    assert Unit.objects.get(code="SO_MOI_P1").get_parent().code == "SO_MOI"

    good_people = csv_file(
        [
            ["username", "full_name", "email", "unit_code", "role"],
            ["an", "Nguyễn Văn An", "an@example.org", "SO_MOI", "unit_head"],
            ["an", "", "", "BDVTU", "Thành viên hội đồng"],
        ]
    )
    response = admin_client_.post(
        reverse(IMPORT_URL), {"kind": "people", "people-file": good_people}, follow=True
    )
    assert "Đã nhập cán bộ: 1 tạo mới" in response.content.decode()
    assert Membership.objects.filter(user__username="an").count() == 2


def test_import_page_is_for_staff_with_permission(client, province):
    client.force_login(User.objects.create_user("lan", is_staff=True))
    assert client.get(reverse(IMPORT_URL)).status_code == 403
