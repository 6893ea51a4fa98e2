"""The web pages of the three journeys (reviewer, unit, auditor) and the campaign set-up.

Views read through workflows.selectors and write through workflows.services (the one door):
they translate a WorkflowError into a message next to the field, a 403 or a 404, nothing more.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError as WorkflowError
from core.errors import Duplicate, NotAllowed, NotFound
from core.files import serve_file
from core.http import refuse_as_http
from core.imports import ImportRejected, read_table
from core.parsing import parse_int, parse_ints
from core.request import meta_from as _meta
from units.models import UNIT_ROLES, Unit
from units.selectors import visible_units

from . import access, audit, exports, forms, history, panels, selectors, services, similar
from .engine.inputs import form_class
from .flows import InitiativeFlow
from .levels import selectors as level_selectors
from .lifecycle.actions import ACTIONS
from .models import DEFAULT_CRITERIA, Commendation, Initiative, State

PAGE_SIZE = 25


def _bulk_actions() -> dict[str, str]:
    """The step whose task a bulk "approve" completes, and with which action (the registry's
    `bulk` actions)."""
    return {
        step.name: name
        for step in InitiativeFlow.steps()
        for name in step.actions
        if ACTIONS[name].bulk
    }


# ---------------------------------------------------------------------------------------------
# Helpers


def _page(request: HttpRequest, qs, paginator_class=Paginator):
    return paginator_class(qs, PAGE_SIZE).get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """Counts at most CAP rows. An auditor's whole history can run to hundreds of thousands of
    entries; an exact count would read them all on every page, while "more than 2,000" is as
    useful and costs a bounded read (docs/performance.md). Filters narrow the rest."""

    CAP = 2000

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            n = self.object_list.order_by().values("pk")[: self.CAP + 1].count()
            self.capped = n > self.CAP
            self._capped_count = min(n, self.CAP)
        return self._capped_count


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def _visible_or_404(request: HttpRequest, pk: int) -> Initiative:
    initiative = access.get_visible_initiative(request.user, pk)
    if initiative is None:
        # Outside the person's scope reads exactly like a missing one.
        raise Http404
    return initiative


# Entries of workflows.history name the file they came from and the commendation they brought.
CHANGE_LABELS = {"source": gettext_lazy("Tệp nguồn"), "commendation": gettext_lazy("Khen thưởng")}


def _field_label(name: str) -> str:
    if name in CHANGE_LABELS:
        return str(CHANGE_LABELS[name])
    try:
        return str(Initiative._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return name


def _value_label(name: str, value):
    """A stored choice (e.g. "kinh_te") as people read it ("Kinh tế")."""
    try:
        choices = Initiative._meta.get_field(name).flatchoices
    except Exception:
        return value
    return dict(choices).get(value, value) if choices and value is not None else value


_refuse_as_http = refuse_as_http


def _show_errors(form, exc: WorkflowError) -> None:
    """Put the door's Vietnamese messages next to the fields they are about."""
    _refuse_as_http(exc)
    placed = False
    for name, problems in exc.field_errors.items():
        for problem in problems:
            if name == "__all__":
                form.add_error(None, str(problem))
            elif name in form.fields:
                form.add_error(name, str(problem))
                placed = True
            else:
                form.add_error(None, f"{_field_label(name)}: {problem}")
    if not placed:
        form.add_error(None, str(exc.message))


def _decorate(entries) -> list:
    """Audit entries with their labels and before/after rows ready for a template."""
    import json

    def shown(value):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return value

    result = []
    for entry in entries:
        entry.action_label = exports.action_label(entry.action)
        entry.from_label = exports.state_label(entry.from_state)
        entry.to_label = exports.state_label(entry.to_state)
        entry.change_rows = []
        for name, pair in (entry.changes or {}).items():
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            before, after = pair
            if name == "state":
                before, after = exports.state_label(before or ""), exports.state_label(after)
            else:
                before, after = _value_label(name, before), _value_label(name, after)
            entry.change_rows.append((_field_label(name), shown(before), shown(after)))
        result.append(entry)
    return result


def _error_status(exc: WorkflowError) -> int:
    return exc.http_status if exc.http_status >= 400 else 400


# ---------------------------------------------------------------------------------------------
# Tasks: inbox, queue, archive, claim, release, bulk


