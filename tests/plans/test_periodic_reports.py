"""Issue #16, "Done when" (periodic reports): a monthly cycle over three months whose pre-filled
figures match a count made by hand from the registrations below; units submit through the same
lifecycle; the compilation as a page, an .xlsx and a .docx holds the right figures (read back);
the 3-year review draws on the same data."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import docx
import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from plans.models import Filing
from tests.api.conftest import Api
from workflows.models import AuditEntry, Initiative, Kind, State

pytestmark = pytest.mark.postgres

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = timezone.localdate().year - 1  # three months of last year: always complete
ZERO = {
    "registered": 0,
    "implemented": 0,
    "recognised": 0,
    "replicated": 0,
    "people_reached": 0,
    "funds_mobilised": 0,
}


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(YEAR, month, day, 12, 0, tzinfo=TZ)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(YEAR, month, day)


def _model(world, unit, state, created, *, kind=Kind.NEW, start=None, recognised=None, **more):
    initiative = Initiative.objects.create(
        campaign=world.campaign,
        unit=unit,
        year=YEAR,
        state=state,
        kind=kind,
        field="kinh_te",
        title=f"Mô hình {state} {created:%d/%m}",
        address="Xã A",
        problem="-",
        implementers="-",
        expected_results="-",
        start_date=start,
        recognized_at=recognised,
        created_by=world.staff,
        **more,
    )
    Initiative.objects.filter(pk=initiative.pk).update(created=created)


def _registrations(world) -> None:
    """What the figures are counted from (see the expected values below, counted by hand)."""
    snn, syt = world.units["dept"], world.units["dept2"]
    _model(world, snn, State.SCREENING, at(4, 10))
    _model(world, snn, State.IMPLEMENTING, at(4, 15), kind=Kind.REPLICATION, start=d(5, 3))
    _model(world, snn, State.DRAFT, at(4, 20))  # never sent: not counted
    _model(
        world,
        snn,
        State.RECOGNIZED,
        at(1, 5),
        start=d(2, 1),
        recognised=at(6, 20),
        result_people_reached=120,
        result_funds_mobilised=5_000_000,
    )
    _model(world, syt, State.WITHDRAWN, at(5, 2))  # withdrawn: not counted
    _model(
        world,
        syt,
        State.COMMENDED,
        at(5, 12),
        kind=Kind.REPLICATION,
        start=d(5, 20),
        recognised=at(6, 28),
        result_people_reached=30,
    )
    _model(world, syt, State.NOT_RECOGNIZED, at(6, 1), start=d(6, 5))
    _model(world, world.units["dept_b"], State.SCREENING, at(4, 10))  # another province


EXPECTED = {
    4: {"SNN": {**ZERO, "registered": 2, "replicated": 1}, "SYT": ZERO, "SNN_P1": ZERO},
    5: {
        "SNN": {**ZERO, "implemented": 1},
        "SYT": {**ZERO, "registered": 1, "replicated": 1, "implemented": 1},
        "SNN_P1": ZERO,
    },
    6: {
        "SNN": {**ZERO, "recognised": 1, "people_reached": 120, "funds_mobilised": 5_000_000},
        "SYT": {**ZERO, "registered": 1, "implemented": 1, "recognised": 1, "people_reached": 30},
        "SNN_P1": ZERO,
    },
}


def _report(world, filing_id: int, staff, head, *, figures=None, text="Kết quả tốt") -> None:
    staff_api = Api(staff)
    body = {"sections": {"s1": text, "s2": "Không"}, "figures": {"f1": 4, **(figures or {})}}
    r = staff_api.patch(f"/filings/{filing_id}", body)
    assert r.status_code == 200, r.json()
    assert staff_api.post(f"/filings/{filing_id}/actions/submit").status_code == 200
    r = Api(head).post(f"/filings/{filing_id}/actions/sign")
    assert r.status_code == 200, r.json()


def test_three_monthly_reports_prefilled_submitted_compiled_and_read_back(world):
    _registrations(world)
    leader, reviewer = Api(world.leader), Api(world.reviewer)
    r = leader.post(
        "/report-calendars",
        {
            "committee": world.units["bdv"].pk,
            "year": YEAR,
            "monthly_day": 5,
            "quarterly_day": 10,
            "sections": ["Kết quả nổi bật", "Khó khăn, vướng mắc"],
            "extra_figures": ["Số buổi tuyên truyền"],
        },
    )
    assert r.status_code == 201, r.json()
    calendar_id = r.json()["id"]
    # Only the leader sets the calendar; a reviewer opens periods; others see nothing.
    assert (
        reviewer.post(
            "/report-calendars",
            {"committee": world.units["bdv"].pk, "year": YEAR, "monthly_day": 3},
        ).status_code
        == 403
    )
    assert (
        Api(world.b_reviewer)
        .post("/report-periods", {"calendar": calendar_id, "frequency": "month", "index": 4})
        .status_code
        == 404
    )

    periods = {}
    for month in (4, 5, 6):
        r = reviewer.post(
            "/report-periods", {"calendar": calendar_id, "frequency": "month", "index": month}
        )
        assert r.status_code == 201, r.json()
        assert r.json()["due_on"] == d(month + 1, 5).isoformat()
        periods[month] = r.json()["id"]
    r = reviewer.post(
        "/report-periods", {"calendar": calendar_id, "frequency": "month", "index": 4}
    )
    assert r.status_code == 409  # opened once

    # Pre-filled figures equal the count made by hand, unit by unit, month by month.
    for month, expected in EXPECTED.items():
        filings = Filing.objects.filter(period_id=periods[month]).select_related("unit")
        assert {f.unit.code: f.prefilled for f in filings} == expected, month
        assert {f.unit.code: {k: f.figures[k] for k in ZERO} for f in filings} == expected

    # Units check the figures, write their sections and send. Month 5: Sở Y tế is returned
    # once and sends again; month 6: Sở Nông nghiệp corrects a figure; the office never files.
    for month in (4, 5, 6):
        filings = {
            f.unit.code: f
            for f in Filing.objects.filter(period_id=periods[month]).select_related("unit")
        }
        snn_figures = {"people_reached": 125} if month == 6 else {}
        _report(
            world,
            filings["SNN"].pk,
            world.staff,
            world.head,
            figures=snn_figures,
            text=f"Tháng {month}: tổ chức hội nghị",
        )
        # Text a spreadsheet would run as a formula stays text in the .xlsx.
        _report(world, filings["SYT"].pk, world.other_staff, world.other_head, text="=1+2 hội nghị")
        if month == 5:
            r = reviewer.post(
                f"/filings/{filings['SYT'].pk}/actions/return", {"comment": "Thiếu số liệu"}
            )
            assert r.json()["state"] == "draft"
            assert (
                Api(world.other_staff)
                .post(f"/filings/{filings['SYT'].pk}/actions/submit")
                .status_code
                == 200
            )
            assert (
                Api(world.other_head).post(f"/filings/{filings['SYT'].pk}/actions/sign").status_code
                == 200
            )
        assert reviewer.post(f"/filings/{filings['SNN'].pk}/actions/accept").status_code == 200

    # Bad figures are refused and change nothing.
    june_snn = Filing.objects.get(period_id=periods[6], unit__code="SNN_P1")
    r = Api(world.office_staff).patch(f"/filings/{june_snn.pk}", {"figures": {"registered": -1}})
    assert r.status_code == 400
    r = Api(world.office_staff).patch(f"/filings/{june_snn.pk}", {"figures": {"nonsense": 1}})
    assert r.status_code == 400 and "figures" in r.json()["field_errors"]

    # The standing of June: two sent (late: the period was last year), the office overdue.
    r = reviewer.get(f"/report-periods/{periods[6]}/standing")
    assert r.json()["counts"]["late"] == 2 and r.json()["counts"]["overdue"] == 1
    r = reviewer.get(f"/report-periods/{periods[5]}/standing")
    assert r.json()["counts"]["returned_refiled"] == 1

    # The compilation: figures summed over the units that sent, sections side by side.
    r = reviewer.get(f"/report-periods/{periods[6]}/compilation")
    assert r.status_code == 200
    june = r.json()
    assert june["sent"] == 2 and june["units"] == 3
    assert june["totals"] == {
        "registered": 1,
        "implemented": 1,
        "recognised": 2,
        "replicated": 0,
        "people_reached": 155,  # 125 as corrected by the unit + 30
        "funds_mobilised": 5_000_000,
        "f1": 8,
    }
    assert june["system_totals"]["people_reached"] == 150
    snn_row = next(row for row in june["rows"] if row["unit_name"] == "Sở Nông nghiệp")
    assert snn_row["sections"] == {"s1": "Tháng 6: tổ chức hội nghị", "s2": "Không"}

    # .xlsx, read back.
    r = reviewer.client.get(f"/api/v1/report-periods/{periods[6]}/compilation", {"file": "xlsx"})
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row[0] == "Đơn vị")
    total = next(row for row in rows if row[0] == "Tổng cộng (đơn vị đã gửi)")
    by_title = dict(zip(header[2:], total[2:], strict=True))
    assert by_title["Số người được hưởng lợi"] == 155
    assert by_title["Kinh phí huy động (đồng)"] == 5_000_000
    assert by_title["Số mô hình được công nhận"] == 2
    assert by_title["Số buổi tuyên truyền"] == 8
    snn_xlsx = next(row for row in rows if row[0] == "Sở Nông nghiệp")
    assert snn_xlsx[2:8] == [0, 0, 1, 0, 125, 5_000_000]
    sections = book.worksheets[1]
    section_rows = [[c.value for c in row] for row in sections.iter_rows()]
    assert ["Sở Nông nghiệp", "Tháng 6: tổ chức hội nghị", "Không"] in section_rows
    assert ["Sở Y tế", "'=1+2 hội nghị", "Không"] in section_rows

    # .docx (through the page), read back.
    page = Client()
    page.force_login(world.reviewer)
    r = page.get(f"/bao-cao-dinh-ky/ky/{periods[6]}/", {"tai": "docx"})
    assert r.status_code == 200
    document = docx.Document(io.BytesIO(r.content))
    table = document.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][0] == "Đơn vị" and "Số người được hưởng lợi" in cells[0]
    people = cells[0].index("Số người được hưởng lợi")
    assert cells[-1][0] == "Tổng cộng" and cells[-1][people] == "155"
    assert cells[-1][cells[0].index("Kinh phí huy động (đồng)")] == "5.000.000"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tháng 6: tổ chức hội nghị" in text and "Phòng Trồng trọt" in text  # not yet sent

    # The page shows the same totals; outsiders read "not found" everywhere.
    html = page.get(f"/bao-cao-dinh-ky/ky/{periods[6]}/").content.decode()
    assert "<td><strong>155</strong></td>" in html
    outsider = Client()
    outsider.force_login(world.b_reviewer)
    assert outsider.get(f"/bao-cao-dinh-ky/ky/{periods[6]}/").status_code == 404
    assert Api(world.b_reviewer).get(f"/report-periods/{periods[6]}/compilation").status_code == 404
    assert Api(world.staff).get(f"/report-periods/{periods[6]}/compilation").status_code == 404

    # The 3-year review draws on the same data: last year's figures over the whole year.
    r = page.get("/bao-cao-dinh-ky/so-ket/", {"tu": YEAR - 2, "den": YEAR, "tai": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    year_row = next(row for row in rows if row[0] == YEAR)
    # Registered in the year: SNN 2 + the recognised one (created in January) + SYT 2;
    # implemented (started in the year): SNN 2, SYT 2.
    assert year_row[1:7] == [5, 4, 2, 2, 150, 5_000_000]

    assert AuditEntry.objects.filter(subject_type="report_period", action="open").count() == 3
