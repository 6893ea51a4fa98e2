"""The blank .xlsx files an office fills in for the units and people imports.

Each has the columns the import reads (Vietnamese headers), an example row, a drop-down of the
accepted values on the kind (or role) column, and a "Danh mục" sheet listing every accepted
value with its code and the other spellings the import takes. The drop-down only warns: a
spelling from the list (say "Sở" or "dang_uy_xa") is accepted even though it is not one of its
items. The files are in Vietnamese whatever the interface language, as the import reads them;
every cell goes through core.spreadsheets.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import write

from .services import PEOPLE_LABELS, UNIT_LABELS, Accepted, accepted_kinds, accepted_roles

# Rows of the data sheet that get the drop-down (the header is row 1).
VALIDATED_ROWS = 2000
LIST_SHEET = "Danh mục"
NOTE = "Ghi chú"
EXAMPLE_NOTE = "Dòng ví dụ: sửa hoặc xóa trước khi nhập. Cột “Ghi chú” không được nhập."
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FDECEA")
EXAMPLE_FONT = Font(italic=True, color="555555")


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
        return _workbook(
            sheet_title="Đơn vị",
            headers=[UNIT_LABELS[c] for c in columns],
            example=example,
            choices=kinds,
            choice_column=columns.index("kind") + 1,
            choice_title="Loại đơn vị",
            yes_no_column=columns.index("is_committee") + 1,
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
        return _workbook(
            sheet_title="Cán bộ",
            headers=[PEOPLE_LABELS[c] for c in columns],
            example=example,
            choices=roles,
            choice_column=columns.index("role") + 1,
            choice_title="Vai trò",
        )


def _workbook(
    *,
    sheet_title: str,
    headers: Sequence[str],
    example: Sequence[object],
    choices: Sequence[Accepted],
    choice_column: int,
    choice_title: str,
    yes_no_column: int | None = None,
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for col, header in enumerate([*headers, NOTE], start=1):
        write(sheet.cell(row=1, column=col), header).font = BOLD
        sheet.cell(row=1, column=col).fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = max(16, len(header) + 4)
    for col, value in enumerate([*example, EXAMPLE_NOTE], start=1):
        write(sheet.cell(row=2, column=col), value).font = EXAMPLE_FONT
    sheet.column_dimensions[get_column_letter(choice_column)].width = 34
    sheet.freeze_panes = "A2"

    catalogue = book.create_sheet(LIST_SHEET)
    for col, header in enumerate([choice_title, "Mã", "Cách viết khác cũng được nhận"], start=1):
        write(catalogue.cell(row=1, column=col), header).font = BOLD
    for row, accepted in enumerate(choices, start=2):
        write(catalogue.cell(row=row, column=1), accepted.label)
        write(catalogue.cell(row=row, column=2), accepted.code)
        write(catalogue.cell(row=row, column=3), ", ".join(accepted.spellings))
    catalogue.column_dimensions["A"].width = 40
    catalogue.column_dimensions["B"].width = 26
    catalogue.column_dimensions["C"].width = 90
    note_row = len(choices) + 3
    write(
        catalogue.cell(row=note_row, column=1),
        "Không phân biệt chữ hoa, chữ thường, có dấu hay không dấu; “_” thay cho dấu cách cũng "
        "được (ví dụ “dang_uy_xa”). Các cột khác ngoài cột của mẫu (như “Ghi chú”) được bỏ qua.",
    )

    last = len(choices) + 1
    letter = get_column_letter(choice_column)
    choice_list = DataValidation(
        type="list",
        formula1=f"'{LIST_SHEET}'!$A$2:$A${last}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=choice_title,
        error="Giá trị không có trong danh sách; các cách viết ở trang “Danh mục” vẫn được nhận.",
        showInputMessage=True,
        promptTitle=choice_title,
        prompt="Chọn trong danh sách hoặc gõ một cách viết ở trang “Danh mục”.",
    )
    choice_list.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
    sheet.add_data_validation(choice_list)
    if yes_no_column is not None:
        yes_no = get_column_letter(yes_no_column)
        flag = DataValidation(type="list", formula1='"có,không"', allow_blank=True)
        flag.add(f"{yes_no}2:{yes_no}{VALIDATED_ROWS}")
        sheet.add_data_validation(flag)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