TABS = {
    "inbox": selectors.inbox_for,
    "queue": selectors.queue_for,
    "archive": selectors.archive_for,
}


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "inbox")
    if tab not in TABS:
        tab = "inbox"
    form = forms.TaskFilterForm(request.GET or None, units=visible_units(request.user))
    page = _page(request, TABS[tab](request.user, **form.filters()))
    return render(
        request,
        "workflows/tasks.html",
        {
            "page": page,
            "tab": tab,
            "form": form,
            "query": _query_without_page(request),
            "bulk": tab in ("inbox", "queue"),
            "sections": selectors.inbox_sections(request.user) if tab == "inbox" else [],
        },
    )


def _task_visible_or_404(request: HttpRequest, pk: int) -> None:
    """A task of an initiative outside the person's scope reads like a missing one."""
    try:
        access.task_in_scope(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    _task_visible_or_404(request, pk)
    try:
        task = services.claim_task(pk, actor=request.user, meta=_meta(request))
    except WorkflowError as exc:
        _refuse_as_http(exc)
        messages.error(request, exc.message)
        return redirect("workflows:tasks")
    messages.success(request, _("Bạn đã nhận việc “%(title)s”.") % {"title": task.initiative})
    return redirect("workflows:initiative_detail", task.initiative_id)


@login_required
@require_POST
def task_release(request: HttpRequest, pk: int) -> HttpResponse:
    _task_visible_or_404(request, pk)
    try:
        task = services.release_task(pk, actor=request.user, meta=_meta(request))
    except WorkflowError as exc:
        _refuse_as_http(exc)
        messages.error(request, exc.message)
        return redirect("workflows:tasks")
    messages.success(
        request, _("Đã trả việc “%(title)s” về hàng chờ.") % {"title": task.initiative}
    )
    return redirect("workflows:tasks")


@login_required
@require_POST
def task_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """A committee leader hands an open task to another person who may hold it."""
    from django.contrib.auth import get_user_model

    _task_visible_or_404(request, pk)
    to_user_id = parse_int(request.POST.get("to_user"), low=1)
    to_user = get_user_model().objects.filter(pk=to_user_id).first() if to_user_id else None
    if to_user is None:
        # Shown beside the "Giao cho" field of this task on the initiative's page.
        messages.error(request, _("Hãy chọn người nhận việc."), extra_tags=f"reassign-{pk}")
        return redirect("workflows:initiative_detail", selectors.task_initiative_id(pk))
    try:
        task = services.reassign_task(pk, actor=request.user, to_user=to_user, meta=_meta(request))
    except WorkflowError as exc:
        _refuse_as_http(exc)
        messages.error(request, exc.message)
        initiative_id = selectors.task_initiative_id(pk)
        return redirect("workflows:initiative_detail", initiative_id)
    messages.success(
        request,
        _("Đã giao việc “%(step)s” cho %(who)s.")
        % {"step": task.flow_task.task_title, "who": to_user},
    )
    return redirect("workflows:initiative_detail", task.initiative_id)


@login_required
@require_POST
def tasks_bulk(request: HttpRequest) -> HttpResponse:
    """Claim, or approve, several tasks of the same step at once; each goes through the door."""
    operation = request.POST.get("operation")
    ids = parse_ints(request.POST.getlist("task"))
    tab = "queue" if request.POST.get("tab") == "queue" else "inbox"
    back = redirect(reverse("workflows:tasks") + f"?tab={tab}")
    if operation == "claim":
        chosen = list(selectors.queue_for(request.user).filter(pk__in=ids))
    elif operation == "approve":
        chosen = list(selectors.inbox_for(request.user).filter(pk__in=ids))
    else:
        chosen = []
    if not chosen:
        messages.error(request, _("Hãy chọn ít nhất một việc trong danh sách."))
        return back
    steps = {task.flow_task.name for task in chosen}
    if len(steps) > 1:
        messages.error(request, _("Chỉ xử lý hàng loạt các việc của cùng một bước."))
        return back
    step = steps.pop()
    bulk = _bulk_actions()
    if operation == "approve" and step not in bulk:
        messages.error(request, _("Bước này không duyệt hàng loạt được; hãy mở từng việc."))
        return back
    done, failed = 0, []
    for task in chosen:
        try:
            if operation == "claim":
                services.claim_task(task.pk, actor=request.user, meta=_meta(request))
            else:
                services.perform(
                    task.initiative_id,
                    bulk[step],
                    actor=request.user,
                    meta=_meta(request),
                )
            done += 1
        except WorkflowError as exc:
            failed.append(f"{task.initiative}: {exc.message}")
    if done:
        messages.success(request, _("Đã xử lý %(n)s việc.") % {"n": done})
    for problem in failed:
        messages.error(request, problem)
    return back


# ---------------------------------------------------------------------------------------------
# Initiatives


@login_required
def initiative_list(request: HttpRequest) -> HttpResponse:
    qs = access.visible_initiatives(request.user).order_by("-year", "unit__path", "pk")
    year = parse_int(request.GET.get("year"), low=1, high=9999)
    state = request.GET.get("state", "")
    if year is not None:
        qs = qs.filter(year=year)
    if state in State.values:
        qs = qs.filter(state=state)
    return render(
        request,
        "workflows/initiative_list.html",
        {
            "page": _page(request, qs),
            "year": year,
            "state": state,
            "states": State.choices,
            "query": _query_without_page(request),
            # What other kinds of process wait for (the unit's plans and reports, with deadlines).
            "sections": selectors.inbox_sections(request.user),
        },
    )


@login_required
@require_POST
def initiative_flag_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee flags (or clears) an open discipline, inspection or complaint case."""
    initiative = _visible_or_404(request, pk)
    try:
        services.set_open_case(
            initiative.pk,
            actor=request.user,
            open_case=request.POST.get("open_case") == "1",
            comment=request.POST.get("comment", ""),
            meta=_meta(request),
        )
    except WorkflowError as exc:
        _refuse_as_http(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã cập nhật tình trạng vụ việc."))
    return redirect("workflows:initiative_detail", initiative.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    """One of the initiative's files, to whoever may see the initiative (404 otherwise),
    under its original name."""
    found = access.visible_attachment(request.user, pk, attachment)
    if found is None:
        raise Http404
    return serve_file(found.file, found.original_name)


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_or_404(request, pk)
    open_tasks = list(selectors.open_tasks(initiative))
    claimable = set(
        selectors.queue_for(request.user).filter(initiative=initiative).values_list("pk", flat=True)
    )
    actions = access.offered_actions(request.user, initiative)
    reassignable = {}
    may_flag = access.screens_or_leads(request.user, initiative.campaign.committee_id)
    if access.leads_committee(request.user, initiative.campaign.committee_id):
        for task in open_tasks:
            if task.flow_task.name != "score":
                reassignable[task.pk] = selectors.task_candidates(task)
    return render(
        request,
        "workflows/initiative_detail.html",
        {
            "reassignable": reassignable,
            "may_flag": may_flag,
            "initiative": initiative,
            "timeline": _decorate(selectors.timeline(initiative)),
            "open_tasks": open_tasks,
            "claimable": claimable,
            "actions": actions,
            "scoresheet": selectors.scoresheet(initiative),
            "attachments": initiative.attachments.select_related("uploaded_by"),
            "progress_reports": initiative.progress_reports.select_related("author"),
            "commendation": Commendation.objects.select_related("signed_file")
            .filter(initiative=initiative)
            .first()
            if initiative.state == State.COMMENDED
            else None,
            "returned": selectors.last_return(initiative),
            "suggestions": similar.suggestions_for(request.user, initiative),
            "panels": panels.render_panels(request, initiative),
            "levels": level_selectors.levels_of(initiative, request.user),
        },
    )


def _registration_units(user):
    return Unit.objects.filter(
        memberships__user=user,
        memberships__is_active=True,
        memberships__role__in=UNIT_ROLES,
        is_active=True,
    ).distinct()


def _replicable():
    """Models another unit may replicate: the recognised and commended ones (public anyway)."""
    return level_selectors.replicable()


@login_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    units = list(_registration_units(request.user))
    if not units:
        raise PermissionDenied(_("Chỉ cán bộ, thủ trưởng của đơn vị mới đăng ký mô hình."))
    campaigns = selectors.registration_campaigns(units)
    form = forms.RegistrationForm(
        request.POST or None,
        request.FILES or None,
        replicable=_replicable(),
        campaigns=campaigns,
        ask_similar="allow_similar" in request.POST,
    )
    if len(units) > 1:
        form.fields["unit"] = forms.UnitChoiceField(
            label=_("Đơn vị đăng ký"), queryset=_registration_units(request.user)
        )
        form.order_fields(["unit", "year"])
    status = 200
    duplicates: list = []
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit") or units[0]
        try:
            initiative = services.create_initiative(
                unit=unit,
                actor=request.user,
                meta=_meta(request),
                year=form.cleaned_data["year"] or form.fields["year"].initial,
                attachments=form.cleaned_data["attachments"],
                check_similar=not form.cleaned_data.get("allow_similar", False),
                **form.registration_data(),
            )
        except Duplicate as exc:
            # A warning the person may overrule: the models it looks like, and a box to confirm.
            duplicates = exc.similar
            form.add_error("title", str(exc.message))
            form.ask_similar()
            status = 400
        except WorkflowError as exc:
            _show_errors(form, exc)
            status = _error_status(exc)
        else:
            messages.success(
                request,
                _("Đã lưu bản đăng ký nháp. Khi đủ thông tin, bấm “Gửi thủ trưởng duyệt”."),
            )
            return redirect("workflows:initiative_detail", initiative.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "workflows/initiative_form.html",
        {
            "form": form,
            "initiative": None,
            "duplicates": duplicates,
            "no_campaign": not campaigns,
        },
        status=status,
    )


@login_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_or_404(request, pk)
    _require_action(request.user, initiative, "edit")
    form = forms.RegistrationForm(
        request.POST or None,
        request.FILES or None,
        instance=initiative,
        replicable=_replicable().exclude(pk=initiative.pk),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.perform(
                initiative.pk,
                "edit",
                actor=request.user,
                meta=_meta(request),
                fields=form.registration_data(),
                attachments=form.cleaned_data["attachments"],
            )
        except WorkflowError as exc:
            _show_errors(form, exc)
            status = _error_status(exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("workflows:initiative_detail", initiative.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "workflows/initiative_form.html",
        {"form": form, "initiative": initiative},
        status=status,
    )


def _require_action(user, initiative: Initiative, action: str) -> None:
    """403 unless the person (or whom they stand in for) may take this action on this
    initiative (the access rule; the initiative is already known to be in scope)."""
    try:
        access.require_acting(initiative, user, ACTIONS[action])
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from None


@login_required
def initiative_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None or not spec.on_page:
        raise Http404
    initiative = _visible_or_404(request, pk)
    _require_action(request.user, initiative, action)
    if not access.in_state_for(initiative, spec):
        # Usually someone acted first; say so instead of offering a form that must fail.
        return render(
            request,
            "workflows/action.html",
            {"initiative": initiative, "spec": spec, "form": None},
            status=409,
        )
    posted = request.method == "POST"
    form = form_class(spec, Initiative)(
        request.POST if posted else None, request.FILES if posted else None, subject=initiative
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.perform(
                initiative.pk,
                action,
                actor=request.user,
                meta=_meta(request),
                **form.door_data(),
            )
        except WorkflowError as exc:
            _show_errors(form, exc)
            status = _error_status(exc)
        else:
            messages.success(
                request,
                _("Đã thực hiện “%(action)s”.") % {"action": spec.label},
            )
            return redirect("workflows:initiative_detail", initiative.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "initiative": initiative,
        "spec": spec,
        "form": form,
        "multipart": spec.multipart,
        "pass_mark": initiative.campaign.pass_mark,
        "max_total": form.max_total,
    }
    if spec.shows_scores:
        context["scoresheet"] = selectors.scoresheet(initiative)
    return render(request, "workflows/action.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# The unit's dashboard


@login_required
def unit_dashboard(request: HttpRequest) -> HttpResponse:
    year = parse_int(request.GET.get("year"), low=1, high=9999) or timezone.localdate().year
    board = selectors.unit_dashboard(request.user, year=year)
    state = request.GET.get("state", "")
    initiatives = board["initiatives"]
    if state in State.values:
        initiatives = initiatives.filter(state=state)
    page = _page(request, initiatives)
    returned = selectors.last_returns([i.pk for i in page.object_list])
    rows = [(i, returned.get(i.pk)) for i in page.object_list]
    return render(
        request,
        "workflows/unit_dashboard.html",
        {
            **board,
            "year": year,
            "state": state,
            "page": page,
            "rows": rows,
            "states": State.choices,
            "query": _query_without_page(request),
            # What other kinds of process wait for (the unit's plans and reports, with deadlines).
            "sections": selectors.inbox_sections(request.user),
        },
    )


# ---------------------------------------------------------------------------------------------
# The auditor


def _require_auditor(user) -> None:
    if not access.may_search_audit(user):
        raise PermissionDenied(_("Chỉ cán bộ kiểm tra, thanh tra mới xem được nhật ký."))


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    _require_auditor(request.user)
    form = forms.AuditSearchForm(request.GET or None, units=visible_units(request.user))
    qs = selectors.audit_search(request.user, **form.filters())
    export = request.GET.get("export")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if export == "csv":
        # Streamed: the whole scope can be hundreds of thousands of rows.
        response = StreamingHttpResponse(
            exports.audit_csv_chunks(qs), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.csv"'
        return response
    if export == "xlsx":
        try:
            response = HttpResponse(
                exports.audit_xlsx(qs),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        except exports.ExportTooLarge as exc:
            messages.error(request, exc.message)
        else:
            response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.xlsx"'
            return response
    page = _page(request, qs, CappedPaginator)
    rows = [
        (
            entry,
            exports.action_label(entry.action),
            exports.state_label(entry.from_state),
            exports.state_label(entry.to_state),
        )
        for entry in page.object_list
    ]
    return render(
        request,
        "workflows/audit_search.html",
        {"form": form, "page": page, "rows": rows, "query": _query_without_page(request)},
    )


@login_required
def audit_chain(request: HttpRequest) -> HttpResponse:
    """The last walk of the whole chain (nightly, or asked for with the button): a visit never
    walks it, since the chain holds every transition of every unit."""
    _require_auditor(request.user)
    if request.method == "POST":
        if audit.request_verification():
            messages.success(
                request,
                _("Đã yêu cầu kiểm tra lại chuỗi nhật ký; kết quả sẽ hiện ở trang này khi xong."),
            )
        else:
            messages.error(request, _("Chưa gửi được yêu cầu kiểm tra; hãy thử lại sau."))
        return redirect("workflows:audit_chain")
    check = audit.last_check()
    return render(
        request,
        "workflows/audit_chain.html",
        {
            "check": check,
            "chains": audit.chain_rows(check),
            "broken_chain": audit.chain_title(check.chain) if check and check.chain else "",
        },
    )


# ---------------------------------------------------------------------------------------------
# Campaigns (the committee leader)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    committees = list(access.led_committees(request.user))
    if not committees:
        raise PermissionDenied(_("Chỉ lãnh đạo Ban Dân vận mới thiết lập đợt thi đua."))
    campaigns = selectors.campaigns_of(committees)
    return render(request, "workflows/campaign_list.html", {"campaigns": campaigns})


def _default_criteria_rows() -> list[dict]:
    # The committee's data, in Vietnamese whatever the interface language (what is posted back
    # is stored as it stands).
    with translation.override("vi"):
        return [{"name": str(n), "max_points": p} for n, p in DEFAULT_CRITERIA]


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    committees = list(access.led_committees(request.user))
    if not committees:
        raise PermissionDenied(_("Chỉ lãnh đạo Ban Dân vận mới thiết lập đợt thi đua."))
    committee = committees[0]
    council_choices = selectors.council_candidates(committee)
    data = request.POST if request.method == "POST" else None
    form = forms.CampaignForm(data, council_choices=council_choices)
    criteria = forms.CriterionFormSet(
        data,
        prefix="criteria",
        initial=_default_criteria_rows(),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and criteria.is_valid():
            rows = [
                (c["name"], c["max_points"])
                for c in criteria.cleaned_data
                if c.get("name") and c.get("max_points") is not None
            ]
            fields = {k: v for k, v in form.cleaned_data.items() if k not in ("year", "council")}
            if not fields.get("title"):
                fields.pop("title")
            try:
                campaign = services.create_campaign(
                    actor=request.user,
                    meta=_meta(request),
                    committee=committee,
                    year=form.cleaned_data["year"],
                    criteria=rows,
                    council=list(form.cleaned_data["council"]),
                    **fields,
                )
            except WorkflowError as exc:
                _show_errors(form, exc)
                status = _error_status(exc)
            else:
                messages.success(request, _("Đã mở đợt thi đua “%(c)s”.") % {"c": campaign})
                return redirect("workflows:campaign_list")
        else:
            status = 400
    return render(
        request,
        "workflows/campaign_form.html",
        {"form": form, "criteria": criteria, "committee": committee},
        status=status,
    )


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    committees = list(access.led_committees(request.user))
    campaign = selectors.campaigns_of(committees).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = forms.CampaignForm(
        data, instance=campaign, council_choices=selectors.council_candidates(campaign.committee)
    )
    form.fields["year"].disabled = True
    criteria = forms.CriterionFormSet(
        data,
        prefix="criteria",
        initial=[{"name": c.name, "max_points": c.max_points} for c in campaign.criteria.all()],
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and criteria.is_valid():
            fields = {
                k: v
                for k, v in form.cleaned_data.items()
                if k in services.CAMPAIGN_FIELDS and k in form.changed_data
            }
            rows = [
                (c["name"], c["max_points"])
                for c in criteria.cleaned_data
                if c.get("name") and c.get("max_points") is not None
            ]
            try:
                services.update_campaign(
                    campaign.pk,
                    actor=request.user,
                    meta=_meta(request),
                    council=list(form.cleaned_data["council"]),
                    criteria=rows if criteria.has_changed() else None,
                    **fields,
                )
            except WorkflowError as exc:
                if "criteria" in exc.field_errors:
                    criteria._non_form_errors = criteria.error_class(exc.field_errors["criteria"])
                    exc.field_errors = {
                        k: v for k, v in exc.field_errors.items() if k != "criteria"
                    }
                    if not exc.field_errors:
                        exc = None
                if exc is not None:
                    _show_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Đã lưu đợt thi đua “%(c)s”.") % {"c": campaign})
                return redirect("workflows:campaign_list")
        else:
            status = 400
    return render(
        request,
        "workflows/campaign_form.html",
        {"form": form, "criteria": criteria, "committee": campaign.committee, "campaign": campaign},
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# Models of past years (workflows.history)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_import_history(request: HttpRequest) -> None:
    if not history.may_import(request.user):
        raise PermissionDenied(_("Chỉ lãnh đạo Ban Dân vận mới nhập dữ liệu các năm trước."))


@login_required
def history_template(request: HttpRequest) -> HttpResponse:
    _may_import_history(request)
    response = HttpResponse(history.history_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-mo-hinh-cac-nam-truoc.xlsx"'
    return response


@login_required
def history_import(request: HttpRequest) -> HttpResponse:
    """Upload a file of past years' models; "Kiểm tra trước" says what it would do and writes
    nothing; a file with any bad row changes nothing."""
    _may_import_history(request)
    form = forms.HistoryImportForm(request.POST or None, request.FILES or None)
    errors: list = []
    hints: list = []
    preview = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            upload.seek(0)
            try:
                result = history.import_history(
                    read_table(upload, upload.name),
                    actor=request.user,
                    filename=upload.name,
                    content=content,
                    dry_run="dry_run" in request.POST,
                    meta=_meta(request),
                )
            except ImportRejected as rejected:
                errors, hints = rejected.errors, rejected.hints
                messages.error(
                    request,
                    _(
                        "Không nhập gì: tệp “%(name)s” có %(count)d lỗi. Hãy sửa các dòng dưới "
                        "đây rồi nhập lại cả tệp."
                    )
                    % {"name": upload.name, "count": len(errors)},
                )
            else:
                if result.dry_run:
                    preview, errors, hints = result, result.errors, result.hints
                    status = 200
                else:
                    messages.success(request, result.message())
                    return redirect("workflows:history_import")
    return render(
        request,
        "workflows/history_import.html",
        {
            "form": form,
            "errors": errors,
            "hints": hints,
            "preview": preview,
            "accepted": history.accepted_values(),
            "labels": history.LABELS,
        },
        status=status,
    )
