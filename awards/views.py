"""Pages: a campaign's decisions and proposals, picking the models (those over the pass mark
ticked), the .docx and PDF, numbering, uploading the signed file, certificates. Every page asks
awards.access (the committee's people; others get 404); writes go through awards.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, InvalidData, NotAllowed
from core.files import serve_file
from core.http import refuse_as_http
from core.request import meta_from
from documents import pdf, word
from workflows import access as workflow_access
from workflows.models import CommendationForm, State
from workflows.recording import parse_date

from . import access, certificates, selectors, services
from .documents import build, filename
from .models import AwardItem, AwardKind, AwardStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CERTIFIED_STATES = (State.RECOGNIZED, State.COMMENDED)


def _campaign_or_404(request: HttpRequest, pk: int):
    campaign = access.visible_campaign(request.user, pk)
    if campaign is None:
        raise Http404
    return campaign


def _award_or_404(request: HttpRequest, pk: int):
    award = access.visible_award(request.user, pk)
    if award is None:
        raise Http404
    return award


def _refuse(exc: DomainError) -> int:
    refuse_as_http(exc)
    return exc.http_status if exc.http_status >= 400 else 400


@login_required
def campaign_awards(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    return render(
        request,
        "awards/campaign.html",
        {
            "campaign": campaign,
            "awards": selectors.campaign_awards(campaign),
            "leads": access.leads_campaign(request.user, campaign),
            "kinds": AwardKind.choices,
        },
    )


@login_required
def award_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    if kind not in AwardKind.values:
        raise Http404
    if not access.leads_campaign(request.user, campaign):
        refuse_as_http(NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới lập quyết định, tờ trình.")))
    candidates = list(selectors.candidates(campaign, kind))
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        picks = [
            (i.pk, posted.get(f"reason_{i.pk}", ""))
            for i in candidates
            if posted.get(f"pick_{i.pk}")
        ]
        try:
            award = services.create_award(
                actor=request.user,
                campaign=campaign,
                kind=kind,
                picks=picks,
                signer_capacity=posted.get("signer_capacity", ""),
                signer_title=posted.get("signer_title", ""),
                signer_name=posted.get("signer_name", ""),
                commendation_form=posted.get("commendation_form", ""),
                authority=posted.get("authority", ""),
                meta=meta_from(request),
            )
        except DomainError as exc:
            status = _refuse(exc)
            errors = exc.field_errors
            message = str(exc.message)
        else:
            messages.success(request, _("Đã lập dự thảo; kiểm tra danh sách rồi cấp số."))
            return redirect(award)
    rows = []
    for initiative in candidates:
        ticked = (
            bool(posted.get(f"pick_{initiative.pk}"))
            if posted is not None
            else selectors.preselected(campaign, kind, initiative)
        )
        rows.append(
            {
                "initiative": initiative,
                "ticked": ticked,
                "over": selectors.preselected(campaign, AwardKind.RECOGNITION, initiative),
                "reason": posted.get(f"reason_{initiative.pk}", "") if posted else "",
                "errors": errors.get(f"reason_{initiative.pk}", []),
            }
        )
    return render(
        request,
        "awards/create.html",
        {
            "campaign": campaign,
            "kind": kind,
            "kind_label": AwardKind(kind).label,
            "rows": rows,
            "errors": errors,
            "item_errors": errors.get("items", []),
            "message": message,
            "posted": posted or {},
            "forms": CommendationForm.choices,
        },
        status=status,
    )


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award_or_404(request, pk)
    return render(request, "awards/detail.html", _detail_context(request, award))


def _detail_context(request: HttpRequest, award, **extra) -> dict:
    return {
        "award": award,
        "items": selectors.award_items(award),
        "leads": access.leads_campaign(request.user, award.campaign),
        "statuses": AwardStatus,
        "is_recognition": award.kind == AwardKind.RECOGNITION,
        **extra,
    }


@login_required
def award_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    award = _award_or_404(request, pk)
    document = build(award)
    if fmt == "docx":
        body, content_type = word.render(document), DOCX
    elif fmt == "pdf":
        body, content_type = pdf.render(document), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(award, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def award_issue(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award_or_404(request, pk)
    raw = (request.POST.get("issued_on") or "").strip()
    try:
        issued_on = parse_date(raw)
        if raw and issued_on is None:
            raise InvalidData(_("Ngày ban hành không hợp lệ (dd/mm/yyyy)."))
        services.issue_award(
            award.pk, actor=request.user, issued_on=issued_on, meta=meta_from(request)
        )
    except DomainError as exc:
        status = _refuse(exc)
        context = _detail_context(request, award, issue_error=str(exc.message))
        return render(request, "awards/detail.html", context, status=status)
    messages.success(request, _("Đã cấp số văn bản trong sổ văn bản của Ban."))
    return redirect(award)


@login_required
@require_POST
def award_record(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award_or_404(request, pk)
    try:
        services.record_award(
            award.pk,
            actor=request.user,
            upload=request.FILES.get("signed_file"),
            accept_unverified=bool(request.POST.get("accept_unverified")),
            authority_decision_number=request.POST.get("authority_decision_number", ""),
            authority_decision_date=request.POST.get("authority_decision_date", ""),
            meta=meta_from(request),
        )
    except DomainError as exc:
        status = _refuse(exc)
        context = _detail_context(
            request,
            award,
            record_error=str(exc.message),
            record_errors=exc.field_errors,
            posted=request.POST,
        )
        return render(request, "awards/detail.html", context, status=status)
    messages.success(request, _("Đã ghi nhận văn bản đã ký cho mọi mô hình trong danh sách."))
    return redirect(award)


@login_required
def award_signed_file(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award_or_404(request, pk)
    return serve_file(award.signed_file, award.signed_name, content_type="application/pdf")


@login_required
def award_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award_or_404(request, pk)
    if award.kind != AwardKind.RECOGNITION or award.status != AwardStatus.RECORDED:
        raise Http404
    initiatives = [
        item.initiative
        for item in selectors.award_items(award)
        if item.initiative.state in CERTIFIED_STATES
    ]
    if not initiatives:
        raise Http404
    return _pdf_response(certificates.render(initiatives), f"giay-chung-nhan-{award.pk}.pdf")


@login_required
def initiative_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """A model's certificate: for whoever may see the model (its unit, the committee)."""
    initiative = workflow_access.get_visible_initiative(request.user, pk)
    if initiative is None or initiative.state not in CERTIFIED_STATES:
        raise Http404
    if not initiative.decision_number:
        raise Http404
    return _pdf_response(certificates.render([initiative]), f"giay-chung-nhan-{pk}.pdf")


def _pdf_response(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def initiative_panel(request: HttpRequest, initiative) -> str:
    """The model's page: the decision it is on, what its signature check said, and its
    certificate (workflows.panels)."""
    items = list(
        AwardItem.objects.filter(initiative=initiative)
        .select_related("award__registered")
        .order_by("-award__created_at")
    )
    sees_awards = access.sees_campaign(request.user, initiative.campaign)
    if not items and initiative.state not in CERTIFIED_STATES:
        return ""
    return render_to_string(
        "awards/_initiative_panel.html",
        {
            "items": items,
            "sees_awards": sees_awards,
            "certificate": initiative.state in CERTIFIED_STATES and initiative.decision_number,
            "initiative": initiative,
        },
        request=request,
    )
