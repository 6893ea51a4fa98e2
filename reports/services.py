"""Writes: a filled-in registration form becomes drafts; a published model is replicated.

Both go through workflows.services.create_initiative, so every draft is audited. An import is
all or nothing, like the unit and people imports: every row is checked, bad rows are listed
with their row number in the spreadsheet and a Vietnamese reason, and a file with a single bad
row creates nothing (one transaction).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import DomainError as WorkflowError
from core.errors import InvalidData
from core.imports import ImportRejected, RowError, cell_text, choice_map, fold, xlsx_grid
from core.request import NO_META, RequestMeta
from core.spreadsheets import unquote
from units.models import Unit
from workflows import access as workflow_access
from workflows import services as workflow_services
from workflows import similar
from workflows.models import Field, Form, Initiative, Kind, Topic

from . import exports
from .selectors import PUBLIC_STATES

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@dataclass
class FormRow:
    number: int
    fields: dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Reading the form


def _grid(file: IO[bytes], filename: str) -> list[list[str]]:
    if Path(filename or "").suffix.lower() != ".xlsx":
        raise ImportRejected(
            [RowError(None, _("Chỉ nhận tệp Excel (.xlsx) theo biểu mẫu đăng ký."))]
        )
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ImportRejected([RowError(None, _("Tệp lớn quá 5 MB."))])
    # unquote: text the export quoted so that Excel would not run it comes back as typed.
    return [[unquote(cell_text(v)) for v in row] for row in xlsx_grid(file)]


# Folded header text → column key; "title" is matched on its start (its full text is long).
def _header_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for key, text in exports.header_labels().items():
                keys[fold(text)] = key
    keys.update(
        {
            "linh vuc ten mo hinh dien hinh": "title",
            "ten mo hinh dien hinh": "title",
            "mo hinh tap the": "collective",
            "tap the": "collective",
            "mo hinh ca nhan": "individual",
            "ca nhan": "individual",
            "dia chi": "address",
            "xay dung moi": "new",
            "nhan rong": "replication",
        }
    )
    return keys


REQUIRED_COLUMNS = ("title", "collective", "individual", "address", "content", "new", "replication")


def _column_key(text: str, keys: dict[str, str]) -> str | None:
    folded = fold(text)
    if not folded:
        return None
    if folded in keys:
        return keys[folded]
    if folded.startswith("noi dung"):
        return "content"
    if folded.startswith("linh vuc ten mo hinh"):
        return "title"
    return None


def _find_header(grid: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """The header row's index and each column key's position (from the two header rows)."""
    keys = _header_keys()
    for index, row in enumerate(grid):
        if not any(_column_key(cell, keys) == "title" for cell in row):
            continue
        positions: dict[str, int] = {}
        for r in grid[index : index + 2]:
            for col, cell in enumerate(r):
                key = _column_key(cell, keys)
                if key in REQUIRED_COLUMNS:
                    positions.setdefault(key, col)
        return index, positions
    return None


def _group_field(text: str) -> str | None:
    """The field of a group heading ("II. LĨNH VỰC VĂN HÓA - XÃ HỘI"), or None."""
    match = re.match(r"^\s*(IV|III|II|I)\s*[.)]\s*(.*)$", text)
    if not match:
        return None
    folded = fold(match.group(2))
    for _numeral, field in exports.GROUPS:
        labels = []
        for language in ("vi", "en"):
            with translation.override(language):
                labels.append(fold(str(Field(field).label)))
        if any(label in folded for label in labels):
            return field
    # Only the numeral and "LĨNH VỰC …" with a label we do not know: trust the numeral.
    numerals = dict(exports.GROUPS)
    return numerals.get(match.group(1)) if folded.startswith("linh vuc") or not folded else None


def _labelled(text: str, labels: list[tuple[str, str]], default: str) -> dict[str, str]:
    """Split "Label: value" lines; lines without a known label continue the previous value,
    and text before any label goes to `default`."""
    by_label = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for name, label in labels:
                by_label[fold(label)] = name
    values: dict[str, list[str]] = {}
    current = default
    for line in text.splitlines():
        match = re.match(r"^\s*([^:]{1,60}):\s?(.*)$", line)
        if match and fold(match.group(1)) in by_label:
            current = by_label[fold(match.group(1))]
            values.setdefault(current, []).append(match.group(2))
        else:
            values.setdefault(current, []).append(line)
    return {name: "\n".join(lines).strip() for name, lines in values.items()}


def _marked(value: str) -> bool:
    return bool(value.strip())


def _parse_row(number: int, cells: dict[str, str], field: str | None) -> tuple[dict, list[str]]:
    errors: list[str] = []
    data: dict[str, Any] = {}
    title = re.sub(r"^\s*\d+\s*[.)]\s*", "", cells["title"]).strip()
    if field is None:
        errors.append(_("mô hình không nằm dưới nhóm lĩnh vực nào (I–IV)."))
    else:
        data["field"] = field
    if not title:
        errors.append(_("thiếu tên mô hình, điển hình (cột 1)."))
    elif len(title) > Initiative._meta.get_field("title").max_length:
        errors.append(_("tên mô hình dài quá 500 ký tự."))
    data["title"] = title

    collective, individual = _marked(cells["collective"]), _marked(cells["individual"])
    if collective == individual:
        errors.append(
            _("cần đánh dấu đúng một trong hai cột “Mô hình tập thể” (2) và “Mô hình cá nhân” (3).")
        )
    data["form"] = Form.INDIVIDUAL if individual and not collective else Form.COLLECTIVE
    if individual and fold(cells["individual"]) != exports.MARK:
        person = _labelled(cells["individual"], exports.person_labels(), "person_name")
        data["person_name"] = person.get("person_name", "")
        data["person_position"] = person.get("person_position", "")

    address = cells["address"].strip()
    if len(address) > Initiative._meta.get_field("address").max_length:
        errors.append(_("địa chỉ dài quá 500 ký tự."))
    data["address"] = address

    new, replication = _marked(cells["new"]), _marked(cells["replication"])
    if new == replication:
        errors.append(
            _("cần đánh dấu đúng một trong hai cột “Xây dựng mới” (6) và “Nhân rộng” (7).")
        )
    data["kind"] = Kind.REPLICATION if replication and not new else Kind.NEW
    source = re.search(r"#(\d+)", cells["replication"])
    if replication and source:
        data["replicates"] = int(source.group(1))

    content = _labelled(cells["content"], exports.content_labels(), "problem")
    for name, value in content.items():
        if name == "topic" and value:
            topic = choice_map(Topic).get(fold(value))
            if topic is None:
                errors.append(_("không có chủ đề “%(topic)s”.") % {"topic": value})
            data["topic"] = topic or ""
        elif name == "start_date" and value:
            try:
                data["start_date"] = datetime.datetime.strptime(value, "%d/%m/%Y").date()
            except ValueError:
                errors.append(
                    _("ngày bắt đầu “%(date)s” phải viết dạng ngày/tháng/năm.") % {"date": value}
                )
        else:
            data[name] = value
    return data, errors


def read_registration_form(file: IO[bytes], filename: str) -> list[FormRow]:
    """The rows of a filled-in seed 002 form, checked. Raises ImportRejected listing every
    problem (rows are numbered as the spreadsheet shows them)."""
    return read_form(file, filename)[0]


def _title_year(grid: list[list[str]], header: int) -> tuple[int, int] | None:
    """(row number, year) of the form's title ("… ĐĂNG KÝ XÂY DỰNG, NHÂN RỘNG NĂM 2026")."""
    for index, row in enumerate(grid[:header]):
        for cell in row:
            match = re.search(r"\bnam (\d{4})\b", fold(cell))
            if match:
                return index + 1, int(match.group(1))
    return None


