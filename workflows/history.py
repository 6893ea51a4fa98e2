"""Models of past years brought in from a spreadsheet, directly in their final state.

A province starting with the service has years of recognised models in its own files. Each row
(unit, year, field, form, kind, title, address, content, recognised yes/no, the recognition
decision's number and date, and the commendation's form, authority, number and date) becomes a
model that is recognised, commended or not recognised, marked `imported`, with one audit entry
"import" naming the importer, the file, its SHA-256 and the row: not transitions that never
happened. Its viewflow process is created finished, with no task: nobody has anything left to
do on a model of a past year (so the lifecycle's actions do not apply to it), while lists,
reports, the public list and replication read it like any other. A campaign of a past year
that the committee never opened in the service is created with it, audited the same way.

The import reuses core.imports: headers and values as offices write them, a dry run
("Kiểm tra trước"), row-numbered Vietnamese errors, all rows or none (one transaction).
Importing the same file again changes nothing: a row whose unit, year and title (folded) match
a model imported with the same values is "unchanged"; one that matches a model registered
through the lifecycle, or imported with other values, or only nearly matches one
(workflows.similar), is refused.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS

from core.imports import (
    CREATE,
    UNCHANGED,
    Accepted,
    Change,
    RowError,
    alias_map,
    fold,
    normalise_rows,
    parse_bool,
    rejected_or_dry_run,
    spelling_map,
)
from core.request import NO_META, RequestMeta
from core.workbooks import DropDown, template_workbook
from units.models import Role, Unit
from units.selectors import committees_led_by, committees_of

from . import audit, similar
from .models import (
    Campaign,
    Commendation,
    CommendationForm,
    Field,
    Form,
    Initiative,
    InitiativeProcess,
    Kind,
    State,
    default_deadline,
)
from .recording import jsonable

IMPORT_ACTION = "import"

COLUMNS = alias_map(
    {
        "unit": ["Mã đơn vị", "Đơn vị", "unit_code"],
        "year": ["Năm"],
        "field": ["Lĩnh vực"],
        "form": ["Hình thức", "Mô hình tập thể/cá nhân"],
        "kind": ["Loại", "Xây dựng mới/nhân rộng", "Xây dựng mới hay nhân rộng"],
        "title": ["Tên mô hình, điển hình", "Tên mô hình", "Tên điển hình", "Tên"],
        "person_name": ["Họ tên cá nhân", "Họ tên"],
        "address": ["Địa chỉ"],
        "content": ["Nội dung", "Nội dung cụ thể", "Nội dung mô hình"],
        "replicates": ["Nhân rộng từ mô hình", "Nhân rộng từ", "Mô hình gốc"],
        "recognized": ["Được công nhận", "Công nhận", "Đã công nhận"],
        "decision_number": ["Số quyết định công nhận", "Số QĐ công nhận"],
        "decision_date": ["Ngày quyết định công nhận", "Ngày QĐ công nhận", "Ngày công nhận"],
        "commendation_form": ["Hình thức khen thưởng"],
        "authority": ["Cơ quan khen thưởng", "Cấp khen thưởng", "Cơ quan quyết định khen thưởng"],
        "commendation_number": ["Số quyết định khen thưởng", "Số QĐ khen thưởng"],
        "commendation_date": ["Ngày quyết định khen thưởng", "Ngày QĐ khen thưởng", "Ngày khen"],
    }
)
REQUIRED = ("unit", "year", "field", "title", "recognized")
# Headers of the blank file, in its order (the import also takes the aliases above).
LABELS = {
    "unit": "Mã đơn vị",
    "year": "Năm",
    "field": "Lĩnh vực",
    "form": "Hình thức",
    "kind": "Loại",
    "title": "Tên mô hình, điển hình",
    "person_name": "Họ tên cá nhân",
    "address": "Địa chỉ",
    "content": "Nội dung",
    "replicates": "Nhân rộng từ mô hình",
    "recognized": "Được công nhận",
    "decision_number": "Số quyết định công nhận",
    "decision_date": "Ngày quyết định công nhận",
    "commendation_form": "Hình thức khen thưởng",
    "authority": "Cơ quan khen thưởng",
    "commendation_number": "Số quyết định khen thưởng",
    "commendation_date": "Ngày quyết định khen thưởng",
}

# How offices write the coded columns besides each choice's code and label.
FIELD_SPELLINGS = {
    Field.KINH_TE: ("KT", "Lĩnh vực kinh tế"),
    Field.VAN_HOA_XA_HOI: ("VHXH", "Văn hóa xã hội", "Lĩnh vực văn hóa - xã hội"),
    Field.QUOC_PHONG_AN_NINH: ("QPAN", "Quốc phòng an ninh", "Lĩnh vực quốc phòng - an ninh"),
    Field.XAY_DUNG_HE_THONG_CHINH_TRI: (
        "XDHTCT",
        "Hệ thống chính trị",
        "Lĩnh vực xây dựng hệ thống chính trị",
    ),
}
FORM_SPELLINGS = {
    Form.COLLECTIVE: ("Tập thể", "Mô hình"),
    Form.INDIVIDUAL: ("Cá nhân", "Điển hình", "Điển hình cá nhân"),
}
KIND_SPELLINGS = {Kind.NEW: ("Mới", "Xây dựng"), Kind.REPLICATION: ("Nhân rộng mô hình",)}
COMMENDATION_SPELLINGS = {
    CommendationForm.GIAY_KHEN: ("GK",),
    CommendationForm.BANG_KHEN: ("BK",),
    CommendationForm.CO_THI_DUA: ("Cờ",),
    CommendationForm.CHIEN_SI_THI_DUA: ("CSTĐ", "Chiến sĩ thi đua"),
    CommendationForm.OTHER: ("Khác",),
}
COMMENDATION_COLUMNS = (
    "commendation_form",
    "authority",
    "commendation_number",
    "commendation_date",
)
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
MAX_CONTENT = 20000


@dataclass
class HistoryResult:
    """What an import wrote, or what a dry run would write."""

    dry_run: bool = False
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    campaigns: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)

    def add(self, change: Change) -> None:
        self.changes.append(change)
        if change.action == CREATE:
            self.created += 1
        else:
            self.unchanged += 1

    @property
    def refused(self) -> int:
        return len({e.row for e in self.errors})

    def message(self) -> str:
        values = {
            "created": self.created,
            "unchanged": self.unchanged,
            "campaigns": len(self.campaigns),
            "refused": self.refused,
        }
        if self.dry_run:
            text = (
                _(
                    "Kiểm tra trước, chưa ghi gì: %(created)d mô hình sẽ nhập, %(unchanged)d đã "
                    "nhập trước đây (không đổi), %(campaigns)d đợt thi đua của năm cũ sẽ tạo; "
                    "%(refused)d dòng bị từ chối."
                )
                % values
            )
            if self.errors:
                text += " " + _(
                    "Tệp có dòng bị từ chối thì sẽ không nhập dòng nào: hãy sửa các dòng đó rồi "
                    "kiểm tra lại."
                )
            return text
        return (
            _(
                "Đã nhập dữ liệu các năm trước: %(created)d mô hình mới, %(unchanged)d đã có "
                "(không đổi), %(campaigns)d đợt thi đua của năm cũ được tạo."
            )
            % values
        )


@dataclass
class _Row:
    number: int
    unit: Unit
    year: int
    title: str
    values: dict[str, Any]  # the initiative's fields
    state: str
    commendation: dict[str, Any] | None
    replicates: str = ""  # a title, resolved after every row is read


def accepted_values() -> dict[str, list[Accepted]]:
    """Each coded column's accepted values (current language) and spellings."""
    return {
        "field": _accepted(Field, FIELD_SPELLINGS),
        "form": _accepted(Form, FORM_SPELLINGS),
        "kind": _accepted(Kind, KIND_SPELLINGS),
        "commendation_form": _accepted(CommendationForm, COMMENDATION_SPELLINGS),
    }


