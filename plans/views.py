"""Pages of plans, filings, the reporting calendar, the compilation and the reviews. Thin: they
read through plans.access/selectors and write through plans.services; a refusal outside one's
scope is 404 (core.http)."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.files import serve_file
from core.http import refuse_as_http
from core.parsing import parse_int
from core.request import meta_from
from units.models import Role, Unit
from workflows.engine.inputs import form_class

from . import access, exports, forms, selectors, services
from .actions import FILING_ACTIONS, PLAN_ACTIONS
from .models import Filing, FilingState, Plan, PlanAttachment, PlanState, ReportingCalendar

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DRAFTERS = {Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER}


def _status(exc: DomainError) -> int:
    return exc.http_status if exc.http_status in (400, 409) else 400


def _put_errors(form, exc: DomainError) -> None:
    placed = False
    for name, errors in exc.field_errors.items():
        for error in errors:
            if name in form.fields:
                form.add_error(name, error)
                placed = True
    if not placed or exc.field_errors == {}:
        form.add_error(None, exc.message)


# ---------------------------------------------------------------------------------------------
# The list


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    plans = list(access.visible_plans(user).order_by("-created")[:100])
    committees = access.committees_of(user, roles=access.COMMITTEE_SIDE)
    periods = list(selectors.visible_periods(user)[:50])
    # The committee's dashboard: how many units have sent, how many are overdue or returned.
    board = selectors.overview(
        Filing.objects.filter(committee_id__in=committees).filter(
            Q(plan__in=[p.pk for p in plans]) | Q(period__in=[p.pk for p in periods])
        )
    )
    for item in plans:
        item.board = board.get(item.pk) if item.committee_id in committees else None
    mine = list(
        access.visible_filings(user)
        .exclude(committee_id__in=access.committees_of(user, roles=access.COMMITTEE_SIDE))
        .filter(state__in=[FilingState.DRAFT, FilingState.SIGNING, FilingState.SENT])
        .order_by("state", "due_on")[:200]
    )
    return render(
        request,
        "plans/index.html",
        {
            "plans": plans,
            "filings": mine,
            "can_draft": bool(access.committees_of(user, roles=DRAFTERS)),
            "periods": [(p, board.get(p.pk)) for p in periods],
        },
    )


# ---------------------------------------------------------------------------------------------
# A committee's plan


def _plan_or_404(request, pk: int) -> Plan:
    plan = access.get_visible_plan(request.user, pk)
    if plan is None:
        raise Http404
    return plan


def _units_of(committee: Unit):
    return list(selectors.scope_units(committee))


def _row_errors(rows: list[dict] | None, errors: dict) -> None:
    """Each row's errors (tasks.<n>.<field>) beside it."""
    for key, messages_ in errors.items():
        parts = key.split(".")
        if rows and len(parts) == 3 and parts[1].isdigit() and 0 < int(parts[1]) <= len(rows):
            rows[int(parts[1]) - 1].setdefault("errors", []).extend(messages_)


def _task_context(committee: Unit, posted_rows=None, plan: Plan | None = None) -> dict:
    lead_choices = list(Unit.objects.filter(pk__in=services._scope_ids(committee)).order_by("path"))
    if posted_rows is not None:
        rows = posted_rows
    elif plan is not None:
        rows = [
            {
                "content": t.content,
                "lead_unit": str(t.lead_unit_id or ""),
                "cooperating": [str(u.pk) for u in t.cooperating.all()],
                "ongoing": t.ongoing,
                "starts_on": t.starts_on.strftime("%d/%m/%Y") if t.starts_on else "",
                "ends_on": t.ends_on.strftime("%d/%m/%Y") if t.ends_on else "",
                "expected_output": t.expected_output,
            }
            for t in plan.tasks.prefetch_related("cooperating")
        ]
    else:
        rows = []
    rows = list(rows) + [{}] * max(2, forms.TASK_ROWS_MIN - len(rows))
    return {"task_rows": rows, "lead_choices": lead_choices}


