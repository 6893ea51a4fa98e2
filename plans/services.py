"""Writes of plans, filings and the reporting calendar. Every write takes the actor and checks
it; the lifecycle's moves go through the engine's door (`perform_plan`, `perform_filing`);
drafting, the calendar and the periods are written here, each in one transaction with its audit
entry, so bad input changes nothing."""

from __future__ import annotations

import calendar as cal
import datetime
import os

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidData, NotAllowed, NotFound
from core.request import NO_META, RequestMeta
from documents.models import DocumentKind
from documents.services import register_document
from units.models import Role, Unit
from units.selectors import units_covered_by
from workflows import audit
from workflows.engine import door
from workflows.recording import jsonable, parse_date, validate_upload

from . import access, figures
from .kinds import FILING, PLAN
from .models import (
    MONTHS,
    Filing,
    FilingKind,
    FilingState,
    Frequency,
    Plan,
    PlanAttachment,
    PlanState,
    PlanTask,
    ReportingCalendar,
    ReportPeriod,
)

PLAN_FIELDS = ("title", "basis", "content", "deadline", "all_units")
MAX_TASKS = 200


def perform_plan(plan_id: int, action: str, *, actor, meta: RequestMeta = NO_META, **data) -> Plan:
    return door.perform(PLAN, plan_id, action, actor=actor, meta=meta, **data)


def perform_filing(
    filing_id: int, action: str, *, actor, meta: RequestMeta = NO_META, **data
) -> Filing:
    return door.perform(FILING, filing_id, action, actor=actor, meta=meta, **data)


# ---------------------------------------------------------------------------------------------
# The committee's plan


def _require_committee_role(actor, committee: Unit, roles, message) -> None:
    if actor.is_superuser:
        return
    if committee.pk not in access.committees_of(actor, roles=set(roles)):
        if committee.pk not in access.committees_of(
            actor, roles={*roles, Role.AUDITOR, Role.COUNCIL_MEMBER}
        ):
            raise NotFound()
        raise NotAllowed(message)


def _scope_ids(committee: Unit) -> set[int]:
    """Units a task row may name (the committee itself and its party committee included)."""
    return set(units_covered_by(committee).values_list("pk", flat=True))


def recipient_units(committee: Unit):
    """The units a committee sends plans and asks reports of: every active unit in its scope
    but itself and the party committee it belongs to."""
    return (
        units_covered_by(committee)
        .filter(is_active=True)
        .exclude(pk=committee.pk)
        .exclude(path=committee.covered_path)
        .order_by("path")
    )


def _unit(value, scope: set[int], field: str, errors: dict) -> Unit | None:
    pk = getattr(value, "pk", value)
    if pk in (None, ""):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    if pk is None or pk not in scope:
        errors.setdefault(field, []).append(
            _("Đơn vị không thuộc phạm vi của Ban (mã %(pk)s).") % {"pk": value}
        )
        return None
    return Unit(pk=pk)


def _clean_tasks(rows, scope: set[int]) -> tuple[list[dict], dict]:
    """The task table as rows to write, and its errors by `tasks.<row>.<field>`."""
    errors: dict = {}
    cleaned = []
    if not rows:
        return [], {"tasks": [_("Bảng nhiệm vụ cần ít nhất một dòng.")]}
    if len(rows) > MAX_TASKS:
        return [], {"tasks": [_("Bảng nhiệm vụ có tối đa %(n)s dòng.") % {"n": MAX_TASKS}]}
    for i, row in enumerate(rows, start=1):
        row_errors: dict = {}
        content = (row.get("content") or "").strip()
        if not content:
            row_errors.setdefault("content", []).append(_("Cần nêu nội dung công việc."))
        lead = _unit(row.get("lead_unit"), scope, "lead_unit", row_errors)
        cooperating = [
            u
            for u in (
                _unit(v, scope, "cooperating", row_errors) for v in row.get("cooperating") or ()
            )
            if u is not None
        ]
        ongoing = bool(row.get("ongoing"))
        starts_on, ends_on = row.get("starts_on"), row.get("ends_on")
        starts = parse_date(starts_on) if starts_on not in (None, "") else None
        ends = parse_date(ends_on) if ends_on not in (None, "") else None
        if starts_on not in (None, "") and starts is None:
            row_errors.setdefault("starts_on", []).append(_("Ngày không hợp lệ (dd/mm/yyyy)."))
        if ends_on not in (None, "") and ends is None:
            row_errors.setdefault("ends_on", []).append(_("Ngày không hợp lệ (dd/mm/yyyy)."))
        if not ongoing and starts is None and ends is None and "starts_on" not in row_errors:
            row_errors.setdefault("ends_on", []).append(
                _("Cần nêu thời gian (từ – đến) hoặc chọn “thường xuyên”.")
            )
        if starts and ends and ends < starts:
            row_errors.setdefault("ends_on", []).append(
                _("Ngày kết thúc không được trước ngày bắt đầu.")
            )
        for key, messages in row_errors.items():
            errors[f"tasks.{i}.{key}"] = messages
        cleaned.append(
            {
                "position": i,
                "content": content,
                "lead_unit_id": lead.pk if lead else None,
                "cooperating": [u.pk for u in cooperating],
                "ongoing": ongoing,
                "starts_on": None if ongoing else starts,
                "ends_on": None if ongoing else ends,
                "expected_output": (row.get("expected_output") or "").strip(),
            }
        )
    return cleaned, errors