def _accepted(choices, spellings) -> list[Accepted]:
    return [Accepted(c, str(label), spellings.get(c, ())) for c, label in choices.choices]


def may_import(user) -> bool:
    return bool(user.is_superuser or committees_led_by(user).exists())


def import_history(
    rows: Iterable[Mapping[str, Any]],
    *,
    actor,
    filename: str,
    content: bytes = b"",
    dry_run: bool = False,
    meta: RequestMeta = NO_META,
) -> HistoryResult:
    """Bring in models of past years from rows (as core.imports.read_table gives them); all
    rows or none. `actor` is a superuser or the leader of the Ban Dân vận of every unit named.
    Raises ImportRejected listing every bad row; with `dry_run` nothing is written and the
    result says what each row would do."""
    result = HistoryResult(dry_run=dry_run)
    normalised, present, errors = normalise_rows(rows, COLUMNS, REQUIRED, LABELS)
    result.rows = len(normalised)
    if errors:
        return rejected_or_dry_run(result, errors, [], dry_run)
    maps = {
        "field": spelling_map(Field, FIELD_SPELLINGS),
        "form": spelling_map(Form, FORM_SPELLINGS),
        "kind": spelling_map(Kind, KIND_SPELLINGS),
        "commendation_form": spelling_map(CommendationForm, COMMENDATION_SPELLINGS),
    }
    codes = {r.get("unit", "") for _n, r in normalised} - {""}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    committees = committees_of(units.values())
    led = None if actor.is_superuser else set(committees_led_by(actor).values_list("pk", flat=True))
    if led is not None:
        # Another committee's unit reads like a code that does not exist: the import does not
        # tell a leader which codes exist elsewhere.
        units = {
            code: u
            for code, u in units.items()
            if u.pk in committees and committees[u.pk].pk in led
        }
    this_year = timezone.localdate().year
    hints: list[str] = []

    parsed: list[_Row] = []
    for number, row in normalised:
        row_errors: list[str] = []
        unknown: list[str] = []  # coded columns whose value is not an accepted one
        item = _parse(number, row, maps, units, row_errors, this_year, unknown, led is not None)
        if item is not None:
            committee = committees.get(item.unit.pk)
            if committee is None:
                row_errors.append(
                    _("đơn vị “%(code)s” chưa thuộc Ban Dân vận nào.") % {"code": item.unit.code}
                )
        if row_errors:
            errors.extend(RowError(number, m) for m in row_errors)
            if unknown and not hints:
                hints.append(_values_hint())
        elif item is not None:
            parsed.append(item)

    with transaction.atomic():
        # Checked against what is stored, then written, as one step (similar.hold_titles):
        # each unit's year, and each committee's (its campaign may be created here).
        similar.hold_titles(
            [(item.unit.pk, item.year) for item in parsed]
            + [(committees[item.unit.pk].pk, item.year) for item in parsed]
        )
        return _check_and_write(
            parsed, errors, hints, result, committees, actor, filename, content, dry_run, meta
        )