def read_form(file: IO[bytes], filename: str) -> tuple[list[FormRow], tuple[int, int] | None]:
    """The checked rows of a filled-in form and (row, year) of its title, when it names one."""
    grid = _grid(file, filename)
    found = _find_header(grid)
    if found is None:
        raise ImportRejected(
            [
                RowError(
                    None,
                    _(
                        "Không tìm thấy dòng tiêu đề của biểu mẫu "
                        "(“LĨNH VỰC/TÊN MÔ HÌNH, ĐIỂN HÌNH”). Hãy dùng đúng biểu mẫu đã tải về."
                    ),
                )
            ]
        )
    header, positions = found
    with translation.override("vi"):
        labels = exports.header_labels()
    missing = [key for key in REQUIRED_COLUMNS if key not in positions]
    if missing:
        raise ImportRejected(
            [
                RowError(
                    header + 1,
                    _("thiếu cột “%(label)s” (cột %(number)d của biểu mẫu).")
                    % {"label": labels[key], "number": REQUIRED_COLUMNS.index(key) + 1},
                )
                for key in missing
            ]
        )
    rows: list[FormRow] = []
    errors: list[RowError] = []
    field: str | None = None
    for index in range(header + 2, len(grid)):
        number = index + 1
        raw = grid[index]
        cells = {key: raw[pos] if pos < len(raw) else "" for key, pos in positions.items()}
        texts = [c for c in raw if c]
        if not texts:
            continue
        if any(fold(c).startswith("thu truong don vi") for c in texts):
            break  # the signature block ends the table
        if all(re.fullmatch(r"\d", c) for c in texts):
            continue  # the row of column numbers 1…7
        others = [v for k, v in cells.items() if k != "title" and v]
        heading = _group_field(cells["title"]) if not others else None
        if heading:
            field = heading
            continue
        if not others and re.fullmatch(r"\s*\d*\s*[.)]?\s*\.*", cells["title"]):
            continue  # an empty numbered line of the blank form ("1.....")
        data, row_errors = _parse_row(number, cells, field)
        errors.extend(RowError(number, message) for message in row_errors)
        rows.append(FormRow(number, data))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(None, _("Biểu mẫu chưa có mô hình, điển hình nào."))])
    return rows, _title_year(grid, header)


