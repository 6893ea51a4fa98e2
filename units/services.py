"""Writes to the unit tree and to who holds which role: the spreadsheet imports.

An import is all or nothing: every row is checked first, and only a file without a single bad
row is written, inside one transaction. Bad rows are reported with their row number as the
person sees it in the spreadsheet (the header is row 1). A dry run (``dry_run=True``) checks the
same way and says what each row would do, refused rows included, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

# The reading, matching and all-or-nothing pieces every import shares live in core.imports;
# the names other modules and the tests import from here stay importable from here.
from core.imports import (
    CREATE,
    HEADER_ROW,
    ROW_KEY,
    UNCHANGED,
    UPDATE,
    Accepted,
    Change,
    ImportRejected,
    RowError,
    alias_map,
    cell_text,
    check_length,
    choice_map,
    fold,
    normalise_rows,
    parse_bool,
    read_table,
    rejected_or_dry_run,
    spelling_map,
    xlsx_grid,
)

from .models import COMMITTEE_ROLES, Membership, Role, Unit, UnitKind
from .spellings import KIND_SPELLINGS, ROLE_SPELLINGS

__all__ = [
    "HEADER_ROW",
    "ROW_KEY",
    "Accepted",
    "Change",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "cell_text",
    "choice_map",
    "fold",
    "import_people",
    "import_units",
    "read_table",
    "xlsx_grid",
]

User = get_user_model()

ROLE_NEW, ROLE_BACK = "role", "role_back"


@dataclass
class ImportResult:
    """What an import wrote, or what a dry run would write.

    For people, created/updated/unchanged count users. A real import of a bad file raises
    ImportRejected; a dry run returns its errors here instead (`errors`, `hints`) and says what
    the other rows would do.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    memberships_created: int = 0
    memberships_reactivated: int = 0
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    # People: the usernames in the file, in file order (whom an invitation may go to).
    usernames: list[str] = field(default_factory=list)
    rows: int = 0  # data rows read

    def add(self, change: Change) -> None:
        self.changes.append(change)
        if change.action == CREATE:
            self.created += 1
        elif change.action == UPDATE:
            self.updated += 1
        elif change.action == UNCHANGED:
            self.unchanged += 1
        elif change.action == ROLE_NEW:
            self.memberships_created += 1
        elif change.action == ROLE_BACK:
            self.memberships_reactivated += 1

    def of(self, *actions: str) -> list[Change]:
        return [c for c in self.changes if c.action in actions]

    @property
    def refused(self) -> int:
        """Rows refused (a problem with the header or the whole file refuses every row)."""
        if any(e.row in (None, HEADER_ROW) for e in self.errors):
            return max(self.rows, 1)
        return len({e.row for e in self.errors})

    def units_message(self) -> str:
        if self.dry_run:
            return self._dry_run_message(
                _(
                    "Kiểm tra trước, chưa ghi gì: %(created)d đơn vị sẽ tạo mới, %(updated)d sẽ "
                    "cập nhật, %(unchanged)d không đổi; %(refused)d dòng bị từ chối."
                )
            )
        return _(
            "Đã nhập đơn vị: %(created)d tạo mới, %(updated)d cập nhật, %(unchanged)d không đổi."
        ) % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def people_message(self) -> str:
        if self.dry_run:
            return self._dry_run_message(
                _(
                    "Kiểm tra trước, chưa ghi gì: %(created)d người sẽ tạo mới, %(updated)d sẽ "
                    "cập nhật, %(unchanged)d không đổi; %(roles)d vai trò sẽ giao mới, "
                    "%(reactivated)d sẽ khôi phục; %(refused)d dòng bị từ chối."
                )
            )
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

    def _dry_run_message(self, template: str) -> str:
        text = template % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "roles": self.memberships_created,
            "reactivated": self.memberships_reactivated,
            "refused": self.refused,
        }
        if self.errors:
            text += " " + _(
                "Tệp có dòng bị từ chối thì sẽ không nhập dòng nào: hãy sửa các dòng đó rồi kiểm "
                "tra lại."
            )
        return text


# ---------------------------------------------------------------------------------------------
# Reading files


