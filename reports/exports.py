"""Spreadsheets: seed 002's registration form (out and, in reports.services, back in) and the
committee's report. The form is the provincial paper form, so it is always written in
Vietnamese whatever the reader's language; reports.services reads back what this writes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import clean, write
from units.models import Unit
from workflows.models import Field, Form, Initiative, Kind, Topic

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Seed 002's four groups, in the form's order, with their Roman numerals.
GROUPS: tuple[tuple[str, str], ...] = (
    ("I", Field.KINH_TE),
    ("II", Field.VAN_HOA_XA_HOI),
    ("III", Field.QUOC_PHONG_AN_NINH),
    ("IV", Field.XAY_DUNG_HE_THONG_CHINH_TRI),
)
COLUMNS = 7
HEADER_ROW = 5  # the two header rows are 5 and 6, the column numbers row 7
FIRST_DATA_ROW = 8
MARK = "x"
# A group without any model gets this many numbered empty lines ("1.....") to fill in by hand,
# as on the paper form; the import skips them while they stay empty.
BLANK_LINES = 3


def blank_line(number: int) -> str:
    return f"{number}......"


def group_heading(field: str) -> str:
    numeral = dict((f, n) for n, f in GROUPS)[field]
    return f"{numeral}. " + _("LĨNH VỰC %(field)s") % {"field": str(Field(field).label).upper()}


def header_labels() -> dict[str, str]:
    """Column key → the header text written in the form (rows 5 and 6)."""
    return {
        "title": _("LĨNH VỰC/TÊN MÔ HÌNH, ĐIỂN HÌNH"),
        "form": _("HÌNH THỨC"),
        "collective": _("Mô hình tập thể"),
        "individual": _("Mô hình cá nhân"),
        "address": _("ĐỊA CHỈ"),
        "content": _(
            "NỘI DUNG CỤ THỂ MÔ HÌNH, ĐIỂN HÌNH (Nêu tóm tắt mô hình giải quyết vấn đề gì; "
            "tổ chức, cá nhân thực hiện; dự kiến kết quả mô hình đem lại)"
        ),
        "of_which": _("TRONG ĐÓ"),
        "new": _("Xây dựng mới"),
        "replication": _("Nhân rộng"),
    }


def content_labels() -> list[tuple[str, str]]:
    """The labelled lines of column 5, in order: model field → label."""
    return [
        ("problem", _("Vấn đề giải quyết")),
        ("implementers", _("Tổ chức, cá nhân thực hiện")),
        ("expected_results", _("Dự kiến kết quả")),
        ("topic", _("Chủ đề")),
        ("start_date", _("Ngày bắt đầu")),
        ("situation", _("Thực trạng, lý do")),
        ("objectives", _("Mục tiêu, chỉ tiêu")),
        ("method", _("Nội dung, cách làm")),
        ("beneficiaries", _("Địa bàn, đối tượng")),
        ("lead_forces", _("Lực lượng chủ trì")),
        ("cooperating_forces", _("Lực lượng phối hợp")),
        ("resources_timeline", _("Nguồn lực, tiến độ")),
        ("outputs", _("Sản phẩm đầu ra")),
        ("sustainability", _("Duy trì, nhân rộng")),
    ]


def person_labels() -> list[tuple[str, str]]:
    return [("person_name", _("Họ tên")), ("person_position", _("Chức vụ"))]


def replication_label() -> str:
    return _("Nhân rộng từ mô hình")


def _labelled(pairs: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"{label}: {value}" for label, value in pairs if value)


def content_text(initiative: Initiative) -> str:
    values = []
    for name, label in content_labels():
        value = getattr(initiative, name)
        if name == "topic" and value:
            value = str(Topic(value).label)
        elif name == "start_date" and value:
            value = value.strftime("%d/%m/%Y")
        values.append((label, value or ""))
    return _labelled(values)


def individual_text(initiative: Initiative) -> str:
    if initiative.form != Form.INDIVIDUAL:
        return ""
    text = _labelled((label, getattr(initiative, name)) for name, label in person_labels())
    return text or MARK


def replication_text(initiative: Initiative) -> str:
    if initiative.kind != Kind.REPLICATION:
        return ""
    if initiative.replicates_id:
        source = initiative.replicates
        return f"{MARK}\n{replication_label()}: #{source.pk} {source.title}"
    return MARK


# ---------------------------------------------------------------------------------------------
# Writing the form

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)


def _merge(ws: Worksheet, cells: str, value, *, font=None, align=CENTRE) -> None:
    ws.merge_cells(cells)
    first = write(ws[cells.split(":")[0]], value)
    first.alignment = align
    if font:
        first.font = font


def write_registration_sheet(
    ws: Worksheet, unit: Unit, year: int, initiatives: list[Initiative]
) -> None:
    """Seed 002's form for one unit and year on `ws`."""
    labels = header_labels()
    last = get_column_letter(COLUMNS)
    _merge(
        ws,
        f"A1:{last}1",
        _("ĐƠN VỊ: %(unit)s") % {"unit": unit.name},
        font=BOLD,
        align=Alignment(horizontal="left"),
    )
    _merge(
        ws,
        f"A2:{last}2",
        _("SỐ MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” ĐĂNG KÝ XÂY DỰNG, NHÂN RỘNG NĂM %(year)d")
        % {"year": year},
        font=Font(bold=True, size=13),
    )
    _merge(ws, f"A3:{last}3", _("(Theo biểu mẫu đăng ký của Ban Dân vận)"), font=Font(italic=True))
    h, s = HEADER_ROW, HEADER_ROW + 1
    _merge(ws, f"A{h}:A{s}", labels["title"], font=BOLD)
    _merge(ws, f"B{h}:C{h}", labels["form"], font=BOLD)
    write(ws[f"B{s}"], labels["collective"])
    write(ws[f"C{s}"], labels["individual"])
    _merge(ws, f"D{h}:D{s}", labels["address"], font=BOLD)
    _merge(ws, f"E{h}:E{s}", labels["content"], font=BOLD)
    _merge(ws, f"F{h}:G{h}", labels["of_which"], font=BOLD)
    write(ws[f"F{s}"], labels["new"])
    write(ws[f"G{s}"], labels["replication"])
    for col in range(1, COLUMNS + 1):
        ws.cell(s, col).alignment = CENTRE
        number = write(ws.cell(s + 1, col), col)
        number.font = Font(italic=True)
        number.alignment = CENTRE
    row = FIRST_DATA_ROW
    by_field: dict[str, list[Initiative]] = {f: [] for _n, f in GROUPS}
    for initiative in initiatives:
        by_field.setdefault(initiative.field, []).append(initiative)
    for _numeral, field in GROUPS:
        _merge(
            ws,
            f"A{row}:{last}{row}",
            group_heading(field),
            font=BOLD,
            align=Alignment(horizontal="left"),
        )
        row += 1
        for number, initiative in enumerate(by_field[field], start=1):
            values = [
                f"{number}. {initiative.title}",
                MARK if initiative.form == Form.COLLECTIVE else "",
                individual_text(initiative),
                initiative.address,
                content_text(initiative),
                MARK if initiative.kind == Kind.NEW else "",
                replication_text(initiative),
            ]
            for col, value in enumerate(values, start=1):
                cell = write(ws.cell(row, col), value)
                cell.alignment = WRAP if col in (1, 4, 5) else CENTRE
            row += 1
        if not by_field[field]:
            for number in range(1, BLANK_LINES + 1):
                write(ws.cell(row, 1), blank_line(number)).alignment = WRAP
                ws.row_dimensions[row].height = 30
                row += 1
    for r in range(HEADER_ROW, row):
        for col in range(1, COLUMNS + 1):
            ws.cell(r, col).border = BOX
    row += 1
    _merge(ws, f"E{row}:G{row}", _("THỦ TRƯỞNG ĐƠN VỊ"), font=BOLD)
    _merge(ws, f"E{row + 1}:G{row + 1}", _("(Ký tên, đóng dấu)"), font=Font(italic=True))
    for col, width in zip("ABCDEFG", (40, 11, 16, 24, 60, 11, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.print_options.horizontalCentered = True
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 2}"


def _sheet_title(unit: Unit, used: set[str]) -> str:
    name = clean(unit.short_name or unit.code or unit.name)
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:28] or "DV"
    title, n = base, 2
    while title.lower() in used:
        title, n = f"{base[:26]}~{n}", n + 1
    used.add(title.lower())
    return title


