"""Importing the unit tree and people from spreadsheets: all rows or none."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from units.models import Membership, Role, Unit, UnitKind
from units.selectors import committee_of
from units.services import ImportRejected, import_people, import_units, read_table

from .helpers import csv_file, unit, xlsx_file

pytestmark = pytest.mark.django_db
User = get_user_model()

UNIT_HEADER = ["parent_code", "code", "name", "kind", "is_committee"]
VI_UNIT_HEADER = ["Mã đơn vị cấp trên", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Là Ban Dân vận"]
PEOPLE_HEADER = ["username", "full_name", "email", "unit_code", "role"]
VI_PEOPLE_HEADER = ["Tên đăng nhập", "Họ và tên", "Email", "Mã đơn vị", "Vai trò"]

# Children listed before their parents on purpose: the import orders them itself.
GOOD_UNITS = [
    ["TU", "BDVTU", "Ban Dân vận Tỉnh ủy", "mass_mobilisation_board", "có"],
    ["SNNMT", "SNNMT_P01", "Phòng Kế hoạch - Tài chính", "Phòng, đơn vị trực thuộc", "0"],
    ["TU", "SNNMT", "Sở Nông nghiệp và Môi trường", "department", ""],
    ["", "TU", "Tỉnh ủy Hòa Bình", "Cấp ủy (Tỉnh ủy, Đảng ủy)", "không"],
    ["TU", "XA01", "Đảng ủy xã Mai Châu", "commune_party_committee", "no"],
    ["XA01", "BDVXA01", "Ban Dân vận Đảng ủy xã Mai Châu", "Ban Dân vận", "x"],
]


def rows_of(handle) -> list[dict]:
    return read_table(handle, handle.name)


def errors_of(excinfo) -> list[str]:
    return [str(e) for e in excinfo.value.errors]


@pytest.fixture
def province():
    """TU with its Ban Dân vận BDVTU and one department SNNMT."""
    root = unit(None, "TU", kind=UnitKind.PARTY_COMMITTEE)
    unit(root, "BDVTU", kind=UnitKind.MASS_MOBILISATION_BOARD, committee=True)
    unit(root, "SNNMT", kind=UnitKind.DEPARTMENT)
    return root


def counts() -> tuple[int, int, int]:
    return Unit.objects.count(), User.objects.count(), Membership.objects.count()


# --- units -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_units_import_builds_the_tree_whatever_the_row_order(make_file):
    result = import_units(rows_of(make_file([UNIT_HEADER, *GOOD_UNITS])))

    assert (result.created, result.updated) == (6, 0)
    root = Unit.objects.get(code="TU")
    assert root.is_root()
    assert Unit.objects.get(code="SNNMT_P01").get_parent().code == "SNNMT"
    assert Unit.objects.get(code="SNNMT_P01").kind == UnitKind.OFFICE
    assert Unit.objects.get(code="BDVXA01").is_committee
    assert not Unit.objects.get(code="XA01").is_committee
    assert committee_of(Unit.objects.get(code="SNNMT_P01")).code == "BDVTU"
    assert committee_of(Unit.objects.get(code="XA01")).code == "BDVXA01"


def test_units_import_accepts_vietnamese_headers_and_a_bom():
    handle = csv_file(
        [
            [*VI_UNIT_HEADER, "Tên viết tắt"],
            ["", "TU", "Tỉnh ủy", "Cấp ủy (Tỉnh ủy, Đảng ủy)", "", "TU HB"],
        ],
        bom=True,
    )

    import_units(rows_of(handle))

    assert Unit.objects.get(code="TU").short_name == "TU HB"


def test_units_import_accepts_semicolon_csv_from_vietnamese_excel():
    handle = csv_file([])
    handle.write(
        ";".join(UNIT_HEADER).encode()
        + b"\r\n;TU;T\xe1\xbb\x89nh \xe1\xbb\xa7y;party_committee;0\r\n"
    )
    handle.seek(0)

    import_units(rows_of(handle))

    assert Unit.objects.get(code="TU").name == "Tỉnh ủy"


def test_existing_code_updates_the_unit_and_keeps_its_place(province):
    handle = csv_file(
        [
            UNIT_HEADER,
            ["TU", "SNNMT", "Sở NN và MT", "department", "0"],
            ["SNNMT", "SNNMT_P01", "Phòng mới", "office", "0"],
        ]
    )
    path_before = Unit.objects.get(code="SNNMT").path

    result = import_units(rows_of(handle))

    assert (result.created, result.updated) == (1, 1)
    snn = Unit.objects.get(code="SNNMT")
    assert (snn.name, snn.path) == ("Sở NN và MT", path_before)
    assert Unit.objects.get(code="SNNMT_P01").get_parent() == snn


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    import_units(rows_of(csv_file([UNIT_HEADER, *GOOD_UNITS])))
    result = import_units(rows_of(csv_file([UNIT_HEADER, *GOOD_UNITS])))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_bad_unit_rows_are_all_reported_with_their_row_numbers_and_nothing_changes(
    make_file, province
):
    handle = make_file(
        [
            UNIT_HEADER,
            ["TU", "SO_MOI", "Sở mới", "department", "0"],  # row 2: good
            ["SO_XYZ", "P1", "Phòng 1", "office", "0"],  # row 3: unknown parent
            ["TU", "SO_MOI", "Sở mới lần hai", "department", "0"],  # row 4: duplicate code
            ["TU", "SO_X", "Sở X", "bộ", "0"],  # row 5: unknown kind
            ["TU", "SO_Y", "", "department", "0"],  # row 6: missing name
            ["TU", "SO_Z", "Sở Z", "department", "có lẽ"],  # row 7: not a yes/no
            [
                "SNNMT",
                "BDVTU",
                "Ban Dân vận Tỉnh ủy",
                "mass_mobilisation_board",
                "1",
            ],  # row 8: move
        ]
    )
    before = counts()

    with pytest.raises(ImportRejected) as excinfo:
        import_units(rows_of(handle))

    errors = errors_of(excinfo)
    assert errors[0] == "Dòng 3: không tìm thấy đơn vị cấp trên có mã “SO_XYZ”."
    assert errors[1] == "Dòng 4: mã đơn vị “SO_MOI” bị trùng với dòng 2."
    assert errors[2] == "Dòng 5: không có loại đơn vị “bộ”."
    assert errors[3] == "Dòng 6: thiếu tên đơn vị."
    assert errors[4].startswith("Dòng 7: giá trị “có lẽ”")
    assert errors[5].startswith("Dòng 8: đơn vị “BDVTU” đang thuộc đơn vị cấp trên “TU”")
    assert len(errors) == 6
    assert counts() == before
    assert not Unit.objects.filter(code="SO_MOI").exists()


def test_one_bad_row_stops_the_good_rows_too():
    handle = csv_file([UNIT_HEADER, *GOOD_UNITS, ["TU", "XA02", "Đảng ủy xã", "???", "0"]])
    with pytest.raises(ImportRejected) as excinfo:
        import_units(rows_of(handle))
    assert errors_of(excinfo) == ["Dòng 8: không có loại đơn vị “???”."]
    assert Unit.objects.count() == 0


def test_missing_required_column_is_reported_on_the_header_row():
    handle = csv_file([["parent_code", "code", "name"], ["", "TU", "Tỉnh ủy"]])
    with pytest.raises(ImportRejected) as excinfo:
        import_units(rows_of(handle))
    assert errors_of(excinfo) == ["Dòng 1: thiếu cột bắt buộc “Loại đơn vị” (kind)."]


def test_a_cycle_of_parents_is_refused():
    handle = csv_file([UNIT_HEADER, ["B", "A", "A", "office", ""], ["A", "B", "B", "office", ""]])
    with pytest.raises(ImportRejected) as excinfo:
        import_units(rows_of(handle))
    assert [e.row for e in excinfo.value.errors] == [2, 3]
    assert Unit.objects.count() == 0


def test_blank_rows_do_not_shift_row_numbers():
    handle = xlsx_file(
        [
            UNIT_HEADER,
            ["", "TU", "Tỉnh ủy", "party_committee", ""],
            [None] * 5,
            ["NOPE", "P", "P", "office", ""],
        ]
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_units(rows_of(handle))
    assert [e.row for e in excinfo.value.errors] == [4]


def test_an_unknown_file_type_is_refused():
    handle = csv_file([UNIT_HEADER], name="don_vi.xls")
    with pytest.raises(ImportRejected) as excinfo:
        rows_of(handle)
    assert "xlsx" in errors_of(excinfo)[0]


# --- people ----------------------------------------------------------------------------------


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_people_import_creates_users_with_several_roles(make_file, province):
    handle = make_file(
        [
            VI_PEOPLE_HEADER,
            ["giamdoc.snn", "Trần Văn Hùng", "hung@example.org", "SNNMT", "Thủ trưởng đơn vị"],
            ["giamdoc.snn", "", "", "BDVTU", "council_member"],
            ["canbo.snn", "Nguyễn Thị Lan", "", "SNNMT", "unit_staff"],
        ]
    )

    result = import_people(rows_of(handle))

    assert (result.created, result.memberships_created) == (2, 3)
    head = User.objects.get(username="giamdoc.snn")
    assert (head.full_name, head.email) == ("Trần Văn Hùng", "hung@example.org")
    assert not head.has_usable_password()
    assert set(head.memberships.values_list("unit__code", "role")) == {
        ("SNNMT", Role.UNIT_HEAD),
        ("BDVTU", Role.COUNCIL_MEMBER),
    }


def test_people_import_updates_an_existing_person_and_keeps_their_password(province):
    User.objects.create_user("canbo.snn", password="bi-mat-123", full_name="Lan")
    handle = csv_file([PEOPLE_HEADER, ["canbo.snn", "Nguyễn Thị Lan", "", "SNNMT", "unit_staff"]])

    result = import_people(rows_of(handle))

    assert (result.created, result.updated, result.memberships_created) == (0, 1, 1)
    user = User.objects.get(username="canbo.snn")
    assert user.full_name == "Nguyễn Thị Lan"
    assert user.check_password("bi-mat-123")


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_bad_people_rows_are_reported_and_nothing_changes(make_file, province):
    handle = make_file(
        [
            PEOPLE_HEADER,
            ["an.nv", "Nguyễn Văn An", "", "SNNMT", "unit_staff"],  # row 2: good
            ["binh.tt", "Trần Thị Bình", "", "SNNMT", "bảo vệ"],  # row 3: unknown role
            ["cuong.lv", "Lê Văn Cường", "", "SO_XYZ", "unit_head"],  # row 4: unknown unit
            [
                "dung.pt",
                "Phạm Thị Dung",
                "",
                "SNNMT",
                "committee_reviewer",
            ],  # row 5: not a committee
            ["", "Không Tên", "", "SNNMT", "unit_staff"],  # row 6: no username
            ["an.nv", "", "", "SNNMT", "unit_staff"],  # row 7: same role twice
            ["em.vt", "", "", "SNNMT", "unit_staff"],  # row 8: new person without a name
            ["gia.hn", "Hà Gia", "không-phải-email", "SNNMT", "unit_staff"],  # row 9: bad email
        ]
    )
    before = counts()

    with pytest.raises(ImportRejected) as excinfo:
        import_people(rows_of(handle))

    errors = errors_of(excinfo)
    assert errors == [
        "Dòng 3: không có vai trò “bảo vệ”.",
        "Dòng 4: không tìm thấy đơn vị có mã “SO_XYZ”.",
        "Dòng 5: vai trò “Chuyên viên Ban Dân vận” chỉ được giao tại một Ban Dân vận; "
        "đơn vị “SNNMT” không phải là Ban Dân vận.",
        "Dòng 6: thiếu tên đăng nhập.",
        "Dòng 7: vai trò này của “an.nv” tại “SNNMT” trùng với dòng 2.",
        "Dòng 8: thiếu họ và tên của người mới “em.vt”.",
        "Dòng 9: địa chỉ email “không-phải-email” không hợp lệ.",
    ]
    assert counts() == before


def test_people_file_without_the_role_column_is_refused(province):
    handle = csv_file([["username", "full_name", "unit_code"], ["an", "An", "SNNMT"]])
    with pytest.raises(ImportRejected) as excinfo:
        import_people(rows_of(handle))
    assert errors_of(excinfo) == ["Dòng 1: thiếu cột bắt buộc “Vai trò” (role)."]


# --- commands --------------------------------------------------------------------------------


def test_import_commands_print_counts(tmp_path, capsys):
    units_path = tmp_path / "don_vi.csv"
    units_path.write_bytes(csv_file([UNIT_HEADER, *GOOD_UNITS]).getvalue())
    people_path = tmp_path / "can_bo.xlsx"
    people_path.write_bytes(
        xlsx_file([PEOPLE_HEADER, ["lan", "Nguyễn Thị Lan", "", "SNNMT", "unit_staff"]]).getvalue()
    )

    call_command("import_units", str(units_path))
    call_command("import_people", str(people_path))

    out = capsys.readouterr().out
    assert "6 tạo mới" in out
    assert "1 vai trò mới giao" in out
    assert Membership.objects.filter(user__username="lan", unit__code="SNNMT").exists()


def test_import_command_fails_on_a_bad_row_and_prints_it(tmp_path, capsys):
    path = tmp_path / "don_vi.csv"
    path.write_bytes(csv_file([UNIT_HEADER, ["SO_XYZ", "P1", "Phòng", "office", ""]]).getvalue())

    with pytest.raises(CommandError):
        call_command("import_units", str(path))

    assert "Dòng 2: không tìm thấy đơn vị cấp trên có mã “SO_XYZ”." in capsys.readouterr().err
    assert Unit.objects.count() == 0