def _plan_form_page(request: HttpRequest, form, committee, save, plan=None) -> HttpResponse:
    """The plan's form, new or a draft's edit: on POST the fields and the task table go to
    `save` (the service); refusals come back beside their field or table row."""
    rows = None
    task_errors: dict = {}
    status = 200
    if request.method == "POST":
        count = parse_int(request.POST.get("task_count"), 0, low=0, high=services.MAX_TASKS) or 0
        rows = forms.task_rows(request.POST, count)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = save(
                    actor=request.user,
                    title=data["title"],
                    deadline=data["deadline"],
                    tasks=rows,
                    targets=[int(pk) for pk in data["targets"]],
                    all_units=data["all_units"],
                    basis=data["basis"],
                    content=data["content"],
                    attachments=data["attachments"],
                    meta=meta_from(request),
                )
            except DomainError as exc:
                refuse_as_http(exc)
                _put_errors(form, exc)
                task_errors = {k: v for k, v in exc.field_errors.items() if k.startswith("tasks")}
                _row_errors(rows, task_errors)
                status = _status(exc)
            else:
                messages.success(request, _("Đã lưu dự thảo kế hoạch."))
                return redirect(plan or saved)
        else:
            status = 400
    context = {"form": form, "committee": committee, "task_errors": task_errors}
    if plan is not None:
        context["plan"] = plan
    return render(
        request,
        "plans/plan_form.html",
        {**context, **_task_context(committee, rows, plan)},
        status=status,
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    committees = list(selectors.committee_choices(request.user, roles=DRAFTERS))
    if not committees:
        raise Http404
    committee = committees[0]
    posted = request.method == "POST"
    form = forms.PlanForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        units=_units_of(committee),
    )
    return _plan_form_page(
        request, form, committee, functools.partial(services.create_plan, committee=committee)
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    if plan.state != PlanState.DRAFT or plan.committee_id not in access.committees_of(
        request.user, roles=DRAFTERS
    ):
        raise Http404
    posted = request.method == "POST"
    initial = {
        "title": plan.title,
        "basis": plan.basis,
        "content": plan.content,
        "deadline": plan.deadline,
        "all_units": plan.all_units,
        "targets": [str(u.pk) for u in plan.targets.all()],
    }
    form = forms.PlanForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        units=_units_of(plan.committee),
        initial=initial,
    )
    return _plan_form_page(
        request, form, plan.committee, functools.partial(services.update_plan, plan.pk), plan
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    committee_side = access.on_committee_side(request.user, plan)
    context = {
        "plan": plan,
        "tasks": plan.tasks.select_related("lead_unit").prefetch_related("cooperating"),
        "attachments": plan.attachments.all(),
        "actions": access.offered_actions(request.user, plan, PLAN_ACTIONS),
        "can_edit": plan.state == PlanState.DRAFT
        and plan.committee_id in access.committees_of(request.user, roles=DRAFTERS),
        "committee_side": committee_side,
        "targets": plan.targets.all() if not plan.all_units else None,
    }
    if committee_side and plan.state == PlanState.ISSUED:
        context["standing"] = selectors.plan_standing(plan)
    else:
        context["own_filings"] = access.visible_filings(request.user).filter(plan=plan)
    return render(request, "plans/plan_detail.html", context)


@login_required
def plan_attachment(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    found = PlanAttachment.objects.filter(pk=attachment, plan=plan).first()
    if found is None:
        raise Http404
    return serve_file(found.file, found.original_name)


def _act(request, subject, registry, perform, template_subject: str) -> HttpResponse:
    spec = registry.get(request.resolver_match.kwargs["action"])
    if spec is None:
        raise Http404
    try:
        access.require_acting(subject, request.user, spec)
    except DomainError as exc:
        refuse_as_http(exc)
    from django_fsm import can_proceed

    if not can_proceed(getattr(subject, spec.method), check_conditions=False):
        return render(
            request,
            "plans/action.html",
            {"subject": subject, "spec": spec, "form": None},
            status=409,
        )
    posted = request.method == "POST"
    form = form_class(spec)(request.POST if posted else None, subject=subject)
    status = 200
    if posted and form.is_valid():
        try:
            perform(
                subject.pk,
                spec.name,
                actor=request.user,
                meta=meta_from(request),
                **form.door_data(),
            )
        except DomainError as exc:
            refuse_as_http(exc)
            _put_errors(form, exc)
            status = _status(exc)
        else:
            messages.success(request, _("Đã thực hiện “%(action)s”.") % {"action": spec.label})
            return redirect(subject)
    elif posted:
        status = 400
    return render(
        request,
        "plans/action.html",
        {"subject": subject, "spec": spec, "form": form, "kind": template_subject},
        status=status,
    )


@login_required
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, _plan_or_404(request, pk), PLAN_ACTIONS, services.perform_plan, "plan")


# ---------------------------------------------------------------------------------------------
# A unit's filing


def _filing_or_404(request, pk: int) -> Filing:
    filing = access.get_visible_filing(request.user, pk)
    if filing is None:
        raise Http404
    return filing


@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing_or_404(request, pk)
    can_edit = (
        filing.state == FilingState.DRAFT
        and access.acting(filing, request.user, services._EDIT) is not None
    )
    form = None
    status = 200
    if can_edit:
        posted = request.method == "POST"
        form = forms.FilingForm(request.POST if posted else None, filing=filing)
        if posted and form.is_valid():
            try:
                services.update_filing(
                    filing.pk, actor=request.user, meta=meta_from(request), **form.service_data()
                )
            except DomainError as exc:
                refuse_as_http(exc)
                _put_errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("Đã lưu."))
                return redirect(filing)
        elif posted:
            status = 400
    elif request.method == "POST":
        raise Http404
    figures = []
    if filing.period_id:
        from .figures import FIGURES

        items = [(k, str(label)) for k, label in FIGURES] + [
            (f["key"], f["title"]) for f in filing.period.extra_figures
        ]
        figures = [
            {"label": label, "value": filing.figures.get(k), "known": filing.prefilled.get(k)}
            for k, label in items
        ]
    return render(
        request,
        "plans/filing_detail.html",
        {
            "filing": filing,
            "form": form,
            "actions": access.offered_actions(request.user, filing, FILING_ACTIONS),
            "implements": filing.implements.all(),
            "figures": figures,
            "sections": [
                {"title": s["title"], "text": filing.sections.get(s["key"], "")}
                for s in (filing.period.sections if filing.period_id else [])
            ],
            "standing": selectors.STANDING_LABELS[selectors.standing(filing)],
            "history": _history(filing),
        },
        status=status,
    )