def _check_and_write(
    parsed, errors, hints, result, committees, actor, filename, content, dry_run, meta
) -> HistoryResult:
    plan = _plan(parsed, errors)
    sources = _resolve_sources(plan, actor, errors)
    campaigns = _campaigns(plan, committees)
    for key in campaigns["missing"]:
        committee, year = key
        result.campaigns.append(f"{committee.name} — {year}")
    for item, existing in plan:
        if any(e.row == item.number for e in errors):
            continue
        subject = f"{item.unit.code} — {item.year} — {item.title}"
        details = str(State(item.state).label)
        result.add(Change(item.number, UNCHANGED if existing else CREATE, subject, details))
    if errors:
        return rejected_or_dry_run(result, errors, hints, dry_run)
    if not dry_run:
        result.initiatives = _write(
            plan,
            sources,
            committees,
            campaigns,
            actor=actor,
            filename=filename,
            digest=hashlib.sha256(content).hexdigest(),
            meta=meta,
        )
    return result


def _values_hint() -> str:
    values = accepted_values()
    parts = [
        f"{LABELS[column]}: " + "; ".join(str(a) for a in accepted)
        for column, accepted in values.items()
    ]
    return _(
        "Giá trị được chấp nhận (không phân biệt hoa thường, có dấu hay không): "
    ) + " | ".join(parts)


def parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse(
    number, row, maps, units, errors: list[str], this_year: int, unknown: list[str], scoped: bool
) -> _Row | None:
    """One row checked; its problems go to `errors` (Vietnamese, naming the column)."""
    text = {name: row.get(name, "").strip() for name in LABELS}
    unit = units.get(text["unit"])
    if not text["unit"]:
        errors.append(_("thiếu mã đơn vị."))
    elif unit is None and scoped:
        errors.append(
            _(
                "không tìm thấy đơn vị có mã “%(code)s” trong phạm vi Ban Dân vận bạn lãnh đạo."
            )
            % {"code": text["unit"]}
        )
    elif unit is None:
        errors.append(_("không tìm thấy đơn vị có mã “%(code)s”.") % {"code": text["unit"]})

    year = None
    if not text["year"]:
        errors.append(_("thiếu năm."))
    elif not (text["year"].isascii() and text["year"].isdigit()):
        errors.append(_("năm “%(year)s” phải là một số (ví dụ 2021).") % {"year": text["year"]})
    else:
        year = int(text["year"])
        if not 2000 <= year < this_year:
            errors.append(
                _("năm %(year)d không phải năm đã qua: chỉ nhập các năm 2000–%(last)d.")
                % {"year": year, "last": this_year - 1}
            )
            year = None

    values: dict[str, Any] = {}
    for column, default in (("field", None), ("form", Form.COLLECTIVE), ("kind", Kind.NEW)):
        raw = text[column]
        if not raw:
            if default is None:
                errors.append(_("thiếu “%(label)s”.") % {"label": LABELS[column]})
            values[column] = default
            continue
        code = maps[column].get(fold(raw))
        if code is None:
            unknown.append(column)
            errors.append(
                _("không có %(label)s “%(value)s”.")
                % {"label": LABELS[column].lower(), "value": raw}
            )
        values[column] = code

    title = text["title"]
    if not title:
        errors.append(_("thiếu tên mô hình, điển hình."))
    for name, column, limit in (
        ("title", "title", 500),
        ("address", "address", 500),
        ("person_name", "person_name", 150),
        ("problem", "content", MAX_CONTENT),
    ):
        if len(text[column]) > limit:
            errors.append(
                _("“%(label)s” dài quá %(max)d ký tự.") % {"label": LABELS[column], "max": limit}
            )
        values[name] = text[column]
    if values.get("form") == Form.INDIVIDUAL and not text["person_name"]:
        values["person_name"] = ""  # allowed for history: old files often lack it
    if text["replicates"] and values.get("kind") != Kind.REPLICATION:
        errors.append(
            _("có “%(label)s” nhưng loại không phải “Nhân rộng”.") % {"label": LABELS["replicates"]}
        )

    recognized = parse_bool(text["recognized"]) if text["recognized"] else None
    if recognized is None:
        errors.append(
            _("cột “%(label)s” phải ghi “có” hoặc “không” (đang ghi “%(value)s”).")
            % {"label": LABELS["recognized"], "value": text["recognized"]}
        )
    decision_date = _date(text, "decision_date", errors)
    if recognized:
        for column in ("decision_number", "decision_date"):
            if not text[column]:
                errors.append(
                    _("mô hình được công nhận cần “%(label)s”.") % {"label": LABELS[column]}
                )
    values["decision_number"] = text["decision_number"][:60]
    values["decision_date"] = decision_date

    commendation = None
    given = [c for c in COMMENDATION_COLUMNS if text[c]]
    if given:
        if recognized is False:
            errors.append(_("mô hình không được công nhận thì không có khen thưởng."))
        for column in COMMENDATION_COLUMNS:
            if not text[column]:
                errors.append(
                    _("khen thưởng cần đủ bốn cột; thiếu “%(label)s”.") % {"label": LABELS[column]}
                )
        form = maps["commendation_form"].get(fold(text["commendation_form"]))
        if text["commendation_form"] and form is None:
            unknown.append("commendation_form")
            errors.append(
                _("không có hình thức khen thưởng “%(value)s”.")
                % {"value": text["commendation_form"]}
            )
        commendation = {
            "form": form,
            "authority": text["authority"][:255],
            "decision_number": text["commendation_number"][:60],
            "decision_date": _date(text, "commendation_date", errors),
        }
    if errors or unit is None or year is None:
        return None
    if commendation:
        state = State.COMMENDED
    elif recognized:
        state = State.RECOGNIZED
    else:
        state = State.NOT_RECOGNIZED
    return _Row(number, unit, year, title, values, state, commendation, text["replicates"])


