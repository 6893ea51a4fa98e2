"""What every spreadsheet import shares: reading an .xlsx or .csv into numbered rows, matching
headers and values as people write them (case, Vietnamese marks and spacing do not matter),
row-numbered errors, and the all-or-nothing rule with its dry run.

An import checks every row first; a file with a single bad row writes nothing and is refused
with every bad row's number as the person sees it in the spreadsheet (the header is row 1). A
dry run ("Kiểm tra trước") checks the same way, says what each row would do and writes nothing.
Used by the units and people imports (units.services), the registration form import
(reports.services) and the history import (workflows.history). Imports Django only.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from django.utils import translation
from django.utils.translation import gettext as _

R = TypeVar("R")

# read_table stores each row's number in the file under this key, so that skipped blank rows
# do not shift the numbers the errors report.
ROW_KEY = "_row"
# What an uploaded import may hold. An .xlsx is a zip: 5 MB of it can unpack into millions of
# cells, each read into memory; a province's real files are far below both limits.
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_COLUMNS = 200
HEADER_ROW = 1


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file; `row` is None for a problem with the whole file."""

    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Dòng %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class ImportRejected(Exception):
    """The file has bad rows; nothing was written.

    `hints` say what would have been accepted (the kinds, the roles), once for the whole file.
    """

    def __init__(self, errors: list[RowError], hints: Iterable[str] = ()):
        self.errors = sorted(errors, key=lambda e: e.row or 0)
        self.hints = list(hints)
        super().__init__("\n".join([*(str(e) for e in self.errors), *self.hints]))


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(frozen=True)
class Change:
    """What an import does (or, in a dry run, would do) with one unit, person or role."""

    row: int
    action: str  # CREATE, UPDATE, UNCHANGED, ROLE_NEW, ROLE_BACK
    subject: str
    details: str = ""

    def __str__(self) -> str:
        text = _("Dòng %(row)d: %(subject)s") % {"row": self.row, "subject": self.subject}
        return f"{text} ({self.details})" if self.details else text