def _check_files(files) -> dict:
    errors = []
    for upload in files or ():
        try:
            validate_upload(upload)
        except InvalidData as exc:
            errors.append(str(exc.message))
    return {"attachments": errors} if errors else {}


def _validate_plan(committee, fields: dict, tasks, targets, files, *, today) -> tuple:
    scope = _scope_ids(committee)
    recipients = set(recipient_units(committee).values_list("pk", flat=True))
    errors: dict = {}
    title = (fields.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Cần nêu trích yếu của kế hoạch.")]
    elif len(title) > 500:
        errors["title"] = [_("Trích yếu tối đa 500 ký tự.")]
    deadline = parse_date(fields.get("deadline"))
    if deadline is None:
        errors["deadline"] = [_("Cần nêu hạn các đơn vị gửi kế hoạch (dd/mm/yyyy).")]
    elif deadline < today:
        errors["deadline"] = [
            _("Hạn gửi kế hoạch (%(deadline)s) không được trước ngày ban hành (%(today)s).")
            % {"deadline": deadline.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")}
        ]
    target_ids = []
    for value in targets or ():
        unit = _unit(value, recipients, "targets", errors)
        if unit is not None:
            target_ids.append(unit.pk)
    if not fields.get("all_units") and not target_ids and "targets" not in errors:
        errors["targets"] = [_("Chọn các đơn vị nhận kế hoạch, hoặc gửi mọi đơn vị thuộc phạm vi.")]
    rows, task_errors = _clean_tasks(tasks, scope)
    errors.update(task_errors)
    errors.update(_check_files(files))
    if errors:
        raise InvalidData(
            _("Kế hoạch chưa hợp lệ; hãy sửa các mục được đánh dấu."), field_errors=errors
        )
    return title, deadline, sorted(set(target_ids)), rows


def _write_tasks(plan: Plan, rows: list[dict]) -> None:
    plan.tasks.all().delete()
    for row in rows:
        cooperating = row.pop("cooperating")
        task = PlanTask.objects.create(plan=plan, **row)
        if cooperating:
            task.cooperating.set(cooperating)
        row["cooperating"] = cooperating


def _attach(plan: Plan, files, actor) -> None:
    for upload in files or ():
        PlanAttachment.objects.create(
            plan=plan,
            file=upload,
            original_name=os.path.basename(upload.name)[:255],
            size=upload.size,
            uploaded_by=actor,
        )


def _plan_changes(plan: Plan, rows, target_ids) -> dict:
    return {
        "title": [None, plan.title],
        "deadline": [None, jsonable(plan.deadline)],
        "all_units": [None, plan.all_units],
        "targets": [None, target_ids],
        "tasks": [None, len(rows)],
    }


def create_plan(
    *,
    actor,
    committee: Unit,
    title: str,
    deadline,
    tasks: list[dict],
    targets=(),
    all_units: bool = False,
    basis: str = "",
    content: str = "",
    attachments=(),
    meta: RequestMeta = NO_META,
) -> Plan:
    """A committee's draft plan with its task table, by its reviewers or leaders."""
    _require_committee_role(
        actor,
        committee,
        (Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER),
        _("Chỉ chuyên viên, lãnh đạo Ban mới soạn kế hoạch của Ban."),
    )
    today = timezone.localdate()
    fields = {"title": title, "deadline": deadline, "all_units": all_units}
    title, deadline, target_ids, rows = _validate_plan(
        committee, fields, tasks, targets, attachments, today=today
    )
    with transaction.atomic():
        plan = Plan.objects.create(
            committee=committee,
            year=today.year,
            title=title,
            basis=(basis or "").strip(),
            content=(content or "").strip(),
            deadline=deadline,
            all_units=bool(all_units),
            created_by=actor,
        )
        plan.targets.set(target_ids)
        _write_tasks(plan, rows)
        _attach(plan, attachments, actor)
        audit.append(
            committee_id=committee.pk,
            subject_type="plan",
            subject_id=plan.pk,
            actor_id=actor.pk,
            action="create",
            to_state=plan.state,
            changes=_plan_changes(plan, rows, target_ids),
            role=Role.COMMITTEE_REVIEWER,
            unit_id=committee.pk,
            request_id=meta.request_id,
            ip=meta.ip,
        )
    return plan


def update_plan(
    plan_id: int,
    *,
    actor,
    title: str,
    deadline,
    tasks: list[dict],
    targets=(),
    all_units: bool = False,
    basis: str = "",
    content: str = "",
    attachments=(),
    meta: RequestMeta = NO_META,
) -> Plan:
    """A draft's fields, targets and task table replaced (only while it is a draft)."""
    plan = access.get_visible_plan(actor, plan_id)
    if plan is None:
        raise NotFound()
    _require_committee_role(
        actor,
        plan.committee,
        (Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER),
        _("Chỉ chuyên viên, lãnh đạo Ban mới soạn kế hoạch của Ban."),
    )
    today = timezone.localdate()
    fields = {"title": title, "deadline": deadline, "all_units": all_units}
    title, deadline, target_ids, rows = _validate_plan(
        plan.committee, fields, tasks, targets, attachments, today=today
    )
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != PlanState.DRAFT:
            raise Conflict(_("Chỉ sửa được kế hoạch khi còn là dự thảo."))
        before = {"title": plan.title, "deadline": jsonable(plan.deadline)}
        Plan.objects.filter(pk=plan.pk).update(
            title=title,
            basis=(basis or "").strip(),
            content=(content or "").strip(),
            deadline=deadline,
            all_units=bool(all_units),
            updated=timezone.now(),
        )
        plan.refresh_from_db()
        plan.targets.set(target_ids)
        _write_tasks(plan, rows)
        _attach(plan, attachments, actor)
        changes = _plan_changes(plan, rows, target_ids)
        changes["title"][0], changes["deadline"][0] = before["title"], before["deadline"]
        audit.append(
            committee_id=plan.committee_id,
            subject_type="plan",
            subject_id=plan.pk,
            actor_id=actor.pk,
            action="edit",
            from_state=plan.state,
            to_state=plan.state,
            changes=changes,
            unit_id=plan.committee_id,
            request_id=meta.request_id,
            ip=meta.ip,
        )
    return plan


def plan_units(plan: Plan) -> list[Unit]:
    """The units a plan goes to: those it names, or every unit in the committee's scope."""
    if plan.all_units:
        return list(recipient_units(plan.committee))
    return list(plan.targets.order_by("path"))


def check_issuable(plan: Plan, *, today: datetime.date) -> None:
    """What issuing needs besides the leader: a task table, a deadline not before the issue
    date, units to send it to — all still in the committee's scope."""
    errors: dict = {}
    if not plan.tasks.exists():
        errors["tasks"] = [_("Bảng nhiệm vụ cần ít nhất một dòng.")]
    if plan.deadline < today:
        errors["deadline"] = [
            _("Hạn gửi kế hoạch (%(deadline)s) không được trước ngày ban hành (%(today)s).")
            % {"deadline": plan.deadline.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")}
        ]
    units = plan_units(plan)
    scope = set(recipient_units(plan.committee).values_list("pk", flat=True))
    if not units:
        errors["targets"] = [_("Kế hoạch chưa có đơn vị nhận.")]
    elif any(u.pk not in scope for u in units):
        errors["targets"] = [_("Có đơn vị nhận không còn thuộc phạm vi của Ban.")]
    if errors:
        raise InvalidData(_("Chưa thể ban hành kế hoạch."), field_errors=errors)


def allocate_number(plan: Plan, *, actor, issued_on: datetime.date) -> tuple[int, str]:
    """The plan's number in its committee's register of documents ("24-KH/BDVTU"), in the
    issuing transaction: a rollback gives the number back (documents.services)."""
    registered = register_document(
        actor=actor,
        issuer=plan.committee,
        kind=DocumentKind.PLAN,
        title=plan.title,
        issued_on=issued_on,
    )
    return registered.number, registered.symbol


def open_plan_filings(plan: Plan) -> list[Filing]:
    """One implementing plan (a draft) per unit the plan goes to, due on its deadline."""
    rows = [
        Filing(
            kind=FilingKind.PLAN,
            committee_id=plan.committee_id,
            unit=unit,
            plan=plan,
            due_on=plan.deadline,
            title=_("Kế hoạch thực hiện %(symbol)s") % {"symbol": plan.symbol},
        )
        for unit in plan_units(plan)
    ]
    return Filing.objects.bulk_create(rows)


# ---------------------------------------------------------------------------------------------
# A unit's filing, while it is drafted

FILING_FIELDS = ("title", "content", "implements", "sections", "figures")


def update_filing(filing_id: int, *, actor, meta: RequestMeta = NO_META, **fields) -> Filing:
    """The unit's staff or head edit what they will send (only while it is a draft)."""
    filing = access.get_visible_filing(actor, filing_id)
    if filing is None:
        raise NotFound()
    if access.acting(filing, actor, _EDIT) is None:
        raise NotAllowed(_("Chỉ cán bộ, thủ trưởng của đơn vị mới soạn văn bản gửi Ban."))
    unknown = set(fields) - set(FILING_FIELDS)
    if unknown:
        raise InvalidData(field_errors={k: [_("Trường không được phép sửa.")] for k in unknown})
    errors: dict = {}
    values: dict = {}
    if "title" in fields:
        title = (fields["title"] or "").strip()
        if len(title) > 500:
            errors["title"] = [_("Trích yếu tối đa 500 ký tự.")]
        values["title"] = title
    if "content" in fields:
        values["content"] = (fields["content"] or "").strip()
    task_ids = None
    if "implements" in fields:
        wanted = {int(getattr(t, "pk", t)) for t in fields["implements"] or ()}
        allowed = set(filing.plan.tasks.values_list("pk", flat=True)) if filing.plan_id else set()
        if wanted - allowed:
            errors["implements"] = [
                _("Chỉ chọn được các nhiệm vụ của kế hoạch mà đơn vị thực hiện.")
            ]
        task_ids = sorted(wanted)
    if "sections" in fields:
        keys = {s["key"] for s in (filing.period.sections if filing.period_id else [])}
        sections = fields["sections"] or {}
        if not isinstance(sections, dict) or set(sections) - keys:
            errors["sections"] = [_("Các mục viết không đúng mẫu báo cáo của kỳ.")]
        else:
            values["sections"] = {k: str(v or "").strip() for k, v in sections.items()}
    if "figures" in fields:
        keys = set(figures.FIGURE_KEYS) | {
            f["key"] for f in (filing.period.extra_figures if filing.period_id else [])
        }
        numbers = fields["figures"] or {}
        bad = (
            [k for k, v in numbers.items() if k not in keys or not _is_count(v)]
            if isinstance(numbers, dict)
            else ["figures"]
        )
        if bad:
            errors["figures"] = [
                _("Số liệu phải là số nguyên không âm, đúng các mục của mẫu báo cáo (%(keys)s).")
                % {"keys": ", ".join(sorted(map(str, bad)))}
            ]
        else:
            values["figures"] = {k: int(v) for k, v in numbers.items() if v not in (None, "")}
    if errors:
        raise InvalidData(field_errors=errors)
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        if locked.state != FilingState.DRAFT:
            raise Conflict(_("Chỉ sửa được khi văn bản còn đang soạn."))
        if "figures" in values:
            # Figures not named keep their value (the system's, or what the unit typed before).
            values["figures"] = {**locked.figures, **values["figures"]}
        if "sections" in values:
            values["sections"] = {**locked.sections, **values["sections"]}
        changes = {
            k: [jsonable(getattr(locked, k)), jsonable(v)]
            for k, v in values.items()
            if getattr(locked, k) != v
        }
        if values:
            Filing.objects.filter(pk=locked.pk).update(**values, updated=timezone.now())
        if task_ids is not None:
            before = sorted(locked.implements.values_list("pk", flat=True))
            if before != task_ids:
                locked.implements.set(task_ids)
                changes["implements"] = [before, task_ids]
        if locked.period_id:
            refresh_prefilled(locked)
        if changes:
            audit.append(
                committee_id=locked.committee_id,
                subject_type="filing",
                subject_id=locked.pk,
                actor_id=actor.pk,
                action="edit",
                from_state=locked.state,
                to_state=locked.state,
                changes=changes,
                unit_id=locked.unit_id,
                request_id=meta.request_id,
                ip=meta.ip,
            )
    return Filing.objects.select_related("unit", "committee", "plan", "period").get(pk=filing.pk)


def _is_count(value) -> bool:
    if value in (None, ""):
        return True
    if isinstance(value, bool):
        return False
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    return number >= 0 and str(number) == str(value).strip() and number < 10**15


class _Edit:
    """The roles that may edit a draft (not an action of the FSM: a data change)."""

    roles = frozenset({Role.UNIT_STAFF, Role.UNIT_HEAD})
    label = ""

    def barred(self, subject, person):
        return None


_EDIT = _Edit()


def refresh_prefilled(filing: Filing) -> None:
    """The system's figures for the filing's unit and period, written on the filing; the unit's
    own figures start from them."""
    period = filing.period
    known = figures.system_figures([filing.unit_id], period.starts_on, period.ends_on)[
        filing.unit_id
    ]
    update = {"prefilled": known}
    if not filing.figures:
        update["figures"] = dict(known)
        filing.figures = dict(known)
    filing.prefilled = known
    Filing.objects.filter(pk=filing.pk).update(**update)


# ---------------------------------------------------------------------------------------------
# The reporting calendar and its periods


def _day(value, field, errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        day = int(value)
    except (TypeError, ValueError):
        day = 0
    if not 1 <= day <= 28:
        errors[field] = [_("Ngày hạn là một số từ 1 đến 28.")]
        return None
    return day


def _items(values, prefix: str, field: str, errors) -> list[dict]:
    items = []
    for i, text in enumerate(values or (), start=1):
        text = str(text or "").strip()
        if not text:
            continue
        if len(text) > 300:
            errors[field] = [_("Mỗi mục tối đa 300 ký tự.")]
        items.append({"key": f"{prefix}{i}", "title": text})
    return items


def set_calendar(
    *,
    actor,
    committee: Unit,
    year: int,
    monthly_day=None,
    quarterly_day=None,
    half_year_day=None,
    year_day=None,
    sections=(),
    extra_figures=(),
    meta: RequestMeta = NO_META,
) -> ReportingCalendar:
    """The committee's reporting calendar and report form for a year (its leader sets it)."""
    _require_committee_role(
        actor,
        committee,
        (Role.COMMITTEE_LEADER,),
        _("Chỉ lãnh đạo Ban mới đặt lịch báo cáo."),
    )
    errors: dict = {}
    days = {
        "monthly_day": _day(monthly_day, "monthly_day", errors),
        "quarterly_day": _day(quarterly_day, "quarterly_day", errors),
        "half_year_day": _day(half_year_day, "half_year_day", errors),
        "year_day": _day(year_day, "year_day", errors),
    }
    if not any(days.values()) and not errors:
        errors["monthly_day"] = [_("Cần đặt hạn cho ít nhất một loại báo cáo.")]
    form = {
        "sections": _items(sections, "s", "sections", errors),
        "extra_figures": _items(extra_figures, "f", "extra_figures", errors),
    }
    if not 2000 <= int(year) <= 2100:
        errors["year"] = [_("Năm không hợp lệ.")]
    if errors:
        raise InvalidData(field_errors=errors)
    with transaction.atomic():
        found, created = ReportingCalendar.objects.update_or_create(
            committee=committee,
            year=year,
            defaults={**days, **form},
            create_defaults={**days, **form, "created_by": actor},
        )
        audit.append(
            committee_id=committee.pk,
            subject_type="reporting_calendar",
            subject_id=found.pk,
            actor_id=actor.pk,
            action="create" if created else "edit",
            changes={k: [None, v] for k, v in {**days, **form}.items()},
            unit_id=committee.pk,
            request_id=meta.request_id,
            ip=meta.ip,
        )
    return found


def period_bounds(frequency: str, year: int, index: int) -> tuple[datetime.date, datetime.date]:
    months = MONTHS[frequency]
    if not 1 <= index <= 12 // months:
        raise InvalidData(field_errors={"index": [_("Kỳ báo cáo không có trong năm.")]})
    first = (index - 1) * months + 1
    last = first + months - 1
    return datetime.date(year, first, 1), datetime.date(year, last, cal.monthrange(year, last)[1])


def period_due(frequency: str, ends_on: datetime.date, day: int) -> datetime.date:
    """The given day of the month after the period ends."""
    month = ends_on.month % 12 + 1
    year = ends_on.year + (1 if ends_on.month == 12 else 0)
    return datetime.date(year, month, day)


def open_period(
    calendar_id: int, *, actor, frequency: str, index: int, meta: RequestMeta = NO_META
) -> ReportPeriod:
    """Open one period of the calendar: every unit in the committee's scope gets its report
    (a draft pre-filled with the system's figures), due by the calendar's day."""
    found = ReportingCalendar.objects.select_related("committee").filter(pk=calendar_id).first()
    if found is None:
        raise NotFound()
    _require_committee_role(
        actor,
        found.committee,
        (Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER),
        _("Chỉ chuyên viên, lãnh đạo Ban mới mở kỳ báo cáo."),
    )
    return _open_period(found, actor=actor, frequency=frequency, index=index, meta=meta)


def _open_period(
    found: ReportingCalendar, *, actor, frequency: str, index: int, meta: RequestMeta = NO_META
) -> ReportPeriod:
    if frequency not in Frequency.values:
        raise InvalidData(field_errors={"frequency": [_("Loại kỳ báo cáo không hợp lệ.")]})
    day = found.due_day(frequency)
    if day is None:
        raise InvalidData(
            field_errors={"frequency": [_("Lịch báo cáo của Ban không có loại báo cáo này.")]}
        )
    starts_on, ends_on = period_bounds(frequency, found.year, int(index))
    due_on = period_due(frequency, ends_on, day)
    units = list(recipient_units(found.committee))
    try:
        with transaction.atomic():
            period = ReportPeriod.objects.create(
                calendar=found,
                frequency=frequency,
                index=index,
                starts_on=starts_on,
                ends_on=ends_on,
                due_on=due_on,
                sections=found.sections,
                extra_figures=found.extra_figures,
                opened_by=actor,
            )
            known = figures.system_figures([u.pk for u in units], starts_on, ends_on)
            Filing.objects.bulk_create(
                [
                    Filing(
                        kind=FilingKind.REPORT,
                        committee_id=found.committee_id,
                        unit=unit,
                        period=period,
                        due_on=due_on,
                        title=period.label,
                        prefilled=known[unit.pk],
                        figures=dict(known[unit.pk]),
                    )
                    for unit in units
                ]
            )
            audit.append(
                committee_id=found.committee_id,
                subject_type="report_period",
                subject_id=period.pk,
                actor_id=actor.pk,
                action="open",
                changes={
                    "period": [None, period.label],
                    "due_on": [None, jsonable(due_on)],
                    "units": [None, len(units)],
                },
                unit_id=found.committee_id,
                request_id=meta.request_id,
                ip=meta.ip,
            )
    except IntegrityError:
        raise Conflict(_("Kỳ báo cáo này đã được mở.")) from None
    return period


def open_current_periods(*, today: datetime.date | None = None) -> list[ReportPeriod]:
    """Celery beat, daily: each calendar of this year opens, on its first day, every period of
    a kind it asks for (the month, the quarter, …) that is not open yet, in the name of whoever
    set the calendar. Returns the periods opened by this run."""
    today = today or timezone.localdate()
    opened = []
    for found in ReportingCalendar.objects.filter(year=today.year).select_related("committee"):
        for frequency in Frequency.values:
            if found.due_day(frequency) is None:
                continue
            index = (today.month - 1) // MONTHS[frequency] + 1
            if found.periods.filter(frequency=frequency, index=index).exists():
                continue
            try:
                opened.append(
                    _open_period(found, actor=found.created_by, frequency=frequency, index=index)
                )
            except Conflict:
                continue  # another run opened it first
    return opened


def file_size_limit_mb() -> float:
    return round(settings.ATTACHMENT_MAX_BYTES / 1048576, 1)
