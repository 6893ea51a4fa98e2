"""The blank .xlsx files an office fills in for the units and people imports (written by
core.workbooks): a drop-down of the accepted kinds (or roles) whose "Danh mục" sheet also lists
the spellings offices use ("Sở", "dang_uy_xa"), which the import accepts as well."""

from __future__ import annotations

from django.utils import translation

from core.workbooks import DropDown, template_workbook

from .services import PEOPLE_LABELS, UNIT_LABELS, accepted_kinds, accepted_roles


def units_workbook() -> bytes:
    columns = ["parent_code", "code", "name", "kind", "is_committee", "short_name"]
    example = [
        "TU",
        "VD_SO_MAU",
        "Sở Mẫu (dòng ví dụ)",
        None,  # the kind's label, filled in below
        "không",
        "Sở Mẫu",
    ]
    with translation.override("vi"):
        kinds = accepted_kinds()
        example[3] = next(a.label for a in kinds if a.code == "department")
        return template_workbook(
            sheet_title="Đơn vị",
            headers=[UNIT_LABELS[c] for c in columns],
            examples=[example],
            drop_downs=[DropDown(columns.index("kind") + 1, "Loại đơn vị", kinds)],
            yes_no_columns=[columns.index("is_committee") + 1],
        )


def people_workbook() -> bytes:
    columns = ["username", "full_name", "email", "unit_code", "role", "position"]
    example = [
        "vidu.nguyenvana",
        "Nguyễn Văn A (dòng ví dụ)",
        "nguyenvana@example.gov.vn",
        "VD_SO_MAU",
        None,  # the role's label, filled in below
        "Chuyên viên",
    ]
    with translation.override("vi"):
        roles = accepted_roles()
        example[4] = next(a.label for a in roles if a.code == "unit_staff")
        return template_workbook(
            sheet_title="Cán bộ",
            headers=[PEOPLE_LABELS[c] for c in columns],
            examples=[example],
            drop_downs=[DropDown(columns.index("role") + 1, "Vai trò", roles)],
        )
