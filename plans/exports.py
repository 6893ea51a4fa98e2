"""The committee's compilation and reviews as an .xlsx workbook (every cell through
core.spreadsheets, like the other exports) and as a Word document (python-docx) the committee
edits into its own report to the level above."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.spreadsheets import clean, write

WRAP = Alignment(wrap_text=True, vertical="top")


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _header(ws, row: int, labels: list[str]) -> None:
    for col, text in enumerate(labels, start=1):
        cell = write(ws.cell(row, col), text)
        cell.font = Font(bold=True)
        cell.alignment = WRAP


# ---------------------------------------------------------------------------------------------
# A period's compilation


def compilation_workbook(data: dict) -> bytes:
    period = data["period"]
    book = Workbook()
    ws = book.active
    ws.title = _("Số liệu")[:31]
    write(ws.cell(1, 1), f"{data['committee'].name} — {period.label}").font = Font(
        bold=True, size=13
    )
    write(ws.cell(2, 1), _("Đơn vị đã gửi: %(sent)s/%(units)s") % data)
    labels = [_("Đơn vị"), _("Tình trạng")] + [f["title"] for f in data["figure_items"]]
    _header(ws, 4, labels)
    row = 5
    for item in data["rows"]:
        write(ws.cell(row, 1), item["unit"].name)
        write(ws.cell(row, 2), item["standing"])
        for col, value in enumerate(item["figures"], start=3):
            write(ws.cell(row, col), value)
        row += 1
    write(ws.cell(row, 1), _("Tổng cộng (đơn vị đã gửi)")).font = Font(bold=True)
    for col, value in enumerate(data["totals"], start=3):
        write(ws.cell(row, col), value).font = Font(bold=True)
    row += 1
    write(ws.cell(row, 1), _("Hệ thống tính (mọi đơn vị)"))
    for col, value in enumerate(data["system_totals"], start=3):
        write(ws.cell(row, col), value)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 22

    if data["sections"]:
        sheet = book.create_sheet(_("Nội dung")[:31])
        _header(sheet, 1, [_("Đơn vị")] + [s["title"] for s in data["sections"]])
        for r, item in enumerate(data["rows"], start=2):
            write(sheet.cell(r, 1), item["unit"].name)
            for col, text in enumerate(item["sections"], start=2):
                write(sheet.cell(r, col), text).alignment = WRAP
        sheet.column_dimensions["A"].width = 40
    return _bytes(book)


def _heading(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean(text))
    run.bold = True
    run.font.size = Pt(14)


def _table(document, labels: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(labels))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, labels, strict=True):
        cell.text = clean(str(text))
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else clean(str(value))


def _number(value) -> str:
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def compilation_document(data: dict) -> bytes:
    period = data["period"]
    document = Document()
    top = document.add_paragraph()
    top.add_run(clean(data["committee"].name.upper())).bold = True
    top.add_run("\t\t" + _("ĐẢNG CỘNG SẢN VIỆT NAM")).bold = True
    _heading(document, _("BÁO CÁO TỔNG HỢP") + "\n" + period.label)
    document.add_paragraph(
        _("Tổng hợp từ báo cáo của %(sent)s/%(units)s đơn vị (lập ngày %(day)s).")
        % {**data, "day": timezone.localdate().strftime("%d/%m/%Y")}
    )
    document.add_heading(_("I. Số liệu"), level=2)
    labels = [f["title"] for f in data["figure_items"]]
    _table(
        document,
        [_("Đơn vị"), *labels],
        [[r["unit"].name, *map(_number, r["figures"])] for r in data["rows"] if r["sent"]]
        + [[_("Tổng cộng"), *map(_number, data["totals"])]],
    )
    document.add_heading(_("II. Kết quả thực hiện của các đơn vị"), level=2)
    for i, section in enumerate(data["sections"]):
        document.add_heading(clean(section["title"]), level=3)
        for row in data["rows"]:
            text = row["sections"][i] if row["sent"] else ""
            if text:
                paragraph = document.add_paragraph()
                paragraph.add_run(clean(row["unit"].name) + ": ").bold = True
                paragraph.add_run(clean(text))
    missing = [r["unit"].name for r in data["rows"] if not r["sent"]]
    if missing:
        document.add_heading(_("III. Đơn vị chưa gửi báo cáo"), level=2)
        document.add_paragraph(clean(", ".join(missing)))
    return _bytes(document)


# ---------------------------------------------------------------------------------------------
# The 3- and 5-year reviews


def review_workbook(data: dict) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = _("Sơ kết, tổng kết")[:31]
    write(
        ws.cell(1, 1),
        _("%(committee)s — số liệu %(first)s–%(last)s")
        % {
            "committee": data["committee"].name,
            "first": data["first_year"],
            "last": data["last_year"],
        },
    ).font = Font(bold=True, size=13)
    labels = [f["title"] for f in data["figure_items"]]
    _header(ws, 3, [_("Năm"), *labels])
    row = 4
    for item in data["per_year"]:
        write(ws.cell(row, 1), item["year"])
        for col, value in enumerate(item["figures"], start=2):
            write(ws.cell(row, col), value)
        row += 1
    write(ws.cell(row, 1), _("Tổng cộng")).font = Font(bold=True)
    for col, value in enumerate(data["totals"], start=2):
        write(ws.cell(row, col), value).font = Font(bold=True)
    row += 2
    _header(ws, row, [_("Đơn vị"), *labels])
    for item in data["per_unit"]:
        row += 1
        write(ws.cell(row, 1), item["unit"].name)
        for col, value in enumerate(item["figures"], start=2):
            write(ws.cell(row, col), value)
    ws.column_dimensions["A"].width = 40
    return _bytes(book)


def review_document(data: dict) -> bytes:
    document = Document()
    _heading(
        document,
        _("BÁO CÁO SƠ KẾT, TỔNG KẾT PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”")
        + "\n"
        + _("giai đoạn %(first)s–%(last)s")
        % {"first": data["first_year"], "last": data["last_year"]},
    )
    document.add_paragraph(clean(data["committee"].name))
    labels = [f["title"] for f in data["figure_items"]]
    document.add_heading(_("Số liệu theo năm"), level=2)
    _table(
        document,
        [_("Năm"), *labels],
        [[item["year"], *map(_number, item["figures"])] for item in data["per_year"]]
        + [[_("Tổng cộng"), *map(_number, data["totals"])]],
    )
    document.add_heading(_("Số liệu theo đơn vị"), level=2)
    _table(
        document,
        [_("Đơn vị"), *labels],
        [[item["unit"].name, *map(_number, item["figures"])] for item in data["per_unit"]],
    )
    return _bytes(document)
