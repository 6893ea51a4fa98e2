"""The blank .xlsx files an office fills in for an import (units, people, past years).

Each has the columns the import reads (Vietnamese headers), an example row, a drop-down of the
accepted values on each coded column, and a "Danh mục" sheet listing every accepted value with
its code and the other spellings the import takes. A drop-down only warns: a spelling from the
list is accepted even though it is not one of its items. The files are in Vietnamese whatever
the interface language, as the imports read them; every cell goes through core.spreadsheets.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .imports import Accepted
from .spreadsheets import write

# Rows of the data sheet that get the drop-downs (the header is row 1).
VALIDATED_ROWS = 2000
LIST_SHEET = "Danh mục"
NOTE = "Ghi chú"
EXAMPLE_NOTE = "Dòng ví dụ: sửa hoặc xóa trước khi nhập. Cột “Ghi chú” không được nhập."
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FDECEA")
EXAMPLE_FONT = Font(italic=True, color="555555")


@dataclass(frozen=True)
class DropDown:
    """A column (1-based) whose values come from `choices`, listed on the "Danh mục" sheet."""

    column: int
    title: str
    choices: Sequence[Accepted]


def template_workbook(
    *,
    sheet_title: str,
    headers: Sequence[str],
    examples: Sequence[Sequence[object]],
    drop_downs: Sequence[DropDown],
    yes_no_columns: Sequence[int] = (),
    widths: dict[int, int] | None = None,
) -> bytes:
    """The blank file: headers, example rows, drop-downs, and the catalogue of accepted values
    (one block per drop-down, one under the other)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for col, header in enumerate([*headers, NOTE], start=1):
        write(sheet.cell(row=1, column=col), header).font = BOLD
        sheet.cell(row=1, column=col).fill = HEADER_FILL
        width = (widths or {}).get(col, max(16, len(header) + 4))
        sheet.column_dimensions[get_column_letter(col)].width = width
    for row, example in enumerate(examples, start=2):
        for col, value in enumerate([*example, EXAMPLE_NOTE], start=1):
            write(sheet.cell(row=row, column=col), value).font = EXAMPLE_FONT
    sheet.freeze_panes = "A2"

    catalogue = book.create_sheet(LIST_SHEET)
    top = 1
    for drop_down in drop_downs:
        for col, header in enumerate(
            [drop_down.title, "Mã", "Cách viết khác cũng được nhận"], start=1
        ):
            write(catalogue.cell(row=top, column=col), header).font = BOLD
        for row, accepted in enumerate(drop_down.choices, start=top + 1):
            write(catalogue.cell(row=row, column=1), accepted.label)
            write(catalogue.cell(row=row, column=2), accepted.code)
            write(catalogue.cell(row=row, column=3), ", ".join(accepted.spellings))
        first, last = top + 1, top + len(drop_down.choices)
        letter = get_column_letter(drop_down.column)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, 34)
        choice_list = DataValidation(
            type="list",
            formula1=f"'{LIST_SHEET}'!$A${first}:$A${last}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=drop_down.title,
            error="Giá trị không có trong danh sách; các cách viết ở trang “Danh mục” vẫn được "
            "nhận.",
            showInputMessage=True,
            promptTitle=drop_down.title,
            prompt="Chọn trong danh sách hoặc gõ một cách viết ở trang “Danh mục”.",
        )
        choice_list.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        sheet.add_data_validation(choice_list)
        top = last + 2
    catalogue.column_dimensions["A"].width = 40
    catalogue.column_dimensions["B"].width = 26
    catalogue.column_dimensions["C"].width = 90
    write(
        catalogue.cell(row=top, column=1),
        "Không phân biệt chữ hoa, chữ thường, có dấu hay không dấu; “_” thay cho dấu cách cũng "
        "được (ví dụ “dang_uy_xa”). Các cột khác ngoài cột của mẫu (như “Ghi chú”) được bỏ qua.",
    )
    for column in yes_no_columns:
        yes_no = get_column_letter(column)
        flag = DataValidation(type="list", formula1='"có,không"', allow_blank=True)
        flag.add(f"{yes_no}2:{yes_no}{VALIDATED_ROWS}")
        sheet.add_data_validation(flag)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