def _date(text: Mapping[str, str], column: str, errors: list[str]) -> datetime.date | None:
    if not text[column]:
        return None
    value = parse_date(text[column])
    if value is None:
        errors.append(
            _("“%(label)s” “%(value)s” phải viết dạng ngày/tháng/năm (ví dụ 15/10/2022).")
            % {"label": LABELS[column], "value": text[column]}
        )
    return value


def _same(item: _Row, initiative: Initiative) -> bool:
    """Whether a model already imported holds what the row says (a second import of a file)."""
    if not initiative.imported or initiative.state != item.state:
        return False
    return all(
        getattr(initiative, name) == value
        for name, value in item.values.items()
        if name not in ("replicates",)
    )


def _plan(parsed: list[_Row], errors: list[RowError]) -> list[tuple[_Row, Initiative | None]]:
    """Each row with the model it already is (imported before, same values), or None to create;
    duplicates of the file's own rows or of other models of the unit and year are refused."""
    plan: list[tuple[_Row, Initiative | None]] = []
    seen: dict[tuple[int, int], list[_Row]] = {}
    for item in parsed:
        key = (item.unit.pk, item.year)
        earlier = next(
            (
                other
                for other in seen.get(key, [])
                if similar.title_similarity(item.title, other.title) >= similar.NEAR_DUPLICATE
                or fold(item.title) == fold(other.title)
            ),
            None,
        )
        if earlier is not None:
            errors.append(
                RowError(
                    item.number,
                    _("“%(title)s” trùng hoặc gần trùng với dòng %(other)d (cùng đơn vị, năm).")
                    % {"title": item.title, "other": earlier.number},
                )
            )
            continue
        seen.setdefault(key, []).append(item)
        found = similar.duplicates(item.title, unit=item.unit, year=item.year)
        exact = next((s.initiative for s in found if s.exact), None)
        if exact is not None and _same(item, exact):
            plan.append((item, exact))
            continue
        if found:
            model = exact or found[0].initiative
            if exact is not None and exact.imported:
                reason = _(
                    "“%(title)s” đã được nhập trước đây với nội dung khác; lần nhập sau không ghi "
                    "đè lên dữ liệu đã nhập."
                )
            elif exact is not None:
                reason = _(
                    "đơn vị đã đăng ký “%(title)s” năm %(year)d qua quy trình; không nhập lại "
                    "làm lịch sử."
                )
            else:
                reason = _(
                    "“%(title)s” gần trùng với mô hình đã có của đơn vị năm %(year)d: “%(other)s”."
                )
            errors.append(
                RowError(
                    item.number,
                    reason % {"title": item.title, "year": item.year, "other": model.title},
                )
            )
            continue
        plan.append((item, None))
    return plan