UNIT_COLUMNS = alias_map(
    {
        "parent_code": ["Mã đơn vị cấp trên", "Mã cấp trên", "parent"],
        "code": ["Mã đơn vị", "Mã"],
        "name": ["Tên đơn vị", "Tên"],
        "kind": ["Loại đơn vị", "Loại", "Loại hình", "Loại tổ chức", "Loại cơ quan"],
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

PEOPLE_COLUMNS = alias_map(
    {
        "username": ["Tên đăng nhập", "Tài khoản", "Tên tài khoản"],
        "full_name": ["Họ và tên", "Họ tên"],
        "email": ["Email", "Thư điện tử", "E-mail", "Email công vụ", "Địa chỉ email"],
        "unit_code": ["Mã đơn vị", "unit", "Mã đơn vị công tác"],
        "role": ["Vai trò", "Vai trò trong hệ thống"],
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


def kind_map() -> dict[str, str]:
    return spelling_map(UnitKind, KIND_SPELLINGS)


def role_map() -> dict[str, str]:
    return spelling_map(Role, ROLE_SPELLINGS)


def accepted_kinds() -> list[Accepted]:
    return [Accepted(c, str(label), KIND_SPELLINGS.get(c, ())) for c, label in UnitKind.choices]


def accepted_roles() -> list[Accepted]:
    return [Accepted(c, str(label), ROLE_SPELLINGS.get(c, ())) for c, label in Role.choices]


def kinds_hint() -> str:
    return _(
        "Loại đơn vị được chấp nhận (không phân biệt chữ hoa, chữ thường, có dấu hay không dấu; "
        "“_” thay cho dấu cách cũng được): %(values)s."
    ) % {"values": "; ".join(str(a) for a in accepted_kinds())}


def roles_hint() -> str:
    return _(
        "Vai trò được chấp nhận (không phân biệt chữ hoa, chữ thường, có dấu hay không dấu; "
        "“_” thay cho dấu cách cũng được): %(values)s."
    ) % {"values": "; ".join(str(a) for a in accepted_roles())}


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
    is_committee: bool | None  # None: the column is absent (a new unit: by its kind)


def _unit_subject(code: str, name: str) -> str:
    return f"{code} — {name}"


def import_units(rows: Iterable[Mapping[str, Any]], *, dry_run: bool = False) -> ImportResult:
    """Create or update units from rows (as read_table gives them); all rows or none.

    Columns: parent_code, code, name, kind, is_committee, short_name (or their Vietnamese
    headers); other columns are ignored. A kind is its code, its label or a spelling offices
    use (units.spellings: "Đảng ủy xã", "Sở", "dang_uy_xa"), whatever the case and the marks.
    Without an is_committee column a new Ban Dân vận (kind mass_mobilisation_board) is the
    committee that evaluates its party committee's units. A parent may come later in the file
    than its children, or already exist. An existing code updates that unit's name, kind, short
    name and committee flag; moving it to another parent is refused (moving a subtree is done
    in the admin, where it can be seen). Raises ImportRejected listing every bad row; with
    `dry_run` nothing is written and the result says what each row would do.
    """
    result = ImportResult(dry_run=dry_run)
    normalised, present, errors = normalise_rows(rows, UNIT_COLUMNS, UNIT_REQUIRED, UNIT_LABELS)
    result.rows = len(normalised)
    if errors:
        return rejected_or_dry_run(result, errors, [], dry_run)
    kinds = kind_map()
    hints: list[str] = []

    parsed: dict[str, _UnitRow] = {}
    for number, row in normalised:
        row_errors: list[RowError] = []
        code = row.get("code", "")
        name = row.get("name", "")
        kind_text = row.get("kind", "")
        if not code:
            row_errors.append(RowError(number, _("thiếu mã đơn vị.")))
        else:
            check_length(row_errors, number, code, Unit, "code", _("Mã đơn vị"))
        if not name:
            row_errors.append(RowError(number, _("thiếu tên đơn vị.")))
        else:
            check_length(row_errors, number, name, Unit, "name", _("Tên đơn vị"))
        kind = kinds.get(fold(kind_text))
        if not kind_text:
            row_errors.append(RowError(number, _("thiếu loại đơn vị.")))
        elif kind is None:
            row_errors.append(
                RowError(number, _("không có loại đơn vị “%(kind)s”.") % {"kind": kind_text})
            )
            if not hints:
                hints.append(kinds_hint())
        short_name = row.get("short_name") if "short_name" in present else None
        if short_name:
            check_length(row_errors, number, short_name, Unit, "short_name", _("Tên viết tắt"))
        is_committee: bool | None = None
        if "is_committee" in present:
            is_committee = parse_bool(row.get("is_committee", ""))
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
    refused = {e.row for e in errors}
    plan = [(item, _unit_updates(item, existing.get(item.code))) for item in order]
    for item, updates in plan:
        if item.number in refused:
            continue
        subject = _unit_subject(item.code, item.name)
        if item.code not in existing:
            result.add(Change(item.number, CREATE, subject, _kind_label(item.kind)))
        elif updates:
            result.add(Change(item.number, UPDATE, subject, _describe_unit_updates(updates)))
        else:
            result.add(Change(item.number, UNCHANGED, subject))
    if errors:
        return rejected_or_dry_run(result, errors, hints, dry_run)
    if not dry_run:
        _write_units(plan, existing)
    return result


def _kind_label(kind: str) -> str:
    return str(UnitKind(kind).label) if kind in UnitKind.values else kind


def _unit_updates(item: _UnitRow, unit: Unit | None) -> dict[str, Any]:
    """What the row changes in an existing unit (nothing for a new one)."""
    if unit is None:
        return {}
    wanted: dict[str, Any] = {"name": item.name, "kind": item.kind}
    if item.short_name is not None:
        wanted["short_name"] = item.short_name
    if item.is_committee is not None:
        wanted["is_committee"] = item.is_committee
    return {attr: value for attr, value in wanted.items() if getattr(unit, attr) != value}


def _describe_unit_updates(updates: Mapping[str, Any]) -> str:
    parts = []
    for attr, value in updates.items():
        if attr == "kind":
            parts.append(_("loại: %(value)s") % {"value": _kind_label(value)})
        elif attr == "is_committee":
            parts.append(_("là Ban Dân vận: có") if value else _("là Ban Dân vận: không"))
        elif attr == "short_name":
            parts.append(_("tên viết tắt: %(value)s") % {"value": value})
        else:
            parts.append(_("tên: %(value)s") % {"value": value})
    return "; ".join(parts)


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


def _write_units(plan: list[tuple[_UnitRow, dict[str, Any]]], existing: dict[str, Unit]) -> None:
    with transaction.atomic():
        by_code = dict(existing)
        for item, updates in plan:
            unit = by_code.get(item.code)
            if unit is not None:
                if updates:
                    for attr, value in updates.items():
                        setattr(unit, attr, value)
                    unit.save(update_fields=list(updates))
                continue
            is_committee = item.is_committee
            if is_committee is None:
                is_committee = item.kind == UnitKind.MASS_MOBILISATION_BOARD
            values = {
                "code": item.code,
                "name": item.name,
                "kind": item.kind,
                "short_name": item.short_name or "",
                "is_committee": is_committee,
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


def import_people(rows: Iterable[Mapping[str, Any]], *, dry_run: bool = False) -> ImportResult:
    """Create or update people and give them roles in units; all rows or none.

    Columns: username, full_name, email, unit_code, role, position (or their Vietnamese
    headers); other columns are ignored. A role is its code, its label or a spelling offices
    use (units.spellings: "Thủ trưởng", "Chuyên viên"), whatever the case and the marks. A
    person may appear on several rows, one per role. A new person gets an unusable password:
    they are "not activated" until they set one from an invitation (units.invitations) or
    "forgot password". Existing roles are kept; nothing is taken away. Raises ImportRejected
    listing every bad row; with `dry_run` nothing is written and the result says what each row
    would do. `result.usernames` lists the people of the file.
    """
    result = ImportResult(dry_run=dry_run)
    normalised, present, errors = normalise_rows(
        rows, PEOPLE_COLUMNS, PEOPLE_REQUIRED, PEOPLE_LABELS
    )
    result.rows = len(normalised)
    if errors:
        return rejected_or_dry_run(result, errors, [], dry_run)
    roles = role_map()
    hints: list[str] = []
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
            check_length(row_errors, number, username, User, "username", _("Tên đăng nhập"))
        check_length(row_errors, number, full_name, User, "full_name", _("Họ và tên"))
        check_length(row_errors, number, position, User, "position", _("Chức vụ"))
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
            if not hints:
                hints.append(roles_hint())
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
    result.usernames = list(people)
    _plan_people(result, people, users, refused={e.row for e in errors})
    if errors:
        return rejected_or_dry_run(result, errors, hints, dry_run)
    if not dry_run:
        _write_people(people, users)
    return result


def _person_updates(person: _Person, user) -> list[str]:
    return [
        attr
        for attr in ("full_name", "email", "position")
        if getattr(person, attr) and getattr(user, attr) != getattr(person, attr)
    ]


def _plan_people(
    result: ImportResult, people: dict[str, _Person], users: dict[str, Any], refused: set
) -> None:
    """What the import does with each person and role (rows in `refused` do nothing)."""
    held = {
        (username, code, role): active
        for username, code, role, active in Membership.objects.filter(
            user__username__in=list(people)
        ).values_list("user__username", "unit__code", "role", "is_active")
    }
    labels = {"full_name": _("họ và tên"), "email": _("email"), "position": _("chức vụ")}
    for person in people.values():
        user = users.get(person.username)
        if person.number not in refused:
            if user is None:
                subject = f"{person.username} — {person.full_name}"
                result.add(Change(person.number, CREATE, subject, person.email))
            else:
                subject = f"{person.username} — {user.full_name or person.full_name}"
                changed = _person_updates(person, user)
                details = "; ".join(f"{labels[a]}: {getattr(person, a)}" for a in changed)
                action = UPDATE if changed else UNCHANGED
                result.add(Change(person.number, action, subject, details))
        for number, unit, role in person.roles:
            state = held.get((person.username, unit.code, role))
            if state is True:
                continue
            subject = _("%(username)s: %(role)s tại %(unit)s") % {
                "username": person.username,
                "role": Role(role).label,
                "unit": _unit_subject(unit.code, unit.name),
            }
            result.add(Change(number, ROLE_NEW if state is None else ROLE_BACK, subject))


def _write_people(people: dict[str, _Person], users: dict[str, Any]) -> None:
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
            else:
                changed = _person_updates(person, user)
                for attr in changed:
                    setattr(user, attr, getattr(person, attr))
                if changed:
                    user.save(update_fields=changed)
            for _number, unit, role in person.roles:
                membership, created = Membership.objects.get_or_create(
                    user=user, unit=unit, role=role
                )
                if not created and not membership.is_active:
                    membership.is_active = True
                    membership.save(update_fields=["is_active"])
