"""Seed 002's registration form: out as .xlsx (and a printable page), back in as drafts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reports import services as report_services
from tests.workflows.conftest import advance, draft
from units.services import ImportRejected
from workflows import services as workflow_services
from workflows.models import AuditEntry, Field, Form, Initiative, Kind, State, Topic

pytestmark = pytest.mark.django_db

COMPARED = (
    "field",
    "title",
    "form",
    "person_name",
    "person_position",
    "address",
    "problem",
    "implementers",
    "expected_results",
    "kind",
    "replicates_id",
    "topic",
    "start_date",
    "situation",
    "objectives",
    "method",
    "beneficiaries",
    "lead_forces",
    "cooperating_forces",
    "resources_timeline",
    "outputs",
    "sustainability",
)


@pytest.fixture
def registered(world):
    """Four registrations of the department, spread over three fields, with every kind of
    value; the first is a recognised model, so another unit may name it as its source."""
    source = advance(world, draft(world, title="Chợ nông sản sạch"), State.RECOGNIZED)
    rows = [
        source,
        draft(
            world,
            title="Người tổ trưởng tận tụy",
            field=Field.VAN_HOA_XA_HOI,
            form=Form.INDIVIDUAL,
            person_name="Trần Thị Bình",
            person_position="Tổ trưởng tổ dân phố số 3",
            topic=Topic.CULTURE_COMMUNITY,
            start_date=datetime.date(2026, 2, 1),
            situation="Nhiều hộ chưa tham gia sinh hoạt\nkhu dân cư",
            objectives="100% hộ tham gia",
            method="Đến từng nhà",
            beneficiaries="Tổ dân phố số 3",
            lead_forces="Chi bộ",
            cooperating_forces="Hội Phụ nữ",
            resources_timeline="Quý I–IV",
            outputs="Biên bản họp tổ",
            sustainability="Duy trì hằng tháng",
        ),
        draft(
            world,
            title="Nhân rộng chợ sạch",
            kind=Kind.REPLICATION,
            replicates=source,
            expected_results="Thêm 2 chợ\nở xã bên",
        ),
        draft(world, title="Tổ an ninh tự quản", field=Field.QUOC_PHONG_AN_NINH),
    ]
    return rows


def _export(client, world, unit=None) -> bytes:
    unit = unit or world.units["dept"]
    client.force_login(world.staff)
    response = client.get(reverse("reports:form_xlsx", args=[unit.pk, world.year]))
    assert response.status_code == 200
    return response.content


def test_the_exported_form_has_the_seed_layout(world, registered, client):
    workbook = load_workbook(io.BytesIO(_export(client, world)))
    ws = workbook.worksheets[0]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row}
    assert cells[(1, 1)] == "ĐƠN VỊ: Sở Nông nghiệp"
    assert "ĐĂNG KÝ XÂY DỰNG, NHÂN RỘNG NĂM" in cells[(2, 1)]
    assert cells[(5, 1)] == "LĨNH VỰC/TÊN MÔ HÌNH, ĐIỂN HÌNH"
    assert cells[(5, 2)] == "HÌNH THỨC" and cells[(5, 4)] == "ĐỊA CHỈ"
    assert cells[(5, 5)].startswith("NỘI DUNG CỤ THỂ MÔ HÌNH") and cells[(5, 6)] == "TRONG ĐÓ"
    assert [cells[(6, c)] for c in (2, 3, 6, 7)] == [
        "Mô hình tập thể",
        "Mô hình cá nhân",
        "Xây dựng mới",
        "Nhân rộng",
    ]
    assert [cells[(7, c)] for c in range(1, 8)] == [1, 2, 3, 4, 5, 6, 7]
    column_a = [v for (r, c), v in sorted(cells.items()) if c == 1 and r >= 8 and v]
    assert column_a == [
        "I. LĨNH VỰC KINH TẾ",
        "1. Chợ nông sản sạch",
        "2. Nhân rộng chợ sạch",
        "II. LĨNH VỰC VĂN HÓA – XÃ HỘI",
        "1. Người tổ trưởng tận tụy",
        "III. LĨNH VỰC QUỐC PHÒNG – AN NINH",
        "1. Tổ an ninh tự quản",
        "IV. LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ",
        # A group without a model keeps numbered empty lines to fill in (rows 16–18).
        "1......",
        "2......",
        "3......",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:G1", "A2:G2", "A5:A6", "B5:C5", "D5:D6", "E5:E6", "F5:G5"} <= merged
    assert {"A8:G8", "A11:G11", "A13:G13", "A15:G15"} <= merged  # the four group rows
    signature = [r for r in merged if r.startswith("E") and int(r.split(":")[0][1:]) > 18]
    assert len(signature) == 2
    texts = {v for v in cells.values() if isinstance(v, str)}
    assert {"THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)"} <= texts
    # Marks: collective and new for the first row, individual with the person for the second.
    assert [cells[(9, c)] for c in (2, 6)] == ["x", "x"]
    assert "Trần Thị Bình" in cells[(12, 3)]
    assert cells[(10, 7)].startswith("x\nNhân rộng từ mô hình: #")


def test_round_trip_into_another_unit_keeps_every_field(world, registered, client):
    content = _export(client, world)
    created = report_services.import_registration_form(
        io.BytesIO(content),
        filename="bieu.xlsx",
        unit=world.units["dept2"],
        actor=world.other_staff,
        year=world.year,
    )
    assert len(created) == len(registered)
    originals = {i.title: i for i in registered}
    for copy in created:
        copy = Initiative.objects.get(pk=copy.pk)
        original = originals[copy.title]
        assert copy.unit == world.units["dept2"] and copy.state == "draft"
        for name in COMPARED:
            assert getattr(copy, name) == getattr(original, name), (copy.title, name)
        # Created through the door: audited.
        assert AuditEntry.objects.filter(initiative=copy, action="create").exists()


def test_a_committee_exports_one_sheet_per_unit_as_a_job(
    world, registered, client, django_capture_on_commit_callbacks, jobs_in_process
):
    from reports.models import ExportJob

    client.force_login(world.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:committee_forms"), {"year": world.year})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "done"
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    # The two departments with a head (one with four rows, one with none).
    assert [ws["A1"].value for ws in workbook.worksheets] == [
        "ĐƠN VỊ: Sở Nông nghiệp",
        "ĐƠN VỊ: Sở Y tế",
    ]


def test_the_printable_form(world, registered, client):
    client.force_login(world.head)
    response = client.get(reverse("reports:form_print", args=[world.units["dept"].pk, world.year]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr class="group">') == 4
    assert "THỦ TRƯỞNG ĐƠN VỊ" in html and "Chợ nông sản sạch" in html
    # The paper form stays Vietnamese for a reader who chose English.
    client.cookies["django_language"] = "en"
    html = client.get(reverse("reports:form_print", args=[world.units["dept"].pk, world.year]))
    assert "I. LĨNH VỰC KINH TẾ" in html.content.decode()


def test_form_export_is_404_outside_the_persons_units(world, registered, client):
    client.force_login(world.other_staff)
    url = reverse("reports:form_xlsx", args=[world.units["dept"].pk, world.year])
    assert client.get(url).status_code == 404
    client.force_login(world.b_reviewer)
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Bad uploads


def _upload(client, world, content: bytes, name: str = "bieu.xlsx", unit=None):
    client.force_login(world.other_staff)
    return client.post(
        reverse("reports:form_import"),
        {
            "unit": (unit or world.units["dept2"]).pk,
            "year": world.year,
            "file": SimpleUploadedFile(name, content),
        },
    )


def _counts():
    return Initiative.objects.count(), AuditEntry.objects.count()


def test_a_good_upload_through_the_page(world, registered, client):
    content = _export(client, world)
    before = Initiative.objects.count()
    response = _upload(client, world, content)
    assert response.status_code == 200
    assert Initiative.objects.count() == before + 4
    assert "Đã tạo 4 bản dự thảo" in response.content.decode()


def test_wrong_file_type_is_refused(world, client):
    before = _counts()
    response = _upload(client, world, b"a,b,c\n1,2,3\n", name="bieu.csv")
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel (.xlsx)" in response.content.decode()
    response = _upload(client, world, b"not really a spreadsheet", name="bieu.xlsx")
    assert "Không đọc được tệp Excel" in response.content.decode()
    assert _counts() == before


def _edit(content: bytes, change) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    change(workbook.worksheets[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_bad_row_creates_nothing_and_names_the_row(world, registered, client):
    content = _export(client, world)

    def break_rows(ws):
        ws["B9"] = None  # row 9: neither collective nor individual
        ws["A14"] = "2. "  # row 14: a numbered line without a title

    before = _counts()
    response = _upload(client, world, _edit(content, break_rows))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 9: cần đánh dấu đúng một trong hai cột “Mô hình tập thể” (2)" in html
    assert "Dòng 14: thiếu tên mô hình, điển hình (cột 1)." in html
    assert "không mô hình nào được tạo" in html
    assert _counts() == before


def test_a_row_refused_by_the_door_rolls_back_the_rows_before_it(world, registered, client):
    content = _export(client, world)

    def too_long(ws):
        # Row 12 (of rows 9, 10, 12, 14): a name longer than the model allows, which only the
        # door's validation catches, after rows 9 and 10 were created.
        ws["C12"] = "Họ tên: " + "x" * 151

    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        report_services.import_registration_form(
            io.BytesIO(_edit(content, too_long)),
            filename="bieu.xlsx",
            unit=world.units["dept2"],
            actor=world.other_staff,
            year=world.year,
        )
    assert [e.row for e in caught.value.errors] == [12]
    assert "họ tên cá nhân điển hình" in str(caught.value)
    assert _counts() == before


def test_a_missing_column_is_named(world, registered, client):
    content = _export(client, world)

    def drop_address(ws):
        ws.unmerge_cells("D5:D6")
        ws.delete_cols(4)

    before = _counts()
    response = _upload(client, world, _edit(content, drop_address))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 5: thiếu cột “ĐỊA CHỈ” (cột 4 của biểu mẫu)." in html
    assert _counts() == before


def test_a_sheet_that_is_not_the_form(world, client):
    workbook = Workbook()
    workbook.active.append(["Tên", "Địa chỉ"])
    workbook.active.append(["Mô hình", "Xã A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, world, buffer.getvalue())
    assert "Không tìm thấy dòng tiêu đề của biểu mẫu" in response.content.decode()


def test_import_only_into_the_persons_own_unit(world, registered, client):
    content = _export(client, world)
    before = _counts()
    response = _upload(client, world, content, unit=world.units["dept"])
    assert response.status_code == 400  # not one of the choices: the form refuses it
    assert _counts() == before
    client.force_login(world.reviewer)
    response = client.post(reverse("reports:form_import"), {})
    assert response.status_code == 404


def test_the_forms_page_for_a_unit_and_for_a_committee(world, registered, client):
    client.force_login(world.staff)
    html = client.get(reverse("reports:forms")).content.decode()
    assert reverse("reports:form_xlsx", args=[world.units["dept"].pk, world.year]) in html
    assert 'name="file"' in html  # staff may import
    assert reverse("reports:committee_forms") not in html
    client.force_login(world.reviewer)
    html = client.get(reverse("reports:forms")).content.decode()
    assert reverse("reports:committee_forms") in html
    assert 'name="file"' not in html  # a committee does not register for its units
    url = reverse("reports:committee_form_print", args=[world.year])
    page = client.get(url).content.decode()
    assert page.count('class="paper sheet"') == 2 and "Chợ nông sản sạch" in page
    client.force_login(world.staff)
    assert client.get(url).status_code == 404


def test_a_failed_job_says_so(world, client):
    from reports.models import ExportJob
    from reports.tasks import run_export

    job = ExportJob.objects.create(
        kind="report", requested_by=world.leader, params={"committee": 0}
    )
    run_export(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error
    client.force_login(world.leader)
    html = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "Không xuất được tệp" in html
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404


def test_a_year_without_a_campaign_is_refused_as_a_whole(world, registered, client):
    # The form's title names the year the rows are for (part 5): a form of next year, which
    # the committee has not opened.
    def next_year(ws):
        ws["A2"] = ws["A2"].value.replace(str(world.year), str(world.year + 1))

    content = _edit(_export(client, world), next_year)
    before = _counts()
    client.force_login(world.other_staff)
    response = client.post(
        reverse("reports:form_import"),
        {
            "unit": world.units["dept2"].pk,
            "year": world.year + 1,
            "file": SimpleUploadedFile("bieu.xlsx", content),
        },
    )
    assert response.status_code == 400
    assert f"chưa mở đợt thi đua năm {world.year + 1}" in response.content.decode()
    assert _counts() == before


def test_the_year_comes_from_the_forms_title_and_a_different_one_is_refused(
    world, registered, client
):
    content = _export(client, world)
    before = _counts()
    client.force_login(world.other_staff)
    refused = client.post(
        reverse("reports:form_import"),
        {
            "unit": world.units["dept2"].pk,
            "year": world.year - 1,
            "file": SimpleUploadedFile("bieu.xlsx", content),
        },
    )
    assert refused.status_code == 400
    assert (
        f"Dòng 2: tiêu đề biểu mẫu ghi năm {world.year} nhưng đang nhập cho năm {world.year - 1}"
    ) in refused.content.decode()
    assert _counts() == before

    # No year chosen: the title's.
    taken = client.post(
        reverse("reports:form_import"),
        {"unit": world.units["dept2"].pk, "file": SimpleUploadedFile("bieu.xlsx", content)},
    )
    assert taken.status_code == 200
    years = set(Initiative.objects.filter(unit=world.units["dept2"]).values_list("year", flat=True))
    assert years == {world.year}


def test_uploading_a_form_again_creates_nothing_new(world, registered, client):
    content = _export(client, world)
    first = _upload(client, world, content)
    assert first.status_code == 200
    before = _counts()
    again = _upload(client, world, content)
    html = again.content.decode()
    assert again.status_code == 200
    assert _counts() == before
    assert "4 mô hình trong biểu mẫu đơn vị đã đăng ký trước đây cho năm này" in html
    assert "Dòng 9:" in html and "Chợ nông sản sạch" in html

    # Its own unit's form, uploaded into its own unit: the same.
    created = report_services.import_registration_form(
        io.BytesIO(content),
        filename="bieu.xlsx",
        unit=world.units["dept"],
        actor=world.staff,
        year=world.year,
    )
    assert list(created) == [] and len(created.existing) == 4
    assert _counts() == before


def test_a_near_duplicate_row_is_refused_with_its_row_and_the_model(world, registered, client):
    content = _export(client, world)

    def reword(ws):
        ws["A9"] = "1. Chợ nông sản sạch của xã"  # near "Chợ nông sản sạch" (row 9)
        ws["A14"] = "1. Đội dân phòng tuần tra ban đêm"  # like nothing the unit has

    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        report_services.import_registration_form(
            io.BytesIO(_edit(content, reword)),
            filename="bieu.xlsx",
            unit=world.units["dept"],
            actor=world.staff,
            year=world.year,
        )
    errors = {e.row: e.message for e in caught.value.errors}
    assert list(errors) == [9], errors
    assert "gần trùng với mô hình đơn vị đã đăng ký năm" in errors[9]
    assert "“Chợ nông sản sạch” (Sở Nông nghiệp" in errors[9]
    assert _counts() == before


def test_two_rows_of_one_file_alike_are_refused(world, registered, client):
    content = _export(client, world)

    def repeat(ws):
        ws["A12"] = "1. Tổ an ninh tự quản thôn"
        ws["A14"] = "1. Tổ an ninh tự quản thôn"

    with pytest.raises(ImportRejected) as caught:
        report_services.import_registration_form(
            io.BytesIO(_edit(content, repeat)),
            filename="bieu.xlsx",
            unit=world.units["dept2"],
            actor=world.other_staff,
            year=world.year,
        )
    assert [(e.row, e.message) for e in caught.value.errors] == [
        (14, "“Tổ an ninh tự quản thôn” trùng hoặc gần trùng với dòng 12 của tệp.")
    ]


def test_the_blank_form_has_empty_lines_under_each_group(world, client):
    workbook = load_workbook(io.BytesIO(_export(client, world)))  # nothing registered yet
    ws = workbook.worksheets[0]
    column_a = [ws.cell(r, 1).value for r in range(8, 24)]
    for start in (8, 12, 16, 20):  # each group's heading, then its three empty lines
        assert column_a[start - 8].split(".")[0] in {"I", "II", "III", "IV"}
        assert column_a[start - 7 : start - 4] == ["1......", "2......", "3......"]
    assert ws.cell(24, 1).value is None
    client.force_login(world.staff)
    printed = client.get(reverse("reports:form_print", args=[world.units["dept"].pk, world.year]))
    assert printed.content.decode().count('<tr class="blank">') == 12
    # Sent back as it is, the blank form has nothing to import.
    with pytest.raises(ImportRejected) as caught:
        report_services.read_registration_form(io.BytesIO(workbook_bytes(workbook)), "bieu.xlsx")
    assert str(caught.value) == "Biểu mẫu chưa có mô hình, điển hình nào."


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_form_typed_from_the_seed_paper_is_read(world):
    """A unit that typed seed 002's table into Excel itself: no unit line, seed headings with a
    hyphen, placeholder lines "2.....", free text in column 5, a name in column 3."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(["ĐƠN VỊ:....."])
    ws.append([])
    ws.append(
        [
            "LĨNH VỰC/TÊN MÔ HÌNH, ĐIỂN HÌNH",
            "HÌNH THỨC",
            None,
            "ĐỊA CHỈ",
            "NỘI DUNG CỤ THỂ MÔ HÌNH, ĐIỂN HÌNH (Nêu tóm tắt …)",
            "TRONG ĐÓ",
        ]
    )
    ws.append([None, "Mô hình tập thể", "Mô hình cá nhân", None, None, "Xây dựng mới", "Nhân rộng"])
    ws.append([1, 2, 3, 4, 5, 6, 7])
    ws.append(["I. LĨNH VỰC KINH TẾ"])
    ws.append(["1. Tổ hợp tác rau an toàn", "X", None, "Xã A", "Giúp hộ nghèo có đầu ra", "X"])
    ws.append(["2....."])
    ws.append(["II. LĨNH VỰC VĂN HÓA - XÃ HỘI"])
    ws.append(["1.....", None, None, None, None, None, None])
    ws.append(["III. LĨNH VỰC QUỐC PHÒNG - AN NINH"])
    ws.append(
        ["1. Già làng giữ bình yên bản", None, "Nguyễn Văn Xuân", "Bản B", "Hòa giải", None, "x"]
    )
    ws.append(["IV. LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ"])
    ws.append([])
    ws.append([None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    rows = report_services.read_registration_form(buffer, "bieu.xlsx")
    assert [(r.number, r.fields["field"], r.fields["title"]) for r in rows] == [
        (7, Field.KINH_TE, "Tổ hợp tác rau an toàn"),
        (12, Field.QUOC_PHONG_AN_NINH, "Già làng giữ bình yên bản"),
    ]
    first, second = (r.fields for r in rows)
    assert (first["form"], first["kind"], first["problem"]) == (
        Form.COLLECTIVE,
        Kind.NEW,
        "Giúp hộ nghèo có đầu ra",
    )
    assert (second["form"], second["kind"], second["person_name"]) == (
        Form.INDIVIDUAL,
        Kind.REPLICATION,
        "Nguyễn Văn Xuân",
    )


def test_an_import_cannot_replicate_a_hidden_model_nor_learn_whether_it_exists(
    world, registered, client
):
    # Another province's draft: neither published nor in the importing person's scope.
    hidden = workflow_services.create_initiative(
        unit=world.units["dept_b"],
        actor=world.b_staff,
        year=world.year,
        title="Bản nháp bí mật của tỉnh B",
        field=Field.KINH_TE,
    )
    missing = Initiative.objects.order_by("-pk").first().pk + 1000
    content = _export(client, world)
    messages = {}
    for source in (hidden.pk, missing):

        def point_at(ws, source=source):
            ws["G10"] = f"x\nNhân rộng từ mô hình: #{source}"

        before = _counts()
        with pytest.raises(ImportRejected) as caught:
            report_services.import_registration_form(
                io.BytesIO(_edit(content, point_at)),
                filename="bieu.xlsx",
                unit=world.units["dept2"],
                actor=world.other_staff,
                year=world.year,
            )
        assert _counts() == before
        assert [e.row for e in caught.value.errors] == [10]
        messages[source] = str(caught.value.errors[0].message).replace(str(source), "#")
        response = _upload(client, world, _edit(content, point_at))
        assert response.status_code == 400
        assert hidden.title not in response.content.decode()
        assert _counts() == before
    assert messages[hidden.pk] == messages[missing]
    assert "không có mô hình số # để nhân rộng." in messages[missing]
