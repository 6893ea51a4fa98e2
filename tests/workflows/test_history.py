"""Past years (#13 part 3): a province's file of five years of models comes in directly in its
final state, audited as "imported", and the 5-year review, the public list and replication
work on it; a bad file changes nothing, and the same file twice changes nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.errors import Duplicate, WrongState
from core.imports import ImportRejected, read_table
from reports import selectors as report_selectors
from reports import services as report_services
from workflows import audit, services
from workflows.history import import_history
from workflows.models import (
    AuditEntry,
    Campaign,
    Commendation,
    Initiative,
    InitiativeProcess,
    InitiativeTask,
    State,
)

pytestmark = pytest.mark.django_db

# The office's own headers and order, its spellings (codes, no marks, short forms), a notes
# column the import ignores, and dates as Excel keeps them or as typed.
HEADERS = [
    "STT",
    "Năm",
    "Mã đơn vị",
    "Tên mô hình",
    "Lĩnh vực",
    "Hình thức",
    "Loại",
    "Địa chỉ",
    "Nội dung",
    "Nhân rộng từ",
    "Công nhận",
    "Số QĐ công nhận",
    "Ngày QĐ công nhận",
    "Hình thức khen thưởng",
    "Cơ quan khen thưởng",
    "Số QĐ khen thưởng",
    "Ngày QĐ khen thưởng",
    "Ghi chú",
]


def five_years(year: int) -> list[list]:
    y = [year - 5, year - 4, year - 3, year - 2, year - 1]
    return [
        HEADERS,
        [1, y[0], "SNN", "Chợ nông sản sạch", "Kinh tế", "Tập thể", "Xây dựng mới", "Xã A",
         "Giúp hộ nghèo có đầu ra", "", "có", "12-QĐ/BDVTU", f"15/10/{y[0]}", "Giấy khen",
         "Chủ tịch UBND huyện A", "45/QĐ-UBND", f"20/11/{y[0]}", "đã có bản cứng"],
        [2, y[1], "SYT", "Tổ tư vấn sức khỏe cộng đồng", "VHXH", "tap the", "moi", "Phường B",
         "Khám miễn phí cho người cao tuổi", "", "không", "", "", "", "", "", "", ""],
        [3, y[2], "SNN", "Già làng giữ bình yên bản", "Quốc phòng - an ninh", "Cá nhân",
         "Xây dựng mới", "Bản C", "Hòa giải ở cơ sở", "", "x", "30-QĐ/BDVTU", f"14/10/{y[2]}",
         "", "", "", "", ""],
        [4, y[3], "SYT", "Chợ sạch ở phường", "kinh te", "tap the", "Nhân rộng", "Phường D",
         "Học cách làm của chợ nông sản sạch", "Chợ nông sản sạch", "có", "8-QĐ/BDVTU",
         f"{y[3]}-10-12", "", "", "", "", ""],
        [5, y[4], "SNN", "Chi bộ gần dân", "XDHTCT", "Mô hình tập thể", "Xây dựng mới", "Xã A",
         "Đối thoại hằng quý", "", "1", "2-QĐ/BDVTU", f"10/10/{y[4]}", "BK",
         "Chủ tịch UBND tỉnh", "70/QĐ-UBND", f"01/12/{y[4]}", ""],
    ]  # fmt: skip


def xlsx(rows: list[list], name: str = "lich-su-5-nam.xlsx") -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def run(world, rows, *, actor=None, dry_run=False, name="lich-su-5-nam.xlsx"):
    handle = xlsx(rows, name)
    content = handle.getvalue()
    return import_history(
        read_table(handle, name),
        actor=actor or world.leader,
        filename=name,
        content=content,
        dry_run=dry_run,
    )


def counts():
    return (
        Initiative.objects.count(),
        AuditEntry.objects.count(),
        Campaign.objects.count(),
        Commendation.objects.count(),
        InitiativeProcess.objects.count(),
    )


def test_five_years_come_in_final_audited_as_imported_and_work_in_reports_and_replication(
    world, client
):
    year = world.year
    rows = five_years(year)
    before = counts()

    preview = run(world, rows, dry_run=True)
    assert counts() == before
    assert (preview.created, preview.unchanged, preview.errors) == (5, 0, [])
    assert len(preview.campaigns) == 5  # the committee never opened those years here
    assert "5 mô hình sẽ nhập" in preview.message()

    result = run(world, rows)
    assert result.created == 5
    models = {i.title: i for i in Initiative.objects.filter(imported=True)}
    assert {t: (m.year, m.state) for t, m in models.items()} == {
        "Chợ nông sản sạch": (year - 5, State.COMMENDED),
        "Tổ tư vấn sức khỏe cộng đồng": (year - 4, State.NOT_RECOGNIZED),
        "Già làng giữ bình yên bản": (year - 3, State.RECOGNIZED),
        "Chợ sạch ở phường": (year - 2, State.RECOGNIZED),
        "Chi bộ gần dân": (year - 1, State.COMMENDED),
    }
    market = models["Chợ nông sản sạch"]
    assert (market.field, market.form, market.kind, market.problem) == (
        "kinh_te",
        "collective",
        "new",
        "Giúp hộ nghèo có đầu ra",
    )
    assert str(market.decision_date) == f"{year - 5}-10-15"
    assert market.commendation.form == "giay_khen" and market.commendation.signed_file is None
    assert models["Già làng giữ bình yên bản"].form == "individual"
    # The replication names a model of an earlier year in the same file.
    assert models["Chợ sạch ở phường"].replicates == market

    # The audit trail: one "import" entry per model (no transitions that never happened),
    # naming the importer and the file; the chain still verifies.
    entries = AuditEntry.objects.filter(initiative__in=models.values())
    assert sorted(entries.values_list("action", flat=True)) == ["import"] * 5
    entry = entries.get(initiative=market)
    assert (entry.actor, entry.from_state, entry.to_state) == (world.leader, "", "commended")
    assert entry.comment == "lich-su-5-nam.xlsx"
    source = entry.changes["source"][1]
    assert source["file"] == "lich-su-5-nam.xlsx" and len(source["sha256"]) == 64
    assert source["row"] == 2
    assert AuditEntry.objects.filter(subject_type="campaign", action="import").count() == 5
    assert audit.verify().ok
    # A finished process with no task: nobody has anything left to do on a past year.
    assert not InitiativeTask.objects.filter(initiative__in=models.values()).exists()
    assert {p.status for p in InitiativeProcess.objects.filter(initiative__in=models.values())} == {
        "DONE"
    }

    # The same file again changes nothing.
    after = counts()
    again = run(world, rows)
    assert (again.created, again.unchanged) == (0, 5)
    assert counts() == after
    # A file that says something else of a model already imported does not overwrite it.
    changed = [list(r) for r in rows]
    changed[3][7] = "Bản C mới"
    with pytest.raises(ImportRejected) as caught:
        run(world, changed)
    assert str(caught.value) == (
        "Dòng 4: “Già làng giữ bình yên bản” đã được nhập trước đây với nội dung khác; lần "
        "nhập sau không ghi đè lên dữ liệu đã nhập."
    )
    assert counts() == after

    # The 5-year review (tổng kết) over the imported years.
    report = report_selectors.committee_report(world.units["bdv"], *_bounds(year - 5, year - 1))
    assert report["total"] == 5
    assert (report["recognized"], report["commended"]) == (4, 2)
    assert (report["new"], report["replication"]) == (4, 1)
    trend = {t["year"]: (t["count"], t["recognized"]) for t in report["trend"]}
    assert trend == {year - 5: (1, 1), year - 4: (1, 0), year - 3: (1, 1), year - 2: (1, 1),
                     year - 1: (1, 1)}  # fmt: skip
    client.force_login(world.leader)
    page = client.get(
        reverse("reports:overview"),
        {"committee": world.units["bdv"].pk, "period": "years", "year": year - 5,
         "to_year": year - 1},
    )  # fmt: skip
    assert page.status_code == 200
    assert f"Giai đoạn {year - 5} – {year - 1}" in page.content.decode()

    # The public list shows the recognised and commended ones, of every year.
    client.logout()
    public = client.get(reverse("reports:public_list")).content.decode()
    for title in ("Chợ nông sản sạch", "Già làng giữ bình yên bản", "Chi bộ gần dân"):
        assert title in public
    assert "Tổ tư vấn sức khỏe cộng đồng" not in public

    # Another unit replicates a model of five years ago this year.
    copy = report_services.start_replication(
        market, unit=world.units["dept2"], actor=world.other_staff, year=year
    )
    assert (copy.replicates, copy.kind, copy.state) == (market, "replication", "draft")
    with pytest.raises(Duplicate):  # the same replication twice in a year
        report_services.start_replication(
            market, unit=world.units["dept2"], actor=world.other_staff, year=year
        )

    # Its page says where it came from, and offers no lifecycle action on a past year.
    client.force_login(world.leader)
    recognized = models["Già làng giữ bình yên bản"]
    detail = client.get(reverse("workflows:initiative_detail", args=[recognized.pk]))
    html = detail.content.decode()
    assert "Nhập từ dữ liệu các năm trước" in html and "lich-su-5-nam.xlsx" in html
    assert "Tệp nguồn" in html
    assert reverse("workflows:action", args=[recognized.pk, "commend"]) not in html
    with pytest.raises(WrongState, match="được nhập từ dữ liệu các năm trước"):
        services.perform(recognized.pk, "commend", actor=world.leader)


def _bounds(first: int, last: int):
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def test_bad_rows_are_named_with_their_reason_and_a_bad_file_leaves_nothing(world):
    year = world.year
    rows = five_years(year)
    rows[1][2] = "KHONG_CO"  # row 2: no such unit
    rows[2][1] = year  # row 3: this year is not a past year
    rows[3][4] = "Nông nghiệp"  # row 4: no such field
    rows[4][11] = ""  # row 5: recognised without a decision number
    rows[1][15] = ""  # row 2 as well: a commendation without its number
    rows.append(list(rows[5]))  # row 7: row 6's model again
    rows[6][0] = 6
    rows[6][15] = "71/QĐ-UBND"
    rows.append([7, year - 2, "SNN", "Mô hình mới", "Kinh tế", "", "", "", "", "", "có rồi"])
    before = counts()
    with pytest.raises(ImportRejected) as caught:
        run(world, rows)
    assert counts() == before
    errors = [str(e) for e in caught.value.errors]
    assert errors == [
        "Dòng 2: không tìm thấy đơn vị có mã “KHONG_CO” trong phạm vi Ban Dân vận bạn lãnh đạo.",
        "Dòng 2: khen thưởng cần đủ bốn cột; thiếu “Số quyết định khen thưởng”.",
        f"Dòng 3: năm {year} không phải năm đã qua: chỉ nhập các năm 2000–{year - 1}.",
        "Dòng 4: không có lĩnh vực “Nông nghiệp”.",
        "Dòng 5: mô hình được công nhận cần “Số quyết định công nhận”.",
        "Dòng 7: “Chi bộ gần dân” trùng hoặc gần trùng với dòng 6 (cùng đơn vị, năm).",
        "Dòng 8: cột “Được công nhận” phải ghi “có” hoặc “không” (đang ghi “có rồi”).",
    ]
    # A dry run of the same file lists the same rows and what the good ones would do.
    preview = run(world, rows, dry_run=True)
    assert [str(e) for e in preview.errors] == errors
    assert counts() == before


def test_a_leader_imports_only_their_committees_units_and_a_unit_may_not_at_all(world, client):
    with pytest.raises(ImportRejected) as caught:
        run(world, five_years(world.year), actor=world.b_leader)
    assert {e.row for e in caught.value.errors} == {2, 3, 4, 5, 6}
    # Another province's unit reads exactly like a code that exists nowhere (review finding:
    # the import told a leader which codes the other province had).
    foreign = [str(e) for e in caught.value.errors if e.row == 2]
    assert foreign[0] == (
        "Dòng 2: không tìm thấy đơn vị có mã “SNN” trong phạm vi Ban Dân vận bạn lãnh đạo."
    )
    rows = five_years(world.year)
    rows[1][2] = "KHONG_CO_DAU"
    with pytest.raises(ImportRejected) as nowhere:
        run(world, rows, actor=world.b_leader)
    assert str(nowhere.value.errors[0]) == foreign[0].replace("SNN", "KHONG_CO_DAU")
    assert not Initiative.objects.filter(imported=True).exists()

    client.force_login(world.staff)
    assert client.get(reverse("workflows:history_import")).status_code == 403
    assert client.get(reverse("workflows:history_template")).status_code == 403


def test_a_model_registered_through_the_lifecycle_is_not_imported_over(world):
    from tests.workflows.conftest import REGISTRATION

    rows = [HEADERS, five_years(world.year)[1]]
    rows[1][1] = world.year - 1
    rows[1][3] = REGISTRATION["title"]
    # The unit registered it for that year through the lifecycle (a campaign of that year).
    from workflows import services

    services.create_campaign(
        actor=world.leader,
        committee=world.units["bdv"],
        year=world.year - 1,
        registration_deadline=datetime.date(world.year - 1, 3, 31),
    )
    registered = services.create_initiative(
        unit=world.units["dept"], actor=world.staff, year=world.year - 1, **REGISTRATION
    )
    with pytest.raises(ImportRejected) as caught:
        run(world, rows)
    assert str(caught.value) == (
        f"Dòng 2: đơn vị đã đăng ký “{registered.title}” năm {world.year - 1} qua quy trình; "
        "không nhập lại làm lịch sử."
    )


def test_the_page_checks_first_then_imports_and_the_blank_file_reads_back(world, client):
    client.force_login(world.leader)
    page = client.get(reverse("workflows:history_import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kiểm tra trước" in html and reverse("workflows:history_template") in html
    assert "XDHTCT" in html and "giay_khen" in html

    content = xlsx(five_years(world.year)).getvalue()
    upload = io.BytesIO(content)
    upload.name = "lich-su.xlsx"
    checked = client.post(reverse("workflows:history_import"), {"file": upload, "dry_run": "1"})
    assert checked.status_code == 200
    assert "5 mô hình sẽ nhập" in checked.content.decode()
    assert not Initiative.objects.filter(imported=True).exists()

    upload = io.BytesIO(content)
    upload.name = "lich-su.xlsx"
    done = client.post(reverse("workflows:history_import"), {"file": upload}, follow=True)
    assert "Đã nhập dữ liệu các năm trước: 5 mô hình mới" in done.content.decode()
    assert Initiative.objects.filter(imported=True).count() == 5

    blank = client.get(reverse("workflows:history_template"))
    assert blank["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(blank.content))
    sheet = book.worksheets[0]
    lists = [v for v in sheet.data_validations.dataValidation if "Danh mục" in v.formula1]
    assert len(lists) == 4  # field, form, kind, commendation form
    listed = [c.value for c in book["Danh mục"]["A"] if c.value]
    assert "Kinh tế" in listed and "Bằng khen" in listed
    handle = io.BytesIO(blank.content)
    handle.name = "mau.xlsx"
    preview = import_history(
        read_table(handle, "mau.xlsx"), actor=world.leader, filename="mau.xlsx", dry_run=True
    )
    # Every header is understood; the example row's unit does not exist here.
    assert [str(e) for e in preview.errors] == [
        "Dòng 2: không tìm thấy đơn vị có mã “VD_DON_VI” trong phạm vi Ban Dân vận bạn lãnh đạo."
    ]


def test_the_command_checks_first_and_imports(world, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "lich-su.xlsx"
    path.write_bytes(xlsx(five_years(world.year)).getvalue())
    out = io.StringIO()
    call_command("import_history", str(path), user="leader", dry_run=True, stdout=out)
    assert "5 mô hình sẽ nhập" in out.getvalue()
    assert not Initiative.objects.filter(imported=True).exists()
    call_command("import_history", str(path), user="leader", stdout=io.StringIO())
    assert Initiative.objects.filter(imported=True).count() == 5
    with pytest.raises(CommandError, match="không phải lãnh đạo Ban Dân vận"):
        call_command("import_history", str(path), user="staff", stdout=io.StringIO())


def test_the_annual_review_covers_imported_models_and_nothing_else_opens_on_them(world, client):
    """Past years come in to be reviewed: the annual review (#15) runs on an imported model
    through the door, and the public list follows its outcome; the lifecycle stays closed."""
    from workflows.levels.reviews import open_review

    year = world.year
    run(world, five_years(year))
    chi_bo = Initiative.objects.get(title="Chi bộ gần dân")
    gia_lang = Initiative.objects.get(title="Già làng giữ bình yên bản")
    review = open_review(committee=world.units["bdv"], actor=world.leader, year=year)

    services.perform(gia_lang.pk, "report_state", actor=world.staff, report="Đã ngừng hòa giải.")
    services.perform(
        gia_lang.pk, "review", actor=world.leader, comment="Ngừng", outcome="ineffective"
    )
    services.perform(chi_bo.pk, "review", actor=world.leader, comment="Tốt", outcome="replicate")

    gia_lang.refresh_from_db()
    assert (gia_lang.state, gia_lang.review_outcome, gia_lang.reviewed_year) == (
        "recognized",
        "ineffective",
        review.year,
    )
    assert AuditEntry.objects.filter(initiative=gia_lang, action="review").count() == 1
    assert audit.verify().ok
    public = client.get(reverse("reports:public_list")).content.decode()
    assert "Chi bộ gần dân" in public and "Già làng giữ bình yên bản" not in public
    with pytest.raises(WrongState, match="được nhập từ dữ liệu các năm trước"):
        services.perform(gia_lang.pk, "commend", actor=world.leader)


def test_a_file_too_large_or_too_long_is_refused_unread_and_changes_nothing(
    world, client, monkeypatch
):
    """Found in review: the past-years import (and the units and people imports) read any file
    whole, whatever its size; an .xlsx of a few MB may unpack into millions of cells."""
    from core import imports

    client.force_login(world.leader)
    before = counts()
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 4)
    upload = xlsx(five_years(world.year))  # a header and five rows
    upload.name = "lich-su.xlsx"
    r = client.post(reverse("workflows:history_import"), {"file": upload})
    assert r.status_code == 400
    assert "Tệp có hơn 4 dòng: hãy chia thành nhiều tệp." in r.content.decode()
    csv = io.BytesIO("\n".join(",".join(map(str, row)) for row in five_years(world.year)).encode())
    csv.name = "lich-su.csv"
    r = client.post(reverse("workflows:history_import"), {"file": csv})
    assert "Tệp có hơn 4 dòng" in r.content.decode()

    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 20_000)
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 1024 * 1024)
    big = io.BytesIO(xlsx(five_years(world.year)).getvalue() + b"\0" * (1024 * 1024))
    big.name = "lich-su.xlsx"
    r = client.post(reverse("workflows:history_import"), {"file": big})
    assert r.status_code == 400
    assert "Tệp lớn quá 1 MB: hãy chia thành nhiều tệp." in r.content.decode()
    assert counts() == before