def registration_workbook(
    sheets: list[tuple[Unit, list[Initiative]]],
    year: int,
    *,
    progress: Callable[[int], None] | None = None,
) -> Workbook:
    """One sheet per unit, each seed 002's form; `progress` hears the percentage done."""
    with translation.override("vi"):
        workbook = Workbook()
        workbook.remove(workbook.active)
        used: set[str] = set()
        for index, (unit, initiatives) in enumerate(sheets, start=1):
            ws = workbook.create_sheet(_sheet_title(unit, used))
            write_registration_sheet(ws, unit, year, initiatives)
            if progress:
                progress(int(100 * index / len(sheets)))
        if not sheets:
            workbook.create_sheet("-")
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The committee's report


def _table(ws: Worksheet, row: int, title: str, header: list[str], rows: list[list]) -> int:
    write(ws.cell(row, 1), title).font = Font(bold=True, size=12)
    row += 1
    for col, text in enumerate(header, start=1):
        cell = write(ws.cell(row, col), text)
        cell.font = BOLD
        cell.border = BOX
    for values in rows:
        row += 1
        for col, value in enumerate(values, start=1):
            write(ws.cell(row, col), value).border = BOX
    return row + 2


def report_workbook(report: dict, *, period_label: str) -> Workbook:
    """The committee's report: one sheet of summary tables, one per unit, steps and trend."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = _("Tổng hợp")[:31]
    title = _("BÁO CÁO PHONG TRÀO “DÂN VẬN KHÉO” — %(committee)s") % {
        "committee": report["committee"].name
    }
    write(ws["A1"], title).font = Font(bold=True, size=13)
    write(ws["A2"], period_label)
    count, label = _("Số lượng"), _("Nội dung")
    row = 4
    row = _table(
        ws,
        row,
        _("Tổng quát"),
        [label, count],
        [
            [_("Tổng số mô hình, điển hình"), report["total"]],
            [_("Xây dựng mới"), report["new"]],
            [_("Nhân rộng"), report["replication"]],
            [_("Được công nhận"), report["recognized"]],
            [_("Được khen thưởng"), report["commended"]],
            [_("Đơn vị chưa đạt chỉ tiêu"), len(report["under_quota"])],
        ],
    )
    for key, title in (
        ("by_field", _("Theo lĩnh vực")),
        ("by_form", _("Theo hình thức")),
        ("by_kind", _("Theo loại")),
        ("by_state", _("Theo trạng thái")),
    ):
        row = _table(
            ws, row, title, [label, count], [[r["label"], r["count"]] for r in report[key]]
        )
    ws.column_dimensions["A"].width = 45

    units = workbook.create_sheet(_("Theo đơn vị")[:31])
    _table(
        units,
        1,
        _("Theo đơn vị"),
        [_("Đơn vị"), count, _("Được công nhận")],
        [[r["name"], r["count"], r["recognized"]] for r in report["by_unit"]],
    )
    _table(
        units,
        len(report["by_unit"]) + 5,
        _("Đơn vị chưa đạt chỉ tiêu"),
        [_("Đơn vị"), _("Đã đăng ký"), _("Chỉ tiêu"), _("Còn thiếu")],
        [
            [r["unit"].name, r["registered"], r["quota"], r["missing"]]
            for r in report["under_quota"]
        ],
    )
    units.column_dimensions["A"].width = 45

    steps = workbook.create_sheet(_("Thời gian xử lý")[:31])
    _table(
        steps,
        1,
        _("Thời gian ở mỗi bước (ngày)"),
        [
            _("Bước"),
            _("Số lượt"),
            _("Trung bình"),
            _("Trung vị"),
            _("Lâu nhất"),
            _("Mô hình lâu nhất"),
        ],
        [
            [s["label"], s["count"], s["mean"], s["median"], s["slowest"], s["slowest_title"]]
            for s in report["steps"]
        ],
    )
    steps.column_dimensions["A"].width = 30

    trend = workbook.create_sheet(_("Theo năm")[:31])
    _table(
        trend,
        1,
        _("Xu hướng theo năm"),
        [
            _("Năm"),
            _("Tổng số"),
            _("Xây dựng mới"),
            _("Nhân rộng"),
            _("Được công nhận"),
            _("Được khen thưởng"),
        ],
        [
            [t["year"], t["count"], t["new"], t["replication"], t["recognized"], t["commended"]]
            for t in report["trend"]
        ],
    )
    return workbook
