"""Report pages, the paper form out and in, export jobs, and the public list of models.

Views are thin: figures come from reports.selectors, writes from reports.services and the
workflow door. Anything outside a person's scope answers 404, like a missing page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError as WorkflowError
from core.files import serve_file
from core.imports import ImportRejected
from core.parsing import clean_text, parse_int
from documents import pdf, word
from units.models import Unit
from workflows.models import Field, ReviewOutcome, State

from . import documents, exports, jobs, selectors, services
from .charts import bar_chart
from .forms import FormImport, ReplicateForm
from .models import ExportJob
from .tasks import run_export

PUBLIC_PAGE_SIZE = 20
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _int(value) -> int | None:
    return parse_int(value, low=1)


# ---------------------------------------------------------------------------------------------
# Reports


def _committee(request: HttpRequest) -> tuple[Unit, list[Unit]]:
    committees = selectors.report_committees(request.user)
    if not committees:
        raise Http404
    wanted = _int(request.GET.get("committee") or request.POST.get("committee"))
    if wanted is None:
        return committees[0], committees
    for committee in committees:
        if committee.pk == wanted:
            return committee, committees
    raise Http404


def _report_context(request: HttpRequest) -> dict:
    committee, committees = _committee(request)
    period = selectors.period_from_query(request.GET)
    report = selectors.committee_report(committee, period.start, period.end)
    query = urlencode({"committee": committee.pk, **period.query()})
    charts = [
        bar_chart(
            [(r["label"], r["count"]) for r in report["by_state"]], title=_("Theo trạng thái")
        ),
        bar_chart([(r["label"], r["count"]) for r in report["by_field"]], title=_("Theo lĩnh vực")),
        bar_chart([(r["name"], r["count"]) for r in report["by_unit"]], title=_("Theo đơn vị")),
        bar_chart(
            [(s["label"], s["mean"]) for s in report["steps"]],
            title=_("Số ngày trung bình ở mỗi bước"),
        ),
        bar_chart([(str(t["year"]), t["count"]) for t in report["trend"]], title=_("Theo năm")),
    ]
    return {
        "report": report,
        "period": period,
        "committee": committee,
        "committees": committees,
        "charts": charts,
        "query": query,
        "period_kinds": selectors.PERIOD_KINDS,
        "months": range(1, 13),
        "quarters": range(1, 5),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """A committee's report over a period (?period=…); this year's doubles as the leader's
    overview."""
    return render(request, "reports/overview.html", _report_context(request))


@login_required
def report_print(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/report_print.html", _report_context(request))


def _document_response(document, fmt: str, name: str) -> HttpResponse:
    if fmt == "docx":
        body, content_type = word.render(document), DOCX_CONTENT_TYPE
    elif fmt == "pdf":
        body, content_type = pdf.render(document), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_document(request: HttpRequest, fmt: str) -> HttpResponse:
    """The printed report as a real PDF, or as Word, for the same committee and period."""
    committee, _committees = _committee(request)
    # The committee's paper: its labels in Vietnamese whatever the screen's language.
    with translation.override("vi"):
        period = selectors.period_from_query(request.GET)
        report = selectors.committee_report(committee, period.start, period.end)
        document = documents.report_document(
            report,
            period_label=str(period.label),
            period_range=f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}",
            year=period.end.year,
        )
    name = f"bao-cao-{slugify(committee.code) or committee.pk}-{period.end:%Y%m%d}"
    return _document_response(document, fmt, name)


@login_required
@require_POST
def report_export(request: HttpRequest) -> HttpResponse:
    committee, _committees = _committee(request)
    period = selectors.period_from_query(request.POST)
    job = _start_job(
        request,
        ExportJob.Kind.REPORT,
        {"committee": committee.pk, "period": period.query()},
    )
    return redirect("reports:job", job.pk)


def _start_job(request: HttpRequest, kind: str, params: dict) -> ExportJob:
    job = ExportJob.objects.create(
        kind=kind, requested_by=request.user, params={**params, "language": get_language()}
    )
    # After commit: a worker must find the row. Without a broker it runs here, at once.
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request,
        "reports/job.html",
        {"job": _own_job(request, pk), "keep_hours": settings.EXPORT_FILES_KEEP_HOURS},
    )


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's file, to whoever asked for it alone (404 for anyone else, and once the file
    has expired)."""
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return serve_file(job.file, job.download_name, content_type=exports.XLSX_CONTENT_TYPE)