def _history(filing: Filing):
    from workflows.models import AuditEntry

    return (
        AuditEntry.objects.filter(subject_type="filing", subject_id=filing.pk)
        .select_related("actor")
        .order_by("seq")
    )


@login_required
def filing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(
        request, _filing_or_404(request, pk), FILING_ACTIONS, services.perform_filing, "filing"
    )


# ---------------------------------------------------------------------------------------------
# The reporting calendar, periods, the compilation and the reviews


@login_required
def reporting(request: HttpRequest) -> HttpResponse:
    committees = list(selectors.committee_choices(request.user, roles=access.COMMITTEE_SIDE))
    if not committees:
        raise Http404
    leads = list(selectors.committee_choices(request.user, roles={Role.COMMITTEE_LEADER}))
    posted = request.method == "POST" and request.POST.get("form") == "calendar"
    year = timezone.localdate().year
    current = ReportingCalendar.objects.filter(committee=committees[0], year=year).first()
    initial = {"year": year, "committee": str(committees[0].pk)}
    if current:
        initial.update(
            monthly_day=current.monthly_day,
            quarterly_day=current.quarterly_day,
            half_year_day=current.half_year_day,
            year_day=current.year_day,
            sections="\n".join(s["title"] for s in current.sections),
            extra_figures="\n".join(f["title"] for f in current.extra_figures),
        )
    calendar_form = (
        forms.CalendarForm(request.POST if posted else None, committees=leads, initial=initial)
        if leads
        else None
    )
    status = 200
    if posted:
        if calendar_form is None:
            raise Http404
        if calendar_form.is_valid():
            data = dict(calendar_form.cleaned_data)
            committee = next(c for c in leads if str(c.pk) == data.pop("committee"))
            try:
                services.set_calendar(
                    actor=request.user,
                    committee=committee,
                    sections=data.pop("sections").splitlines(),
                    extra_figures=data.pop("extra_figures").splitlines(),
                    meta=meta_from(request),
                    **data,
                )
            except DomainError as exc:
                refuse_as_http(exc)
                _put_errors(calendar_form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("Đã lưu lịch báo cáo."))
                return redirect("plans:reporting")
        else:
            status = 400
    calendars = list(selectors.visible_calendars(request.user).prefetch_related("periods"))
    opening = request.method == "POST" and request.POST.get("form") == "period"
    period_form = forms.PeriodForm(request.POST if opening else None)
    if opening:
        calendar_id = parse_int(request.POST.get("calendar"), low=1, high=2**62)
        found = next((c for c in calendars if c.pk == calendar_id), None)
        if found is None:
            raise Http404
        if period_form.is_valid():
            try:
                period = services.open_period(
                    found.pk,
                    actor=request.user,
                    meta=meta_from(request),
                    **period_form.cleaned_data,
                )
            except DomainError as exc:
                refuse_as_http(exc)
                _put_errors(period_form, exc)
                status = _status(exc)
            else:
                messages.success(request, _("Đã mở kỳ “%(p)s”.") % {"p": period.label})
                return redirect(period)
        else:
            status = 400
    return render(
        request,
        "plans/reporting.html",
        {
            "calendar_form": calendar_form,
            "calendars": calendars,
            "period_form": period_form,
            "committees": committees,
            "this_year": year,
        },
        status=status,
    )


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.get_visible_period(request.user, pk)
    if period is None:
        raise Http404
    data = selectors.compilation(period)
    wanted = request.GET.get("tai", "")
    if wanted == "xlsx":
        return _download(exports.compilation_workbook(data), XLSX, f"tong-hop-{period.pk}.xlsx")
    if wanted == "docx":
        return _download(exports.compilation_document(data), DOCX, f"tong-hop-{period.pk}.docx")
    return render(
        request,
        "plans/period_detail.html",
        {"period": period, "data": data, "standing": selectors.period_standing(period)},
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    committees = list(selectors.committee_choices(request.user, roles=access.COMMITTEE_SIDE))
    if not committees:
        raise Http404
    committee_id = parse_int(request.GET.get("ban"), committees[0].pk, low=1, high=2**62)
    committee = next((c for c in committees if c.pk == committee_id), None)
    if committee is None:
        raise Http404
    this_year = timezone.localdate().year
    last = parse_int(request.GET.get("den"), this_year, low=2000, high=2100)
    first = parse_int(request.GET.get("tu"), last - 2, low=2000, high=last)
    first = max(first, last - 9)  # ten years at most on one page
    data = selectors.review(committee, first, last)
    wanted = request.GET.get("tai", "")
    name = f"so-ket-{first}-{last}"
    if wanted == "xlsx":
        return _download(exports.review_workbook(data), XLSX, f"{name}.xlsx")
    if wanted == "docx":
        return _download(exports.review_document(data), DOCX, f"{name}.docx")
    return render(
        request,
        "plans/review.html",
        {"data": data, "committees": committees, "committee": committee},
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private"
    return response
