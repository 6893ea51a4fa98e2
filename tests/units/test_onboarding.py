"""Onboarding a province (issue #13): its own units and people files import without edits, a
dry run says what a file would do, the blank files carry the accepted values, and imported
people get a way in (invitations, "forgot password", sign-in by e-mail) that shows in the
admin and on the committee leader's page."""

from __future__ import annotations

import datetime
import io
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from units.models import Membership, Role, Unit, UnitKind
from units.services import ImportRejected, fold, import_people, import_units, read_table

from .helpers import csv_file, member, unit, xlsx_file

pytestmark = pytest.mark.django_db
User = get_user_model()


# What this issue adds is imported where it is used, so that on the code before it each test
# fails on its own assertion (or on the missing piece) rather than the whole file not loading.
def send_invitations(*args, **kwargs):
    from units.invitations import send_invitations

    return send_invitations(*args, **kwargs)


def invitation_path(user) -> str:
    from units.invitations import invitation_path

    return invitation_path(user)


def token_clock(moment):
    """Invitation tokens made or checked as if it were `moment`."""
    from units.invitations import InvitationTokenGenerator

    return mock.patch.object(InvitationTokenGenerator, "_now", return_value=moment)


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


def invitation_links(messages) -> list[str]:
    return [re.search(r"https?://\S+/kich-hoat/\S+/", m.body).group(0) for m in messages]


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


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
    assert not User.objects.get(username="canbo.snn").is_activated


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


def test_the_commands_dry_run_and_invite(tmp_path, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    units_path = tmp_path / "don_vi.xlsx"
    units_path.write_bytes(province_units().getvalue())
    people_path = tmp_path / "can_bo.xlsx"
    people_path.write_bytes(xlsx_file(PROVINCE_PEOPLE).getvalue())

    call_command("import_units", str(units_path), "--dry-run")
    assert "14 đơn vị sẽ tạo mới" in capsys.readouterr().out
    assert counts() == (0, 0, 0)

    call_command("import_units", str(units_path))
    call_command("import_people", str(people_path), "--dry-run")
    assert counts()[1:] == (0, 0)

    call_command("import_people", str(people_path), "--invite")
    out = capsys.readouterr().out
    assert "Đã gửi 4 thư mời" in out and "kiemtra.bdv" in out  # the one without an e-mail
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Hung.TV@HoaBinh.gov.vn",
        "hoa@hoabinh.gov.vn",
        "lan@hoabinh.gov.vn",
        "minh@hoabinh.gov.vn",
    ]

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


def test_the_import_page_invites_on_request(admin_client_, province, mailoutbox):
    people = xlsx_file(PROVINCE_PEOPLE[:3])
    response = admin_client_.post(
        reverse(IMPORT_URL),
        {"kind": "people", "people-file": people, "people-invite": "on"},
        follow=True,
    )
    assert "Đã gửi 2 thư mời" in response.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == ["Hung.TV@HoaBinh.gov.vn", "lan@hoabinh.gov.vn"]

    mailoutbox.clear()
    admin_client_.post(
        reverse(IMPORT_URL), {"kind": "people", "people-file": xlsx_file(PROVINCE_PEOPLE[:4])}
    )
    assert mailoutbox == []  # no flag, no mail


# --- getting in: invitations, forgot password, e-mail sign-in ----------------------------------


@pytest.fixture
def lan():
    """Two people imported into a department (codes only: these tests are about getting in)."""
    root = unit(None, "TU", kind=UnitKind.PARTY_COMMITTEE)
    unit(root, "BDVTU", kind=UnitKind.MASS_MOBILISATION_BOARD, committee=True)
    unit(root, "SNN", kind=UnitKind.DEPARTMENT)
    rows = [
        ["username", "full_name", "email", "unit_code", "role"],
        ["giamdoc.snn", "Trần Văn Hùng", "Hung.TV@HoaBinh.gov.vn", "SNN", "unit_head"],
        ["canbo.snn", "Nguyễn Thị Lan", "lan@hoabinh.gov.vn", "SNN", "unit_staff"],
    ]
    import_people(rows_of(csv_file(rows)))
    return User.objects.get(username="canbo.snn")


