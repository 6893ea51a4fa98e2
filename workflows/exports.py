"""The audit trail as a spreadsheet: the same rows for CSV and Excel, headers in Vietnamese."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry, State
from .policy import ACTIONS

# Steps that are recorded but are not lifecycle actions.
OTHER_ACTIONS = {
    "create": gettext_lazy("Tạo đăng ký"),
    "claim": gettext_lazy("Nhận nhiệm vụ"),
    "release": gettext_lazy("Trả nhiệm vụ về hàng chờ"),
    "reassign": gettext_lazy("Giao lại nhiệm vụ"),
    "flag_case": gettext_lazy("Đánh dấu vụ việc"),
}


def action_label(action: str) -> str:
    if action in ACTIONS:
        return str(ACTIONS[action].label)
    if action in OTHER_ACTIONS:
        return str(OTHER_ACTIONS[action])
    return action


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


def audit_csv(queryset) -> bytes:
    """UTF-8 with a byte-order mark so Excel opens the Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(audit_headers())
    writer.writerows([_cell(v) for v in row] for row in audit_rows(queryset))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def audit_xlsx(queryset) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("Nhật ký")[:31]
    sheet.append(audit_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in audit_rows(queryset):
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLMNO", (8, 20, 24, 20, 18, 10, 40, 30, 22, 22, 22, 40, 50, 15, 20), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    # Text starting with = + - @ would be read as a formula by spreadsheet programs.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