def replicable_sources(actor, ids) -> dict[int, Initiative]:
    """Of `ids`, the initiatives a unit may name as the model it replicates: a published
    (recognised or commended) model, as on the public page, or one the actor may see, as the
    API's `replicates` field allows."""
    if not ids:
        return {}
    qs = Initiative.objects.all()
    if not actor.is_superuser:
        qs = qs.filter(Q(state__in=PUBLIC_STATES) | workflow_access.initiative_scope_q(actor))
    return qs.in_bulk(ids)


class ImportedForm(list):
    """The drafts an import created (a list, as before), and the rows it left alone because
    the unit had already registered that model for the year (a form uploaded again)."""

    def __init__(self, created=(), existing=()):
        super().__init__(created)
        self.existing: list[tuple[int, Initiative]] = list(existing)


def import_registration_form(
    file: IO[bytes],
    *,
    filename: str,
    unit: Unit,
    actor,
    year: int | None = None,
    meta: RequestMeta = NO_META,
) -> ImportedForm:
    """Each row of the form becomes a draft of `unit` for `year`, through the door; all or none.

    The year is the one the form's title names ("… NĂM 2026"); a `year` chosen on the page
    that differs is refused. A row whose title the unit already registered for the year (the
    same once case and marks are folded) is left alone, so uploading a form again creates
    nothing; a row only nearly the same as one registered, or as another row of the file, is
    refused (workflows.similar). Raises ImportRejected (nothing created) or a WorkflowError
    about the whole file."""
    rows, titled = read_form(file, filename)
    if titled is not None and year is not None and titled[1] != year:
        raise ImportRejected(
            [
                RowError(
                    titled[0],
                    _(
                        "tiêu đề biểu mẫu ghi năm %(file)d nhưng đang nhập cho năm %(chosen)d. "
                        "Hãy chọn năm %(file)d, hoặc sửa năm trên tiêu đề nếu biểu mẫu là của "
                        "năm %(chosen)d."
                    )
                    % {"file": titled[1], "chosen": year},
                )
            ]
        )
    if year is None:
        if titled is None:
            raise ImportRejected(
                [
                    RowError(
                        None,
                        _("Tiêu đề biểu mẫu không ghi năm (“… NĂM 2026”): hãy chọn năm đăng ký."),
                    )
                ]
            )
        year = titled[1]
    wanted = {r.fields["replicates"] for r in rows if "replicates" in r.fields}
    sources = replicable_sources(actor, wanted)
    # One message for a missing model and for one the actor may not see: existence never leaks.
    errors = [
        RowError(row.number, _("không có mô hình số %(id)d để nhân rộng.") % {"id": source})
        for row in rows
        if (source := row.fields.get("replicates")) and source not in sources
    ]
    created: list[Initiative] = []
    with transaction.atomic():
        # The rows are checked against the unit's models and written in one step
        # (workflows.similar.hold_titles): a registration at the same moment waits.
        similar.hold_titles([(unit.pk, year)])
        fresh, existing = _new_rows(rows, unit=unit, year=year, errors=errors)
        if errors:
            raise ImportRejected(errors)
        for row in fresh:
            fields = dict(row.fields)
            if "replicates" in fields:
                fields["replicates"] = sources[fields["replicates"]]
            try:
                created.append(
                    workflow_services.create_initiative(
                        unit=unit,
                        actor=actor,
                        year=year,
                        meta=meta,
                        # Duplicates were checked above, row by row (_new_rows).
                        **fields,
                    )
                )
            except WorkflowError as exc:
                if not exc.field_errors:
                    raise  # about the whole file: no right to register here, no campaign
                for name, problems in exc.field_errors.items():
                    label = Initiative._meta.get_field(name).verbose_name
                    errors += [RowError(row.number, f"{label}: {p}") for p in problems]
        if errors:
            # Leaving the block by an exception rolls back every draft already created.
            raise ImportRejected(errors)
    return ImportedForm(created, existing)


