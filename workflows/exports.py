"""The audit trail as a spreadsheet: the same rows for CSV and Excel, headers in Vietnamese."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import quote_formula, safe_cell, write

from .exceptions import InvalidData
from .lifecycle.actions import action_label
from .models import AuditEntry, State


# Steps that are recorded but are not lifecycle actions.
def state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def audit_headers() -> list[str]:
    return [
        _("Số thứ tự"),
        _("Thời điểm"),
        _("Người thực hiện"),
        _("Thay mặt"),
        _("Vai trò"),
        _("Mã mô hình"),
        _("Tên mô hình, điển hình"),
        _("Đơn vị của mô hình"),
        _("Thao tác"),
        _("Từ trạng thái"),
        _("Sang trạng thái"),
        _("Ý kiến"),
        _("Thay đổi (trước → sau)"),
        _("Địa chỉ IP"),
        _("Mã băm"),
    ]


def audit_rows(queryset: QuerySet[AuditEntry] | Iterable[AuditEntry]) -> Iterator[tuple]:
    """One tuple per entry, in audit_headers() order; times in Asia/Ho_Chi_Minh, dd/mm/yyyy."""
    if isinstance(queryset, QuerySet):
        queryset = queryset.select_related(
            "actor", "on_behalf_of", "initiative", "initiative__unit"
        ).iterator(chunk_size=2000)
    for entry in queryset:
        initiative = entry.initiative
        yield (
            entry.seq,
            timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M:%S"),
            str(entry.actor) if entry.actor_id else "",
            str(entry.on_behalf_of) if entry.on_behalf_of_id else "",
            entry.role,
            entry.initiative_id or "",
            initiative.title if initiative else "",
            initiative.unit.name if initiative else "",
            action_label(entry.action),
            state_label(entry.from_state),
            state_label(entry.to_state),
            entry.comment,
            json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "",
            entry.ip or "",
            entry.hash,
        )


# An Excel sheet of more rows is slow to build and to open; narrower filters, or the CSV
# (streamed, without a limit), serve better.
XLSX_MAX_ROWS = 100_000
CSV_ROWS_PER_CHUNK = 500


class ExportTooLarge(InvalidData):
    code = "export_too_large"


def audit_csv_chunks(queryset) -> Iterator[bytes]:
    """The CSV in pieces, for a streamed response: the database is read 2,000 rows at a time
    and never held in memory whole. UTF-8 with a byte-order mark so Excel opens the Vietnamese
    text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(audit_headers())
    for number, row in enumerate(audit_rows(queryset), start=1):
        writer.writerow([quote_formula(v) for v in row])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def audit_csv(queryset) -> bytes:
    return b"".join(audit_csv_chunks(queryset))


def check_xlsx_size(queryset) -> None:
    """Raise ExportTooLarge when the sheet would pass XLSX_MAX_ROWS (one bounded count)."""
    if isinstance(queryset, QuerySet):
        rows = queryset.order_by().values("pk")[: XLSX_MAX_ROWS + 1].count()
    else:
        rows = len(queryset)
    if rows > XLSX_MAX_ROWS:
        raise ExportTooLarge(
            _(
                "Kết quả có hơn %(max)s mục, quá nhiều cho một tệp Excel. Hãy thu hẹp bộ lọc "
                "(khoảng ngày, đơn vị, thao tác) hoặc xuất CSV."
            )
            % {"max": f"{XLSX_MAX_ROWS:,}".replace(",", ".")}
        )


def audit_xlsx(queryset) -> bytes:
    """The sheet in openpyxl's write-only mode (rows go to disk as they come, not into a tree
    of cell objects); raises ExportTooLarge past XLSX_MAX_ROWS."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    check_xlsx_size(queryset)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Nhật ký")[:31])
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLMNO", (8, 20, 24, 20, 18, 10, 40, 30, 22, 22, 22, 40, 50, 15, 20), strict=True
    ):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    header = []
    for title in audit_headers():
        cell = write(WriteOnlyCell(sheet), str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in audit_rows(queryset):
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