# ---------------------------------------------------------------------------------------------
# The registration form


def _form_unit(request: HttpRequest, unit_id: int) -> Unit:
    unit = selectors.form_units(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@login_required
def forms_page(request: HttpRequest) -> HttpResponse:
    units = list(selectors.form_units(request.user))
    import_units = selectors.import_units(request.user)
    committees = selectors.report_committees(request.user)
    if not units and not committees:
        raise Http404
    year = _int(request.GET.get("year")) or timezone.localdate().year
    form = FormImport(units=import_units, initial={"year": year})
    return render(
        request,
        "reports/forms.html",
        {
            "units": units,
            "year": year,
            "committees": committees,
            "import_form": form if import_units.exists() else None,
        },
    )


@login_required
def form_xlsx(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = _form_unit(request, unit_id)
    rows = selectors.registration_rows([unit], year)
    workbook = exports.registration_workbook([(unit, rows[unit.pk])], year)
    response = HttpResponse(
        exports.workbook_bytes(workbook), content_type=exports.XLSX_CONTENT_TYPE
    )
    name = f"bieu-dang-ky-{slugify(unit.code) or unit.pk}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def form_print(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = _form_unit(request, unit_id)
    rows = selectors.registration_rows([unit], year)
    downloads = {
        fmt: reverse("reports:form_document", args=[unit.pk, year, fmt]) for fmt in ("pdf", "docx")
    }
    return _render_form(request, [(unit, rows[unit.pk])], year, downloads)


@login_required
def form_document(request: HttpRequest, unit_id: int, year: int, fmt: str) -> HttpResponse:
    unit = _form_unit(request, unit_id)
    rows = selectors.registration_rows([unit], year)
    document = documents.registration_form_document([(unit, rows[unit.pk])], year)
    return _document_response(document, fmt, f"bieu-dang-ky-{slugify(unit.code) or unit.pk}-{year}")


@login_required
def committee_form_document(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    committee, _committees = _committee(request)
    units = jobs.committee_form_units(committee, year)
    rows = selectors.registration_rows(units, year)
    document = documents.registration_form_document([(u, rows[u.pk]) for u in units], year)
    name = f"bieu-dang-ky-{slugify(committee.code) or committee.pk}-{year}"
    return _document_response(document, fmt, name)


def _render_form(request: HttpRequest, sheets, year: int, downloads: dict) -> HttpResponse:
    # The provincial paper form: Vietnamese whatever the reader's language, like the .xlsx.
    with translation.override("vi"):
        context = {
            **_form_context(sheets, year),
            "pdf_url": downloads["pdf"],
            "docx_url": downloads["docx"],
        }
        return render(request, "reports/form_print.html", context)


def _form_context(sheets, year: int) -> dict:
    groups_by_sheet = []
    for unit, initiatives in sheets:
        groups = []
        for _numeral, field in exports.GROUPS:
            items = [
                {
                    "initiative": i,
                    "individual": exports.individual_text(i),
                    "content": exports.content_text(i),
                    "replication": exports.replication_text(i),
                }
                for i in initiatives
                if i.field == field
            ]
            blank = (
                [] if items else [exports.blank_line(n) for n in range(1, exports.BLANK_LINES + 1)]
            )
            groups.append({"heading": exports.group_heading(field), "items": items, "blank": blank})
        groups_by_sheet.append({"unit": unit, "groups": groups})
    return {"sheets": groups_by_sheet, "year": year, "labels": exports.header_labels()}


@login_required
@require_POST
def form_import(request: HttpRequest) -> HttpResponse:
    units = selectors.import_units(request.user)
    if not units.exists():
        raise Http404
    form = FormImport(request.POST, request.FILES, units=units)
    errors: list = []
    created = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = services.import_registration_form(
                upload,
                filename=upload.name,
                unit=form.cleaned_data["unit"],
                actor=request.user,
                year=form.cleaned_data["year"],
            )
        except ImportRejected as exc:
            errors = [str(e) for e in exc.errors]
        except WorkflowError as exc:
            errors = [str(exc.message)]
    status = 200 if created is not None else 400
    if created:
        messages.success(
            request,
            _("Đã tạo %(n)d bản dự thảo từ biểu mẫu.") % {"n": len(created)},
        )
    if created is not None and created.existing:
        messages.info(
            request,
            _(
                "%(n)d mô hình trong biểu mẫu đơn vị đã đăng ký trước đây cho năm này: không tạo "
                "lại."
            )
            % {"n": len(created.existing)},
        )
    return render(
        request,
        "reports/form_import.html",
        {"form": form, "errors": errors, "created": created},
        status=status,
    )


@login_required
def committee_form_print(request: HttpRequest, year: int) -> HttpResponse:
    """Every unit's form of a committee on one printable page, one unit per printed page."""
    committee, _committees = _committee(request)
    units = jobs.committee_form_units(committee, year)
    rows = selectors.registration_rows(units, year)
    downloads = {
        fmt: reverse("reports:committee_form_document", args=[year, fmt])
        + f"?committee={committee.pk}"
        for fmt in ("pdf", "docx")
    }
    return _render_form(request, [(unit, rows[unit.pk]) for unit in units], year, downloads)


@login_required
@require_POST
def committee_forms(request: HttpRequest) -> HttpResponse:
    committee, _committees = _committee(request)
    year = _int(request.POST.get("year")) or timezone.localdate().year
    job = _start_job(
        request, ExportJob.Kind.REGISTRATION_FORMS, {"committee": committee.pk, "year": year}
    )
    return redirect("reports:job", job.pk)


# ---------------------------------------------------------------------------------------------
# The public list (no sign-in)


def public_list(request: HttpRequest) -> HttpResponse:
    q = clean_text(request.GET.get("q"))[:200]
    year = _int(request.GET.get("year"))
    field = request.GET.get("field", "")
    unit_id = _int(request.GET.get("unit"))
    qs = selectors.search_public_models(q=q, year=year, field=field, unit_id=unit_id)
    page = Paginator(qs, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {
        k: v for k, v in {"q": q, "year": year, "field": field, "unit": unit_id}.items() if v
    }
    return render(
        request,
        "reports/public_list.html",
        {
            "page": page,
            "q": q,
            "year": year,
            "field": field,
            "unit_id": unit_id,
            "fields": Field.choices,
            "years": selectors.public_years(),
            "units": selectors.public_units(),
            "filter_query": urlencode(filters),
        },
    )


def _public_model(pk: int):
    initiative = selectors.public_models().filter(pk=pk).first()
    if initiative is None:
        raise Http404
    return initiative


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.public_page_model(pk)
    if initiative is None:
        raise Http404
    no_longer_effective = initiative.review_outcome == ReviewOutcome.INEFFECTIVE
    form = None
    if request.user.is_authenticated and not no_longer_effective:
        units = selectors.import_units(request.user)
        if units.exists():
            form = ReplicateForm(units=units)
    return render(
        request,
        "reports/public_detail.html",
        {
            "initiative": initiative,
            "commendation": getattr(initiative, "commendation", None),
            "replicate_form": form,
            "is_commended": initiative.state == State.COMMENDED,
            "no_longer_effective": no_longer_effective,
        },
    )


@login_required
@require_POST
def replicate(request: HttpRequest, pk: int) -> HttpResponse:
    source = _public_model(pk)
    units = selectors.import_units(request.user)
    if not units.exists():
        raise Http404
    form = ReplicateForm(request.POST, units=units)
    if not form.is_valid():
        raise Http404
    try:
        draft = services.start_replication(
            source, unit=form.cleaned_data["unit"], actor=request.user
        )
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
        return redirect("reports:public_detail", source.pk)
    messages.success(request, _("Đã tạo bản dự thảo nhân rộng mô hình. Hãy bổ sung thông tin."))
    return redirect("workflows:initiative_detail", draft.pk)
