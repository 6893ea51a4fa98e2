"""Onboarding a province (issue #13): its own units and people files import without edits, a
dry run says what a file would do, the blank files carry the accepted values."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from units.models import Membership, Role, Unit, UnitKind
from units.services import ImportRejected, fold, import_people, import_units, read_table

from .helpers import csv_file, xlsx_file

pytestmark = pytest.mark.django_db
User = get_user_model()


IMPORT_URL = "admin:units_unit_import"
PASSWORD = "dan-van-kheo-2026"

# A province's units file as its office writes it: its own column order and headers, a row
# number and a notes column, kinds in Vietnamese (mixed case, with or without marks) and the
# short codes of its old spreadsheets. No "Là Ban Dân vận" column.
PROVINCE_UNITS = [
    ["STT", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Ghi chú"],
    [1, "TU", "Tỉnh ủy Hòa Bình", "Tỉnh ủy", "", "cấp tỉnh"],
    [2, "BDVTU", "Ban Dân vận Tỉnh ủy", "Ban Dân vận", "TU", ""],
    [3, "BTCTU", "Ban Tổ chức Tỉnh ủy", "ban_dang", "TU", ""],
    [4, "SNN", "Sở Nông nghiệp và Môi trường", "SỞ", "TU", ""],
    [5, "SYT", "Sở Y tế", "sở/ngành", "TU", "sáp nhập 2025"],
    [6, "SNN_P1", "Phòng Kế hoạch - Tài chính", "Phòng", "SNN", ""],
    [7, "SNN_CC", "Chi cục Thủy lợi", "phong", "SNN", ""],
    [8, "MTTQ", "Ủy ban MTTQ Việt Nam tỉnh", "Mặt trận", "TU", ""],
    [9, "HND", "Hội Nông dân tỉnh", "đoàn thể", "MTTQ", ""],
    [10, "XA01", "Đảng ủy xã Mai Châu", "Đảng ủy xã", "TU", ""],
    [11, "XA02", "Đảng ủy xã Tân Lạc", "dang_uy_xa", "TU", ""],
    [12, "PH01", "Đảng ủy phường Kỳ Sơn", "Đảng uỷ phường", "TU", ""],
    [13, "XA01_CB1", "Chi bộ xóm Chiềng", "chi bộ", "XA01", ""],
    [14, "UBND", "UBND tỉnh", "UBND", "TU", ""],
]
EXPECTED_KINDS = {
    "TU": UnitKind.PARTY_COMMITTEE,
    "BDVTU": UnitKind.MASS_MOBILISATION_BOARD,
    "BTCTU": UnitKind.PARTY_BOARD,
    "SNN": UnitKind.DEPARTMENT,
    "SYT": UnitKind.DEPARTMENT,
    "SNN_P1": UnitKind.OFFICE,
    "SNN_CC": UnitKind.OFFICE,
    "MTTQ": UnitKind.FATHERLAND_FRONT,
    "HND": UnitKind.MASS_ORGANISATION,
    "XA01": UnitKind.COMMUNE_PARTY_COMMITTEE,
    "XA02": UnitKind.COMMUNE_PARTY_COMMITTEE,
    "PH01": UnitKind.COMMUNE_PARTY_COMMITTEE,
    "XA01_CB1": UnitKind.PARTY_CELL,
    "UBND": UnitKind.PEOPLES_COMMITTEE,
}

# Its people file: roles in Vietnamese as the office says them.
PROVINCE_PEOPLE = [
    ["STT", "Họ và tên", "Tên đăng nhập", "Email", "Mã đơn vị", "Vai trò", "Chức vụ", "Ghi chú"],
    [1, "Trần Văn Hùng", "giamdoc.snn", "Hung.TV@HoaBinh.gov.vn", "SNN", "Thủ trưởng", "GĐ", ""],
    [2, "Nguyễn Thị Lan", "canbo.snn", "lan@hoabinh.gov.vn", "SNN", "cán bộ", "", ""],
    [3, "Lê Văn Minh", "chuyenvien.bdv", "minh@hoabinh.gov.vn", "BDVTU", "CHUYÊN VIÊN", "", ""],
    [4, "Phạm Thị Hoa", "truongban.bdv", "hoa@hoabinh.gov.vn", "BDVTU", "truong_ban", "", ""],
    [5, "Phạm Thị Hoa", "truongban.bdv", "", "BDVTU", "Hội đồng", "", "kiêm"],
    [6, "Đỗ Văn Kiên", "kiemtra.bdv", "", "BDVTU", "kiểm tra", "", "chưa có email"],
]


def rows_of(handle) -> list[dict]:
    return read_table(handle, handle.name)


def counts() -> tuple[int, int, int]:
    return Unit.objects.count(), User.objects.count(), Membership.objects.count()


def province_units(make_file=xlsx_file):
    return make_file(PROVINCE_UNITS, name="don_vi_tinh.xlsx" if make_file is xlsx_file else "a.csv")


@pytest.fixture
def province():
    import_units(rows_of(province_units()))
    return Unit.objects.get(code="TU")


@pytest.fixture
def admin_client_(client):
    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    return client


# --- the province's own files ----------------------------------------------------------------


@pytest.mark.parametrize("make_file", [xlsx_file, csv_file], ids=["xlsx", "csv"])
def test_a_province_units_file_imports_without_edits(make_file):
    result = import_units(rows_of(province_units(make_file)))

    assert result.created == len(EXPECTED_KINDS)
    assert dict(Unit.objects.values_list("code", "kind")) == EXPECTED_KINDS
    # Without an is_committee column the Ban Dân vận is the committee; nobody else is.
    assert list(Unit.objects.filter(is_committee=True).values_list("code", flat=True)) == ["BDVTU"]
    assert Unit.objects.get(code="SNN_CC").get_parent().code == "SNN"


def test_a_province_people_file_imports_without_edits(province):
    result = import_people(rows_of(xlsx_file(PROVINCE_PEOPLE, name="can_bo.xlsx")))

    assert (result.created, result.memberships_created) == (5, 6)
    roles = set(Membership.objects.values_list("user__username", "unit__code", "role"))
    assert roles == {
        ("giamdoc.snn", "SNN", Role.UNIT_HEAD),
        ("canbo.snn", "SNN", Role.UNIT_STAFF),
        ("chuyenvien.bdv", "BDVTU", Role.COMMITTEE_REVIEWER),
        ("truongban.bdv", "BDVTU", Role.COMMITTEE_LEADER),
        ("truongban.bdv", "BDVTU", Role.COUNCIL_MEMBER),
        ("kiemtra.bdv", "BDVTU", Role.AUDITOR),
    }
    assert result.usernames == [
        "giamdoc.snn",
        "canbo.snn",
        "chuyenvien.bdv",
        "truongban.bdv",
        "kiemtra.bdv",
    ]
    assert not User.objects.get(username="canbo.snn").has_usable_password()


def test_every_spelling_names_one_choice_and_is_accepted():
    from units.services import kind_map, role_map
    from units.spellings import KIND_SPELLINGS, ROLE_SPELLINGS

    for spellings, lookup in ((KIND_SPELLINGS, kind_map()), (ROLE_SPELLINGS, role_map())):
        owner: dict[str, str] = {}
        for code, names in spellings.items():
            for name in names:
                assert owner.setdefault(fold(name), code) == code, f"{name} names two choices"
                assert lookup[fold(name)] == code, name
    # Labels and codes, in both languages, still work.
    assert kind_map()[fold("Phòng, đơn vị trực thuộc")] == UnitKind.OFFICE
    assert kind_map()[fold("COMMUNE_PARTY_COMMITTEE")] == UnitKind.COMMUNE_PARTY_COMMITTEE
    assert role_map()[fold("Head of unit")] == Role.UNIT_HEAD


def test_an_unknown_kind_is_refused_with_the_accepted_values():
    rows = [
        *PROVINCE_UNITS,
        [15, "SO_X", "Bộ X", "Bộ", "TU", ""],
        [16, "SO_Y", "Y", "??", "TU", ""],
    ]

    with pytest.raises(ImportRejected) as excinfo:
        import_units(rows_of(xlsx_file(rows)))

    assert [str(e) for e in excinfo.value.errors] == [
        "Dòng 16: không có loại đơn vị “Bộ”.",
        "Dòng 17: không có loại đơn vị “??”.",
    ]
    (hint,) = excinfo.value.hints  # once for the file, not once per row
    for accepted in ("Đảng ủy xã", "commune_party_committee", "Sở", "Phòng", "Chi bộ", "MTTQ"):
        assert accepted in hint
    assert hint in str(excinfo.value)
    assert Unit.objects.count() == 0


def test_an_unknown_role_is_refused_with_the_accepted_values(province):
    rows = [PROVINCE_PEOPLE[0], [1, "A", "a", "", "SNN", "bảo vệ", "", ""]]
    with pytest.raises(ImportRejected) as excinfo:
        import_people(rows_of(xlsx_file(rows)))
    assert [str(e) for e in excinfo.value.errors] == ["Dòng 2: không có vai trò “bảo vệ”."]
    assert "Thủ trưởng đơn vị (unit_head, Thủ trưởng" in excinfo.value.hints[0]


# --- dry run ---------------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_says_what_would_happen():
    result = import_units(rows_of(province_units()), dry_run=True)

    assert counts() == (0, 0, 0)
    assert (result.created, result.updated, result.unchanged, result.refused) == (14, 0, 0, 0)
    assert "14 đơn vị sẽ tạo mới" in result.units_message()
    assert str(result.changes[0]) == "Dòng 2: TU — Tỉnh ủy Hòa Bình (Cấp ủy (Tỉnh ủy, Đảng ủy))"

    import_units(rows_of(province_units()))
    changed = [r[:] for r in PROVINCE_UNITS]
    changed[4][2] = "Sở Nông nghiệp và Môi trường tỉnh Hòa Bình"  # SNN renamed
    changed.append([15, "SNN_P2", "Phòng Tổ chức", "phòng", "SNN", ""])
    changed.append([16, "SNN_P3", "Phòng Ba", "Bộ", "SNN", ""])  # refused
    before = counts()

    result = import_units(rows_of(xlsx_file(changed)), dry_run=True)

    assert counts() == before
    assert Unit.objects.get(code="SNN").name == "Sở Nông nghiệp và Môi trường"
    assert (result.created, result.updated, result.unchanged, result.refused) == (1, 1, 13, 1)
    assert [str(e) for e in result.errors] == ["Dòng 17: không có loại đơn vị “Bộ”."]
    assert result.hints
    (update,) = result.of("update")
    assert update.details == "tên: Sở Nông nghiệp và Môi trường tỉnh Hòa Bình"
    assert "1 dòng bị từ chối" in result.units_message()
    assert "sẽ không nhập dòng nào" in result.units_message()


def test_a_people_dry_run_writes_nothing(province):
    before = counts()
    rows = [*PROVINCE_PEOPLE, [7, "Ai Đó", "ai.do", "", "KHONG_CO", "cán bộ", "", ""]]

    result = import_people(rows_of(xlsx_file(rows)), dry_run=True)

    assert counts() == before
    assert (result.created, result.memberships_created, result.refused) == (5, 6, 1)
    assert [str(e) for e in result.errors] == ["Dòng 8: không tìm thấy đơn vị có mã “KHONG_CO”."]
    assert "5 người sẽ tạo mới" in result.people_message()


def test_the_commands_dry_run(tmp_path, capsys):
    units_path = tmp_path / "don_vi.xlsx"
    units_path.write_bytes(province_units().getvalue())
    people_path = tmp_path / "can_bo.xlsx"
    people_path.write_bytes(xlsx_file(PROVINCE_PEOPLE).getvalue())

    call_command("import_units", str(units_path), "--dry-run")
    assert "14 đơn vị sẽ tạo mới" in capsys.readouterr().out
    assert counts() == (0, 0, 0)

    call_command("import_units", str(units_path))
    call_command("import_people", str(people_path), "--dry-run")
    assert "5 người sẽ tạo mới" in capsys.readouterr().out
    assert counts()[1:] == (0, 0)

    bad = tmp_path / "sai.csv"
    bad.write_text("code,name,kind,parent_code\nX,X,Bộ,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_units", str(bad), "--dry-run")
    assert "Đảng ủy xã" in capsys.readouterr().err


# --- the blank files and the import page -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "column", "values"),
    [("don-vi", "D", ["Đảng ủy xã, phường", "Sở, ban, ngành"]), ("can-bo", "E", ["Chuyên viên"])],
)
def test_the_blank_files_download_with_a_drop_down_of_accepted_values(
    admin_client_, kind, column, values
):
    response = admin_client_.get(reverse("admin:units_unit_import_template", args=[kind]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet, catalogue = book.worksheets[0], book["Danh mục"]
    listed = [c.value for c in catalogue["A"][1:] if c.value]
    assert all(any(v in item for item in listed) for v in values)
    validations = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    choice = next(v for v in validations if "Danh mục" in v.formula1)
    assert str(choice.sqref).startswith(f"{column}2:")
    assert sheet.cell(row=2, column=1).value  # the example row

    # What the blank file holds is what the import reads: the headers all match.
    handle = io.BytesIO(response.content)
    handle.name = f"{kind}.xlsx"
    importer = import_units if kind == "don-vi" else import_people
    result = importer(read_table(handle, handle.name), dry_run=True)
    assert all(e.row != 1 for e in result.errors), result.errors


def test_the_import_page_lists_accepted_values_and_links_the_blank_files(admin_client_):
    page = admin_client_.get(reverse(IMPORT_URL)).content.decode()
    assert reverse("admin:units_unit_import_template", args=["don-vi"]) in page
    assert reverse("admin:units_unit_import_template", args=["can-bo"]) in page
    assert "Đảng ủy xã" in page and "commune_party_committee" in page
    assert "Thủ trưởng" in page and "committee_leader" in page
    assert "Kiểm tra trước" in page


def test_the_import_page_dry_run_writes_nothing(admin_client_):
    response = admin_client_.post(
        reverse(IMPORT_URL),
        {"kind": "units", "units-file": province_units(), "dry_run": "Kiểm tra trước"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "14 đơn vị sẽ tạo mới" in page
    assert "XA02 — Đảng ủy xã Tân Lạc" in page
    assert Unit.objects.count() == 0

    bad = xlsx_file([*PROVINCE_UNITS, [15, "SO_X", "Bộ X", "Bộ", "TU", ""]])
    response = admin_client_.post(
        reverse(IMPORT_URL), {"kind": "units", "units-file": bad, "dry_run": "1"}
    )
    page = response.content.decode()
    assert "Dòng 16: không có loại đơn vị “Bộ”." in page
    assert "Loại đơn vị được chấp nhận" in page
    assert Unit.objects.count() == 0