def sign_in(login: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": login, "password": password})
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def set_password(client: Client, link_path: str, password: str = PASSWORD):
    answer = client.get(link_path, follow=True)
    assert answer.status_code == 200
    form_path = answer.redirect_chain[-1][0] if answer.redirect_chain else link_path
    return client.post(
        form_path, {"new_password1": password, "new_password2": password}, follow=True
    )


def test_an_invitation_lets_a_person_set_a_password_once(lan, mailoutbox, settings):
    settings.SITE_URL = "https://danvan.example.gov.vn"
    report = send_invitations([lan])

    assert [u.username for u in report.sent] == ["canbo.snn"]
    (message,) = mailoutbox
    assert message.to == ["lan@hoabinh.gov.vn"]
    assert "canbo.snn" in message.body and "Cán bộ nhập liệu — Đơn vị SNN" in message.body
    (link,) = invitation_links(mailoutbox)
    assert link.startswith("https://danvan.example.gov.vn/kich-hoat/")
    lan.refresh_from_db()
    assert lan.invited_at is not None and not lan.is_activated

    client = Client()
    page = set_password(client, path_of(link))
    assert "Đã kích hoạt tài khoản" in page.content.decode()
    lan.refresh_from_db()
    assert lan.is_activated

    again = Client().get(path_of(link), follow=True).content.decode()
    assert "Liên kết không còn hiệu lực" in again
    assert signed_in(sign_in("canbo.snn"))


def test_sending_again_is_safe_and_every_link_dies_with_the_first_password(lan, mailoutbox):
    now = datetime.datetime.now()
    for minutes in (0, 5):
        moment = now + datetime.timedelta(minutes=minutes)
        with token_clock(moment):
            send_invitations([lan])
    first, second = invitation_links(mailoutbox)
    assert first != second  # a new link each time, and the first still works
    assert "Kích hoạt tài khoản" in Client().get(path_of(first), follow=True).content.decode()

    set_password(Client(), path_of(second))

    for link in (first, second):
        assert "Liên kết không còn hiệu lực" in (
            Client().get(path_of(link), follow=True).content.decode()
        )
    # Activated people are not invited again.
    report = send_invitations([User.objects.get(pk=lan.pk)])
    assert not report.sent and len(report.activated) == 1


def test_an_invitation_expires(lan, settings):
    settings.INVITATION_VALID_DAYS = 7
    link = invitation_path(lan)
    later = datetime.datetime.now() + datetime.timedelta(days=7, hours=1)
    with token_clock(later):
        page = Client().get(link, follow=True).content.decode()
    assert "Liên kết không còn hiệu lực" in page
    assert "Kích hoạt tài khoản" in Client().get(link, follow=True).content.decode()


def test_an_invitation_link_is_not_a_password_reset_link(lan):
    link = invitation_path(lan).replace("/kich-hoat/", "/dat-mat-khau/")
    assert "Liên kết không còn hiệu lực" in Client().get(link, follow=True).content.decode()


def test_invitations_skip_who_cannot_use_one(province):
    import_people(rows_of(xlsx_file(PROVINCE_PEOPLE)))
    people = list(User.objects.order_by("username"))
    User.objects.filter(username="giamdoc.snn").update(is_active=False)
    active = User.objects.get(username="canbo.snn")
    active.set_password(PASSWORD)
    active.save()

    report = send_invitations(User.objects.filter(pk__in=[p.pk for p in people]))

    assert sorted(u.username for u in report.sent) == ["chuyenvien.bdv", "truongban.bdv"]
    assert [u.username for u in report.no_email] == ["kiemtra.bdv"]
    assert [u.username for u in report.activated] == ["canbo.snn"]
    assert [u.username for u in report.inactive] == ["giamdoc.snn"]
    assert "1 người chưa có email" in report.message()


def test_the_sign_in_page_links_to_forgot_password_in_vietnamese(client):
    page = client.get(reverse("login")).content.decode()
    assert 'href="/quen-mat-khau/"' in page
    assert "Tên đăng nhập hoặc email" in page
    page = client.get("/quen-mat-khau/").content.decode()
    assert "Quên mật khẩu" in page and "Email hoặc tên đăng nhập" in page


def test_forgot_password_reaches_a_person_who_never_set_one(lan, mailoutbox, settings):
    settings.SITE_URL = "http://testserver"
    answer = Client().post("/quen-mat-khau/", {"email": "LAN@HoaBinh.gov.vn"}, follow=True)
    assert "Hãy kiểm tra hộp thư" in answer.content.decode()
    (message,) = mailoutbox
    assert message.to == ["lan@hoabinh.gov.vn"]
    link = re.search(r"http://testserver(/dat-mat-khau/\S+/)", message.body).group(1)

    done = set_password(Client(), link)
    assert "Đã đặt mật khẩu" in done.content.decode()
    assert signed_in(sign_in("canbo.snn"))
    assert "Liên kết không còn hiệu lực" in Client().get(link, follow=True).content.decode()

    # Unknown addresses are told the same thing, and nobody is mailed.
    mailoutbox.clear()
    answer = Client().post("/quen-mat-khau/", {"email": "ai@khong.co"}, follow=True)
    assert "Hãy kiểm tra hộp thư" in answer.content.decode() and mailoutbox == []


def test_set_password_errors_are_in_vietnamese(lan):
    client = Client()
    form = client.get(invitation_path(lan), follow=True)
    page = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    ).content.decode()
    assert "Mật khẩu không được chỉ gồm chữ số." in page
    page = client.post(
        form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": "khac"}
    ).content.decode()
    assert "Hai lần nhập mật khẩu không khớp nhau." in page


