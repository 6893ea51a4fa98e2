"""The levels' pages: a committee's standing with the level above and below, and its annual
reviews. Each model's own actions (nominate up, report, review) are the lifecycle's action
pages: these pages only list and link, and open a review through its service."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.http import refuse_as_http
from core.parsing import parse_int
from core.request import meta_from
from units.models import COMMITTEE_ROLES, Role, Unit
from units.selectors import memberships_of

from ..engine.inputs import DATE_INPUTS, DATE_WIDGET
from ..models import AnnualReview
from . import reviews, selectors


class OpenReviewForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm đánh giá"), min_value=2000, max_value=2100)
    report_deadline = forms.DateField(
        label=gettext_lazy("Hạn đơn vị báo cáo"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_INPUTS[:2],
    )


def _committees(user) -> list[Unit]:
    """Committees where the person holds a committee role or audits (one query)."""
    found: dict[int, Unit] = {}
    for m in memberships_of(user):
        if m.unit.is_committee and (m.role in COMMITTEE_ROLES or m.role == Role.AUDITOR):
            found.setdefault(m.unit.pk, m.unit)
    return list(found.values())


def _leads(user, committee: Unit) -> bool:
    return any(
        m.unit_id == committee.pk and m.role == Role.COMMITTEE_LEADER for m in memberships_of(user)
    )


@login_required
def levels(request: HttpRequest) -> HttpResponse:
    committees = _committees(request.user)
    if not committees:
        raise PermissionDenied(_("Trang này dành cho cán bộ Ban Dân vận."))
    year = parse_int(request.GET.get("year"), low=2000, high=2100) or timezone.localdate().year
    rows = []
    for committee in committees:
        leads = _leads(request.user, committee)
        rows.append(
            {
                "committee": committee,
                "leads": leads,
                "up": selectors.upward(committee, year),
                "down": selectors.downward(committee, year),
                "reviews": AnnualReview.objects.filter(committee=committee)[:5],
                "form": OpenReviewForm(
                    initial={"year": timezone.localdate().year}, prefix=f"c{committee.pk}"
                )
                if leads
                else None,
            }
        )
    return render(request, "workflows/levels.html", {"rows": rows, "year": year})


@login_required
def open_review(request: HttpRequest, committee_id: int) -> HttpResponse:
    committee = next((c for c in _committees(request.user) if c.pk == committee_id), None)
    if committee is None:
        raise Http404
    if request.method != "POST":
        return redirect("workflows:levels")
    form = OpenReviewForm(request.POST, prefix=f"c{committee.pk}")
    if form.is_valid():
        try:
            review = reviews.open_review(
                committee=committee,
                actor=request.user,
                year=form.cleaned_data["year"],
                report_deadline=form.cleaned_data["report_deadline"],
                meta=meta_from(request),
            )
        except DomainError as exc:
            refuse_as_http(exc)
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Đã mở đợt đánh giá hằng năm %(year)s; các đơn vị được mời báo cáo.")
                % {"year": review.year},
            )
            return redirect("workflows:annual_review", review.pk)
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect("workflows:levels")


@login_required
def annual_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = AnnualReview.objects.select_related("committee").filter(pk=pk).first()
    if review is None or review.committee_id not in {c.pk for c in _committees(request.user)}:
        raise Http404
    return render(
        request,
        "workflows/annual_review.html",
        {"review": review, "rows": selectors.review_page(review)},
    )