def _resolve_sources(plan, actor, errors: list[RowError]) -> dict[int, Any]:
    """Row number → the model it replicates: a row of the file of the same or an earlier
    year, or a model already in the service that the actor may see or that is published,
    named by its exact title (case and marks aside)."""
    from . import access

    wanted = {fold(item.replicates) for item, _e in plan if item.replicates}
    if not wanted:
        return {}
    in_file: dict[str, list[_Row]] = {}
    for item, _existing in plan:
        in_file.setdefault(fold(item.title), []).append(item)
    # Only the models named (case aside; the folded comparison below drops the marks too).
    named = {item.replicates for item, _e in plan if item.replicates}
    stored = Initiative.objects.filter(reduce(or_, (Q(title__iexact=t) for t in named)))
    if not actor.is_superuser:
        stored = stored.filter(access.initiative_scope_q(actor) | Q(state__in=similar.PUBLISHED))
    stored_by_title: dict[str, list[Initiative]] = {}
    for initiative in stored.only("pk", "title", "year"):
        folded = fold(initiative.title)
        if folded in wanted:
            stored_by_title.setdefault(folded, []).append(initiative)
    sources: dict[int, Any] = {}
    for item, _existing in plan:
        if not item.replicates:
            continue
        folded = fold(item.replicates)
        candidates: list[Any] = [
            r for r in in_file.get(folded, []) if r is not item and r.year <= item.year
        ]
        candidates += [i for i in stored_by_title.get(folded, []) if i.year <= item.year]
        candidates = _distinct(candidates)
        if len(candidates) == 1:
            sources[item.number] = candidates[0]
        else:
            message = (
                _("không tìm thấy mô hình “%(title)s” (năm %(year)d trở về trước) để nhân rộng.")
                if not candidates
                else _(
                    "có nhiều mô hình tên “%(title)s”; hãy ghi tên phân biệt hoặc để trống cột "
                    "nhân rộng."
                )
            )
            errors.append(
                RowError(item.number, message % {"title": item.replicates, "year": item.year})
            )
    return sources


def _distinct(candidates: list[Any]) -> list[Any]:
    """A row of the file and the model it was imported as are one candidate."""
    rows = [c for c in candidates if isinstance(c, _Row)]
    models = [
        c
        for c in candidates
        if isinstance(c, Initiative)
        and not any(fold(r.title) == fold(c.title) and r.year == c.year for r in rows)
    ]
    return [*rows, *models]


def _campaigns(plan, committees) -> dict[str, Any]:
    keys = {(committees[item.unit.pk], item.year) for item, existing in plan if existing is None}
    found = {
        (c.committee_id, c.year): c
        for c in Campaign.objects.filter(
            committee__in={k[0] for k in keys}, year__in={k[1] for k in keys}
        )
    }
    missing = sorted(
        (k for k in keys if (k[0].pk, k[1]) not in found), key=lambda k: (k[0].path, k[1])
    )
    return {"found": found, "missing": missing}