def test_sign_in_with_the_email_whatever_its_case(lan):
    lan.set_password(PASSWORD)
    lan.save()
    assert signed_in(sign_in("LAN@hoabinh.GOV.vn"))
    assert signed_in(sign_in("canbo.snn"))
    assert not signed_in(sign_in("lan@hoabinh.gov.vn", "sai-mat-khau"))
    refused = Client().post(reverse("login"), {"username": "lan@x.vn", "password": "sai"})
    assert "không đúng" in refused.content.decode()


def test_an_email_two_accounts_share_signs_nobody_in(lan):
    lan.set_password(PASSWORD)
    lan.save()
    User.objects.create_user("lan2", email="LAN@hoabinh.gov.vn", password=PASSWORD)
    assert not signed_in(sign_in("lan@hoabinh.gov.vn"))
    assert signed_in(sign_in("canbo.snn"))
    assert signed_in(sign_in("lan2"))


def test_wrong_passwords_by_email_and_username_count_together(lan, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 4
    lan.set_password(PASSWORD)
    lan.save()
    client = Client()
    for login in ("canbo.snn", "lan@hoabinh.gov.vn", "canbo.snn", "LAN@hoabinh.gov.vn"):
        client.post(reverse("login"), {"username": login, "password": "sai"})
    locked = client.post(reverse("login"), {"username": "canbo.snn", "password": PASSWORD})
    assert locked.status_code == 429


# --- "chưa kích hoạt" in the admin and on the leader's page ------------------------------------


def test_the_admin_user_list_shows_and_filters_not_activated(admin_client_, lan, mailoutbox):
    url = reverse("admin:accounts_user_changelist")
    page = admin_client_.get(url).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*canbo\.snn(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert "chưa kích hoạt" in row

    shown = admin_client_.get(url, {"kich_hoat": "chua"}).context["cl"].result_list
    assert {u.username for u in shown} == {"canbo.snn", "giamdoc.snn"}
    shown = admin_client_.get(url, {"kich_hoat": "co"}).context["cl"].result_list
    assert {u.username for u in shown} == {"admin"}

    admin = User.objects.get(username="admin")
    answer = admin_client_.post(
        url,
        {"action": "send_invitations", "_selected_action": [lan.pk, admin.pk]},
        follow=True,
    )
    page = answer.content.decode()
    assert "Đã gửi 1 thư mời" in page and "1 người đã kích hoạt" in page
    assert [m.to for m in mailoutbox] == [["lan@hoabinh.gov.vn"]]

    lan.set_password(PASSWORD)
    lan.save()
    page = admin_client_.get(url).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*canbo\.snn(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert "chưa kích hoạt" not in row and "đã kích hoạt" in row


@pytest.fixture
def two_committees(province):
    import_people(rows_of(xlsx_file(PROVINCE_PEOPLE)))
    xa01 = Unit.objects.get(code="XA01")
    bdv_xa = unit(xa01, "BDVXA01", kind=UnitKind.MASS_MOBILISATION_BOARD, committee=True)
    leader_xa = User.objects.create_user("truongban.xa01", password=PASSWORD, email="x@x.vn")
    member(leader_xa, bdv_xa, Role.COMMITTEE_LEADER)
    cell = User.objects.create_user("bithu.cb1", email="cb1@x.vn", full_name="Bí thư chi bộ")
    cell.set_unusable_password()
    cell.save()
    member(cell, Unit.objects.get(code="XA01_CB1"), Role.UNIT_HEAD)
    leader = User.objects.get(username="truongban.bdv")
    leader.set_password(PASSWORD)
    leader.save()
    return leader, leader_xa, cell


def test_the_leader_sees_their_people_and_who_is_not_activated(two_committees):
    leader, _leader_xa, cell = two_committees
    client = Client()
    client.force_login(leader)

    response = client.get(reverse("people"))

    assert response.status_code == 200
    listed = [p.username for p in response.context["page"].object_list]
    # The province's committee covers SNN and itself, not the commune with its own committee.
    assert "canbo.snn" in listed and "truongban.bdv" in listed
    assert "bithu.cb1" not in listed and "truongban.xa01" not in listed
    page = response.content.decode()
    assert "chưa kích hoạt" in page and "đã kích hoạt" in page
    waiting = client.get(reverse("people"), {"trang_thai": "chua-kich-hoat"}).context["page"]
    assert "truongban.bdv" not in [p.username for p in waiting.object_list]
    assert "Cán bộ" in client.get(reverse("home")).content.decode()


def test_the_leader_invites_the_chosen_or_everyone_not_activated(two_committees, mailoutbox):
    leader, _leader_xa, cell = two_committees
    client = Client()
    client.force_login(leader)
    lan = User.objects.get(username="canbo.snn")

    answer = client.post(reverse("people"), {"nguoi": [lan.pk, cell.pk]}, follow=True)

    assert [m.to for m in mailoutbox] == [["lan@hoabinh.gov.vn"]]  # not the other committee's
    assert "Đã gửi 1 thư mời" in answer.content.decode()
    assert "Người gửi thư mời: Phạm Thị Hoa." in mailoutbox[0].body

    mailoutbox.clear()
    answer = client.post(reverse("people"), {"tat_ca": "1"}, follow=True)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "Hung.TV@HoaBinh.gov.vn",
        "lan@hoabinh.gov.vn",
        "minh@hoabinh.gov.vn",
    ]
    assert "1 người chưa có email" in answer.content.decode()  # kiemtra.bdv


def test_the_people_page_is_for_committee_leaders(two_committees):
    client = Client()
    client.force_login(User.objects.get(username="canbo.snn"))
    assert client.get(reverse("people")).status_code == 403


def test_the_new_pages_speak_english_too(lan, settings):
    from tests.test_i18n_catalog import _assert_no_vietnamese

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for path in ("/dang-nhap/", "/quen-mat-khau/", "/quen-mat-khau/da-gui/"):
        _assert_no_vietnamese(client.get(path).content.decode())
    page = client.get(invitation_path(lan), follow=True).content.decode()
    assert "Activate your account" in page
    _assert_no_vietnamese(page.replace("Nguyễn Thị Lan", ""))