def read_table(file: IO[bytes] | str | Path, filename: str | None = None) -> list[dict[str, Any]]:
    """Rows of the first sheet of an .xlsx, or of a .csv (UTF-8, BOM or not), keyed by header.

    Blank rows are skipped; each row carries its number in the file under ROW_KEY.
    Raises ImportRejected when the file cannot be read.
    """
    if isinstance(file, str | Path):
        filename = filename or str(file)
        with open(file, "rb") as handle:
            return read_table(handle, filename)
    check_size(file)
    suffix = Path(filename or getattr(file, "name", "") or "").suffix.lower()
    if suffix == ".xlsx":
        grid = xlsx_grid(file)
    elif suffix == ".csv":
        grid = _csv_grid(file)
    else:
        raise ImportRejected([RowError(None, _("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))])
    return rows_from_grid(grid)


def check_size(file) -> None:
    """An uploaded file (one that knows its size) over MAX_IMPORT_BYTES is refused unread."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_IMPORT_BYTES:
        raise ImportRejected(
            [
                RowError(
                    None,
                    _("Tệp lớn quá %(max)s MB: hãy chia thành nhiều tệp.")
                    % {"max": round(MAX_IMPORT_BYTES / 1048576)},
                )
            ]
        )


def _too_many_rows() -> ImportRejected:
    return ImportRejected(
        [
            RowError(
                None,
                _("Tệp có hơn %(max)s dòng: hãy chia thành nhiều tệp.")
                % {"max": f"{MAX_IMPORT_ROWS:,}".replace(",", ".")},
            )
        ]
    )


def xlsx_grid(file: IO[bytes]) -> list[list[Any]]:
    """The first sheet's cells as rows, from A1, so that row numbers match what the person sees
    in Excel. A damaged or non-Excel file is ImportRejected with a Vietnamese reason."""
    from openpyxl import load_workbook  # heavy; only needed for Excel uploads

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-Excel file
        raise ImportRejected(
            [RowError(None, _("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx."))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        grid = []
        rows = sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_IMPORT_COLUMNS, values_only=True)
        for row in rows:
            if len(grid) >= MAX_IMPORT_ROWS:
                raise _too_many_rows()
            grid.append(list(row))
        return grid
    finally:
        workbook.close()


def _csv_grid(file: IO[bytes]) -> list[list[Any]]:
    raw = file.read()
    try:
        # utf-8-sig drops the BOM Excel writes when it saves "CSV UTF-8".
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [RowError(None, _("Tệp CSV phải lưu với bảng mã UTF-8 (chọn “CSV UTF-8” khi lưu)."))]
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Excel set to Vietnamese regional settings saves with ";" rather than ",".
    delimiter = max([",", ";", "\t"], key=first_line.count)
    grid = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if len(grid) >= MAX_IMPORT_ROWS:
            raise _too_many_rows()
        grid.append(row[:MAX_IMPORT_COLUMNS])
    return grid


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # Excel keeps every number as a float; a code typed as 101 must stay "101".
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def rows_from_grid(grid: list[list[Any]]) -> list[dict[str, Any]]:
    if not grid:
        return []
    headers = [cell_text(h) for h in grid[0]]
    rows: list[dict[str, Any]] = []
    for number, values in enumerate(grid[1:], start=HEADER_ROW + 1):
        cells = [cell_text(v) for v in values]
        if not any(cells):
            continue
        row: dict[str, Any] = {ROW_KEY: number}
        for header, cell in zip(headers, cells, strict=False):
            if header:
                row[header] = cell
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Matching headers and values written by people


def fold(text: Any) -> str:
    """Lower case, no Vietnamese marks, single spaces: "Mã đơn vị" → "ma don vi"."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def alias_map(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {fold(alias): column for column, names in aliases.items() for alias in (column, *names)}


TRUE_WORDS = frozenset({"1", "x", "co", "true", "yes", "y", "dung"})
FALSE_WORDS = frozenset({"", "0", "khong", "false", "no", "n", "sai"})


def choice_map(choices: type[Any]) -> dict[str, str]:
    """Folded code and label (Vietnamese, and English when translated) → code."""
    found: dict[str, str] = {}
    for language in ("en", "vi"):  # Vietnamese last: it wins if a translation collides
        with translation.override(language):
            for value, label in choices.choices:
                found[fold(label)] = value
    for value in choices.values:
        found[fold(value)] = value
    return found


def spelling_map(choices: type[Any], spellings: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """choice_map and the spellings offices use (units.spellings) → code."""
    found = {fold(s): code for code, names in spellings.items() for s in names}
    found.update(choice_map(choices))
    return found


@dataclass(frozen=True)
class Accepted:
    """One accepted value of a column: its code, its label (current language) and the other
    spellings offices use for it."""

    code: str
    label: str
    spellings: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.label} ({', '.join((self.code, *self.spellings))})"


def normalise_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Mapping[str, str],
    required: Iterable[str],
    labels: Mapping[str, str],
) -> tuple[list[tuple[int, dict[str, str]]], set[str], list[RowError]]:
    """Rows keyed by our column names, the columns present, and errors about missing columns."""
    normalised: list[tuple[int, dict[str, str]]] = []
    present: set[str] = set()
    for index, row in enumerate(rows):
        number = int(row.get(ROW_KEY) or index + HEADER_ROW + 1)
        clean: dict[str, str] = {}
        for header, value in row.items():
            if header == ROW_KEY:
                continue
            column = columns.get(fold(header))
            if column is not None:
                present.add(column)
                clean[column] = cell_text(value)
        normalised.append((number, clean))
    errors = [
        RowError(
            HEADER_ROW,
            _("thiếu cột bắt buộc “%(label)s” (%(column)s).")
            % {"label": labels[column], "column": column},
        )
        for column in required
        if normalised and column not in present
    ]
    return normalised, present, errors


def check_length(errors: list[RowError], number: int, value: str, model, field_name: str, label):
    max_length = model._meta.get_field(field_name).max_length
    if len(value) > max_length:
        errors.append(
            RowError(
                number,
                _("“%(label)s” dài quá %(max)d ký tự.") % {"label": label, "max": max_length},
            )
        )


def rejected_or_dry_run(result: R, errors: list[RowError], hints: list[str], dry_run: bool) -> R:
    """A dry run reports the errors in its result; a real import refuses the file."""
    if not dry_run:
        raise ImportRejected(errors, hints)
    result.errors = sorted(errors, key=lambda e: e.row or 0)
    result.hints = hints
    return result


def parse_bool(text: str) -> bool | None:
    folded = fold(text)
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    return None
