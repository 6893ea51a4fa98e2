"""Writes to the unit tree and to who holds which role: the spreadsheet imports.

An import is all or nothing: every row is checked first, and only a file without a single bad
row is written, inside one transaction. Bad rows are reported with their row number as the
person sees it in the spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .models import COMMITTEE_ROLES, Membership, Role, Unit, UnitKind

User = get_user_model()

# read_table stores each row's number in the file under this key, so that skipped blank rows
# do not shift the numbers the errors report.
ROW_KEY = "_row"
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
    """The file has bad rows; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.row or 0)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class ImportResult:
    """What an import wrote (a bad file raises ImportRejected instead).

    For people, created/updated/unchanged count users.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    memberships_created: int = 0
    memberships_reactivated: int = 0

    def units_message(self) -> str:
        return _(
            "Đã nhập đơn vị: %(created)d tạo mới, %(updated)d cập nhật, %(unchanged)d không đổi."
        ) % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def people_message(self) -> str:
        return _(
            "Đã nhập cán bộ: %(created)d tạo mới, %(updated)d cập nhật, %(unchanged)d không đổi; "
            "%(roles)d vai trò mới giao, %(reactivated)d vai trò được khôi phục."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "roles": self.memberships_created,
            "reactivated": self.memberships_reactivated,
        }


# ---------------------------------------------------------------------------------------------
# Reading files


def read_table(file: IO[bytes] | str | Path, filename: str | None = None) -> list[dict[str, Any]]:
    """Rows of the first sheet of an .xlsx, or of a .csv (UTF-8, BOM or not), keyed by header.

    Blank rows are skipped; each row carries its number in the file under ROW_KEY.
    Raises ImportRejected when the file cannot be read.
    """
    if isinstance(file, str | Path):
        filename = filename or str(file)
        with open(file, "rb") as handle:
            return read_table(handle, filename)
    suffix = Path(filename or getattr(file, "name", "") or "").suffix.lower()
    if suffix == ".xlsx":
        grid = xlsx_grid(file)
    elif suffix == ".csv":
        grid = _csv_grid(file)
    else:
        raise ImportRejected([RowError(None, _("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))])
    return _rows_from_grid(grid)


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
        return [list(row) for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
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
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # Excel keeps every number as a float; a code typed as 101 must stay "101".
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _rows_from_grid(grid: list[list[Any]]) -> list[dict[str, Any]]:
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


def _alias_map(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {fold(alias): column for column, names in aliases.items() for alias in (column, *names)}


UNIT_COLUMNS = _alias_map(
    {
        "parent_code": ["Mã đơn vị cấp trên", "Mã cấp trên", "parent"],
        "code": ["Mã đơn vị", "Mã"],
        "name": ["Tên đơn vị", "Tên"],
        "kind": ["Loại đơn vị", "Loại"],
        "is_committee": ["Là Ban Dân vận", "Ban Dân vận", "committee"],
        "short_name": ["Tên viết tắt"],
    }
)
UNIT_REQUIRED = ("parent_code", "code", "name", "kind")
UNIT_LABELS = {
    "parent_code": "Mã đơn vị cấp trên",
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại đơn vị",
    "is_committee": "Là Ban Dân vận",
    "short_name": "Tên viết tắt",
}

PEOPLE_COLUMNS = _alias_map(
    {
        "username": ["Tên đăng nhập", "Tài khoản"],
        "full_name": ["Họ và tên", "Họ tên"],
        "email": ["Email", "Thư điện tử", "E-mail"],
        "unit_code": ["Mã đơn vị", "unit"],
        "role": ["Vai trò"],
        "position": ["Chức vụ"],
    }
)
PEOPLE_REQUIRED = ("username", "full_name", "unit_code", "role")
PEOPLE_LABELS = {
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "email": "Email",
    "unit_code": "Mã đơn vị",
    "role": "Vai trò",
    "position": "Chức vụ",
}

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


def _normalise_rows(
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


def _check_length(errors: list[RowError], number: int, value: str, model, field_name: str, label):
    max_length = model._meta.get_field(field_name).max_length
    if len(value) > max_length:
        errors.append(
            RowError(
                number,
                _("“%(label)s” dài quá %(max)d ký tự.") % {"label": label, "max": max_length},
            )
        )


# ---------------------------------------------------------------------------------------------
# Units


@dataclass
class _UnitRow:
    number: int
    code: str
    parent_code: str
    name: str
    kind: str
    short_name: str | None  # None: the column is absent, keep what the unit has
    is_committee: bool | None


def import_units(rows: Iterable[Mapping[str, Any]]) -> ImportResult:
    """Create or update units from rows (as read_table gives them); all rows or none.

    Columns: parent_code, code, name, kind, is_committee, short_name (or their Vietnamese
    headers). A parent may come later in the file than its children, or already exist. An
    existing code updates that unit's name, kind, short name and committee flag; moving it to
    another parent is refused (moving a subtree is done in the admin, where it can be seen).
    Raises ImportRejected listing every bad row.
    """
    normalised, present, errors = _normalise_rows(rows, UNIT_COLUMNS, UNIT_REQUIRED, UNIT_LABELS)
    if errors:
        raise ImportRejected(errors)
    kinds = choice_map(UnitKind)

    parsed: dict[str, _UnitRow] = {}
    for number, row in normalised:
        row_errors: list[RowError] = []
        code = row.get("code", "")
        name = row.get("name", "")
        kind_text = row.get("kind", "")
        if not code:
            row_errors.append(RowError(number, _("thiếu mã đơn vị.")))
        else:
            _check_length(row_errors, number, code, Unit, "code", _("Mã đơn vị"))
        if not name:
            row_errors.append(RowError(number, _("thiếu tên đơn vị.")))
        else:
            _check_length(row_errors, number, name, Unit, "name", _("Tên đơn vị"))
        kind = kinds.get(fold(kind_text))
        if not kind_text:
            row_errors.append(RowError(number, _("thiếu loại đơn vị.")))
        elif kind is None:
            row_errors.append(
                RowError(number, _("không có loại đơn vị “%(kind)s”.") % {"kind": kind_text})
            )
        short_name = row.get("short_name") if "short_name" in present else None
        if short_name:
            _check_length(row_errors, number, short_name, Unit, "short_name", _("Tên viết tắt"))
        is_committee: bool | None = None
        if "is_committee" in present:
            is_committee = _parse_bool(row.get("is_committee", ""))
            if is_committee is None:
                row_errors.append(
                    RowError(
                        number,
                        _(
                            "giá trị “%(value)s” ở cột “Là Ban Dân vận” không hợp lệ "
                            "(dùng có/không, 1/0 hoặc x)."
                        )
                        % {"value": row.get("is_committee")},
                    )
                )
        if code and code in parsed:
            row_errors.append(
                RowError(
                    number,
                    _("mã đơn vị “%(code)s” bị trùng với dòng %(other)d.")
                    % {"code": code, "other": parsed[code].number},
                )
            )
        elif code:
            parsed[code] = _UnitRow(
                number=number,
                code=code,
                parent_code=row.get("parent_code", ""),
                name=name,
                kind=kind or "",
                short_name=short_name,
                is_committee=is_committee,
            )
        errors.extend(row_errors)

    wanted_codes = set(parsed) | {r.parent_code for r in parsed.values() if r.parent_code}
    existing = {u.code: u for u in Unit.objects.filter(code__in=wanted_codes)}
    parent_paths = {
        u.path[: (u.depth - 1) * Unit.steplen] for u in existing.values() if u.depth > 1
    }
    parent_code_by_path = dict(
        Unit.objects.filter(path__in=parent_paths).values_list("path", "code")
    )

    for item in parsed.values():
        if item.parent_code == item.code:
            errors.append(RowError(item.number, _("đơn vị không thể là cấp trên của chính nó.")))
            continue
        if item.parent_code and item.parent_code not in parsed and item.parent_code not in existing:
            errors.append(
                RowError(
                    item.number,
                    _("không tìm thấy đơn vị cấp trên có mã “%(code)s”.")
                    % {"code": item.parent_code},
                )
            )
            continue
        unit = existing.get(item.code)
        if unit is not None:
            current_parent = (
                parent_code_by_path.get(unit.path[: (unit.depth - 1) * Unit.steplen], "")
                if unit.depth > 1
                else ""
            )
            if current_parent != item.parent_code:
                errors.append(
                    RowError(
                        item.number,
                        _(
                            "đơn vị “%(code)s” đang thuộc đơn vị cấp trên “%(current)s”; tệp nhập "
                            "không chuyển đơn vị sang cấp trên khác (“%(new)s”). Hãy chuyển trong "
                            "trang quản trị."
                        )
                        % {
                            "code": item.code,
                            "current": current_parent or _("(không có)"),
                            "new": item.parent_code or _("(không có)"),
                        },
                    )
                )

    order = _topological_order(parsed, errors)
    if errors:
        raise ImportRejected(errors)
    return _write_units(order, existing)


def _parse_bool(text: str) -> bool | None:
    folded = fold(text)
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    return None


def _topological_order(parsed: dict[str, _UnitRow], errors: list[RowError]) -> list[_UnitRow]:
    """Rows ordered so that a parent from the file is written before its children."""
    depth: dict[str, int] = {}
    in_cycle: set[str] = set()
    for start in parsed:
        chain: list[str] = []
        code = start
        # Walk up through parents found in the file; stop at a known depth or outside the file.
        while code in parsed and code not in depth and code not in chain:
            chain.append(code)
            code = parsed[code].parent_code
        if code in chain:  # the walk came back to itself: a cycle
            for member in chain[chain.index(code) :]:
                if member not in in_cycle:
                    in_cycle.add(member)
                    errors.append(
                        RowError(
                            parsed[member].number,
                            _("đơn vị “%(code)s” nằm trong một vòng lặp cấp trên – cấp dưới.")
                            % {"code": member},
                        )
                    )
            base = 0
            chain = chain[: chain.index(code)]
        else:
            base = depth.get(code, 0)
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = base + offset
    return sorted(
        (row for code, row in parsed.items() if code not in in_cycle),
        key=lambda row: (depth.get(row.code, 0), row.number),
    )


def _write_units(order: list[_UnitRow], existing: dict[str, Unit]) -> ImportResult:
    result = ImportResult()
    with transaction.atomic():
        by_code = dict(existing)
        for item in order:
            unit = by_code.get(item.code)
            if unit is not None:
                changed = False
                updates: dict[str, Any] = {"name": item.name, "kind": item.kind}
                if item.short_name is not None:
                    updates["short_name"] = item.short_name
                if item.is_committee is not None:
                    updates["is_committee"] = item.is_committee
                for attr, value in updates.items():
                    if getattr(unit, attr) != value:
                        setattr(unit, attr, value)
                        changed = True
                if changed:
                    unit.save(update_fields=list(updates))
                    result.updated += 1
                else:
                    result.unchanged += 1
                continue
            values = {
                "code": item.code,
                "name": item.name,
                "kind": item.kind,
                "short_name": item.short_name or "",
                "is_committee": bool(item.is_committee),
            }
            if item.parent_code:
                parent = by_code.get(item.parent_code)
                if parent is None:
                    parent = Unit.objects.get(code=item.parent_code)
                    by_code[item.parent_code] = parent
                unit = parent.add_child(**values)
            else:
                unit = Unit.add_root(**values)
            by_code[item.code] = unit
            result.created += 1
    return result


# ---------------------------------------------------------------------------------------------
# People


@dataclass
class _Person:
    number: int
    username: str
    full_name: str = ""
    email: str = ""
    position: str = ""
    roles: list[tuple[int, Unit, str]] = field(default_factory=list)


def import_people(rows: Iterable[Mapping[str, Any]]) -> ImportResult:
    """Create or update people and give them roles in units; all rows or none.

    Columns: username, full_name, email, unit_code, role, position (or their Vietnamese
    headers). A person may appear on several rows, one per role. A new person gets an unusable
    password (they set one through "forgot password" or the admin). Existing roles are kept;
    nothing is taken away. Raises ImportRejected listing every bad row.
    """
    normalised, present, errors = _normalise_rows(
        rows, PEOPLE_COLUMNS, PEOPLE_REQUIRED, PEOPLE_LABELS
    )
    if errors:
        raise ImportRejected(errors)
    roles = choice_map(Role)
    unit_codes = {row.get("unit_code", "") for _number, row in normalised} - {""}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    usernames = {row.get("username", "") for _number, row in normalised} - {""}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    username_validator = UnicodeUsernameValidator()

    people: dict[str, _Person] = {}
    seen_roles: dict[tuple[str, str, str], int] = {}
    for number, row in normalised:
        row_errors: list[RowError] = []
        username = row.get("username", "")
        full_name = row.get("full_name", "")
        email = row.get("email", "")
        position = row.get("position", "")
        unit_code = row.get("unit_code", "")
        role_text = row.get("role", "")

        if not username:
            row_errors.append(RowError(number, _("thiếu tên đăng nhập.")))
        else:
            try:
                username_validator(username)
            except ValidationError:
                row_errors.append(
                    RowError(
                        number,
                        _("tên đăng nhập “%(username)s” chỉ được gồm chữ, số và @ . + - _.")
                        % {"username": username},
                    )
                )
            _check_length(row_errors, number, username, User, "username", _("Tên đăng nhập"))
        _check_length(row_errors, number, full_name, User, "full_name", _("Họ và tên"))
        _check_length(row_errors, number, position, User, "position", _("Chức vụ"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row_errors.append(
                    RowError(
                        number, _("địa chỉ email “%(email)s” không hợp lệ.") % {"email": email}
                    )
                )

        unit = units.get(unit_code)
        if not unit_code:
            row_errors.append(RowError(number, _("thiếu mã đơn vị.")))
        elif unit is None:
            row_errors.append(
                RowError(number, _("không tìm thấy đơn vị có mã “%(code)s”.") % {"code": unit_code})
            )
        elif not unit.is_active:
            row_errors.append(
                RowError(number, _("đơn vị “%(code)s” đã ngừng hoạt động.") % {"code": unit_code})
            )
        role = roles.get(fold(role_text))
        if not role_text:
            row_errors.append(RowError(number, _("thiếu vai trò.")))
        elif role is None:
            row_errors.append(
                RowError(number, _("không có vai trò “%(role)s”.") % {"role": role_text})
            )
        elif unit is not None and role in COMMITTEE_ROLES and not unit.is_committee:
            row_errors.append(
                RowError(
                    number,
                    _(
                        "vai trò “%(role)s” chỉ được giao tại một Ban Dân vận; đơn vị “%(code)s” "
                        "không phải là Ban Dân vận."
                    )
                    % {"role": Role(role).label, "code": unit_code},
                )
            )
        if username and unit_code and role:
            key = (username, unit_code, role)
            if key in seen_roles:
                row_errors.append(
                    RowError(
                        number,
                        _("vai trò này của “%(username)s” tại “%(code)s” trùng với dòng %(other)d.")
                        % {"username": username, "code": unit_code, "other": seen_roles[key]},
                    )
                )
            else:
                seen_roles[key] = number

        if username:
            person = people.setdefault(username, _Person(number=number, username=username))
            for attr, value, label in (
                ("full_name", full_name, _("Họ và tên")),
                ("email", email, _("Email")),
                ("position", position, _("Chức vụ")),
            ):
                if not value:
                    continue
                if getattr(person, attr) and getattr(person, attr) != value:
                    row_errors.append(
                        RowError(
                            number,
                            _("“%(label)s” của “%(username)s” khác với một dòng trước.")
                            % {"label": label, "username": username},
                        )
                    )
                else:
                    setattr(person, attr, value)
            if not row_errors and unit is not None and role:
                person.roles.append((number, unit, role))
        errors.extend(row_errors)

    for person in people.values():
        if not person.full_name and person.username not in users:
            errors.append(
                RowError(
                    person.number,
                    _("thiếu họ và tên của người mới “%(username)s”.")
                    % {"username": person.username},
                )
            )
    if errors:
        raise ImportRejected(errors)
    return _write_people(people, users)


def _write_people(people: dict[str, _Person], users: dict[str, Any]) -> ImportResult:
    result = ImportResult()
    with transaction.atomic():
        for person in people.values():
            user = users.get(person.username)
            if user is None:
                user = User(
                    username=person.username,
                    full_name=person.full_name,
                    email=person.email,
                    position=person.position,
                )
                user.set_unusable_password()
                user.save()
                result.created += 1
            else:
                changed = [
                    attr
                    for attr in ("full_name", "email", "position")
                    if getattr(person, attr) and getattr(user, attr) != getattr(person, attr)
                ]
                for attr in changed:
                    setattr(user, attr, getattr(person, attr))
                if changed:
                    user.save(update_fields=changed)
                    result.updated += 1
                else:
                    result.unchanged += 1
            for _number, unit, role in person.roles:
                membership, created = Membership.objects.get_or_create(
                    user=user, unit=unit, role=role
                )
                if created:
                    result.memberships_created += 1
                elif not membership.is_active:
                    membership.is_active = True
                    membership.save(update_fields=["is_active"])
                    result.memberships_reactivated += 1
    return result