def _new_rows(
    rows: list[FormRow], *, unit: Unit, year: int, errors: list[RowError]
) -> tuple[list[FormRow], list[tuple[int, Initiative]]]:
    """The rows to create, and (row, model) of those the unit already registered; near
    duplicates (of a registered model or of an earlier row) go to `errors`."""
    fresh: list[FormRow] = []
    existing: list[tuple[int, Initiative]] = []
    for row in rows:
        title = row.fields.get("title", "")
        if not title:
            continue
        found = similar.duplicates(title, unit=unit, year=year)
        exact = next((s for s in found if s.exact), None)
        if exact is not None:
            existing.append((row.number, exact.initiative))
            continue
        if found:
            errors.append(
                RowError(
                    row.number,
                    _(
                        "“%(title)s” gần trùng với mô hình đơn vị đã đăng ký năm %(year)d: "
                        "%(models)s. Hãy đặt tên phân biệt rõ, hoặc đăng ký trên trang nếu "
                        "đúng là mô hình khác."
                    )
                    % {"title": title, "year": year, "models": "; ".join(map(str, found))},
                )
            )
            continue
        earlier = next(
            (
                other
                for other in fresh
                if similar.title_similarity(title, other.fields["title"]) >= similar.NEAR_DUPLICATE
            ),
            None,
        )
        if earlier is not None:
            errors.append(
                RowError(
                    row.number,
                    _("“%(title)s” trùng hoặc gần trùng với dòng %(other)d của tệp.")
                    % {"title": title, "other": earlier.number},
                )
            )
            continue
        fresh.append(row)
    return fresh, existing


# ---------------------------------------------------------------------------------------------
# Replicating a published model


def start_replication(source: Initiative, *, unit: Unit, actor, year: int | None = None):
    """A new draft of `unit` that replicates a recognised or commended model (kind "nhân
    rộng", `replicates` set), through the door. The unit fills in its own address and people."""
    if source.state not in PUBLIC_STATES:
        raise InvalidData(_("Chỉ nhân rộng được mô hình đã được công nhận."))
    return workflow_services.create_initiative(
        unit=unit,
        actor=actor,
        year=year,
        check_similar=True,  # a second click would register the same replication again
        field=source.field,
        title=source.title,
        form=source.form,
        kind=Kind.REPLICATION,
        replicates=source,
        problem=source.problem,
        expected_results=source.expected_results,
        topic=source.topic,
    )