def _write(plan, sources, committees, campaigns, *, actor, filename, digest, meta) -> list:
    role = "" if actor.is_superuser else Role.COMMITTEE_LEADER
    source = {"file": filename, "sha256": digest}
    common = {
        "actor_id": actor.pk,
        "action": IMPORT_ACTION,
        "comment": filename,
        "role": role,
        "request_id": meta.request_id,
        "ip": meta.ip,
    }
    # The audit entries are appended last, together: the chain head's lock is then held only
    # for the end of the import's transaction, as the door does for one transition.
    entries: list[dict[str, Any]] = []
    with transaction.atomic():
        by_key = dict(campaigns["found"])
        for committee, year in campaigns["missing"]:
            with translation.override("vi"):
                title = _("Đợt thi đua năm %(year)d (nhập dữ liệu các năm trước)") % {"year": year}
            campaign = Campaign.objects.create(
                committee=committee,
                year=year,
                title=title,
                registration_deadline=default_deadline(year),
            )
            by_key[(committee.pk, year)] = campaign
            entries.append(
                {
                    **common,
                    "subject_type": "campaign",
                    "subject_id": campaign.pk,
                    "changes": {"year": [None, year], "source": [None, source]},
                    "unit_id": committee.pk,
                }
            )
        made: dict[int, Initiative] = {}
        for item, existing in plan:
            if existing is not None:
                continue
            committee = committees[item.unit.pk]
            initiative = Initiative(
                campaign=by_key[(committee.pk, item.year)],
                unit=item.unit,
                year=item.year,
                state=item.state,
                imported=True,
                created_by=actor,
                **item.values,
            )
            replicates = sources.get(item.number)
            if isinstance(replicates, Initiative):
                initiative.replicates = replicates
            initiative.save()
            made[item.number] = initiative
        # A row may name as its source a row further down the file: linked once both exist.
        for number, initiative in made.items():
            replicates = sources.get(number)
            if isinstance(replicates, _Row):
                initiative.replicates = made[replicates.number]
                Initiative.objects.filter(pk=initiative.pk).update(replicates=initiative.replicates)
        InitiativeProcess.objects.bulk_create(
            InitiativeProcess(
                initiative=initiative,
                flow_class=_flow(),
                status=PROCESS.DONE,
                finished=timezone.now(),
            )
            for initiative in made.values()
        )
        for item, existing in plan:
            if existing is not None:
                continue
            initiative = made[item.number]
            changes = {
                name: [None, jsonable(value)]
                for name, value in item.values.items()
                if value not in ("", None)
            }
            if item.commendation:
                Commendation.objects.create(
                    initiative=initiative, recorded_by=actor, **item.commendation
                )
                changes["commendation"] = [None, jsonable_dict(item.commendation)]
            if initiative.replicates_id:
                changes["replicates_id"] = [None, initiative.replicates_id]
            changes["source"] = [None, {**source, "row": item.number}]
            entries.append(
                {
                    **common,
                    "initiative_id": initiative.pk,
                    "to_state": initiative.state,
                    "changes": changes,
                    "unit_id": committees[item.unit.pk].pk,
                }
            )
        for entry in entries:  # every entry names its committee as its unit
            audit.append(committee_id=entry["unit_id"], **entry)
    return list(made.values())


def jsonable_dict(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in values.items()}


def _flow():
    from .flows import InitiativeFlow

    return InitiativeFlow


# ---------------------------------------------------------------------------------------------
# The blank file


def history_workbook() -> bytes:
    """The blank file of the history import, with drop-downs and the accepted values."""
    columns = list(LABELS)
    year = timezone.localdate().year - 2
    example = {
        "unit": "VD_DON_VI",
        "year": year,
        "field": "Kinh tế",
        "form": "Mô hình tập thể",
        "kind": "Xây dựng mới",
        "title": "Tổ hợp tác rau an toàn (dòng ví dụ)",
        "address": "Thôn 1, xã Mẫu",
        "content": "Giúp hộ nghèo có đầu ra ổn định",
        "recognized": "có",
        "decision_number": f"12-QĐ/BDV{year}",
        "decision_date": f"15/10/{year}",
        "commendation_form": "Giấy khen",
        "authority": "Chủ tịch UBND xã Mẫu",
        "commendation_number": f"45/QĐ-UBND{year}",
        "commendation_date": f"20/11/{year}",
    }
    with translation.override("vi"):
        values = accepted_values()
        drop_downs = [
            DropDown(columns.index(column) + 1, LABELS[column], accepted)
            for column, accepted in values.items()
        ]
        return template_workbook(
            sheet_title="Mô hình các năm trước",
            headers=[LABELS[c] for c in columns],
            examples=[[example.get(c) for c in columns]],
            drop_downs=drop_downs,
            yes_no_columns=[columns.index("recognized") + 1],
            widths={columns.index("title") + 1: 40, columns.index("content") + 1: 50},
        )
