from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .invitations import not_activated_q, send_invitations
from .selectors import committees_led_by, committees_of, memberships_of, people_covered_by

NOT_ACTIVATED = "chua-kich-hoat"
PEOPLE_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(memberships_of(request.user))
    committees = committees_of(m.unit for m in memberships)
    rows = [(m, committees.get(m.unit_id)) for m in memberships]
    return render(request, "units/home.html", {"rows": rows})


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """A committee leader's people (everyone with a role in a unit the committee covers): who
    has activated their account, who was invited when; invitations to those chosen, or to
    everyone not activated yet."""
    committees = list(committees_led_by(request.user).order_by("path"))
    if not committees:
        raise PermissionDenied(
            _("Chỉ lãnh đạo Ban Dân vận mới xem danh sách cán bộ và gửi thư mời.")
        )
    chosen = request.POST.get("ban") or request.GET.get("ban")
    committee = next((c for c in committees if str(c.pk) == chosen), committees[0])
    everyone = people_covered_by(committee)
    status = request.GET.get("trang_thai", "")
    query = urlencode({k: v for k, v in (("ban", committee.pk), ("trang_thai", status)) if v})

    if request.method == "POST":
        if request.POST.get("tat_ca"):
            targets = list(everyone.filter(not_activated_q()))
        else:
            ids = [i for i in request.POST.getlist("nguoi") if i.isdigit()]
            targets = list(everyone.filter(pk__in=ids))
        if not targets:
            messages.error(request, _("Chưa chọn người nào chưa kích hoạt để gửi thư mời."))
        else:
            report = send_invitations(targets, invited_by=request.user)
            (messages.success if report.ok else messages.error)(request, report.message())
        return redirect(f"{request.path}?{query}")

    listed = everyone.filter(not_activated_q()) if status == NOT_ACTIVATED else everyone
    page = Paginator(listed, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "committee": committee,
        "committees": committees,
        "page": page,
        "query": query,
        "status": status,
        "not_activated": NOT_ACTIVATED,
        "total": everyone.count(),
        "waiting": everyone.filter(not_activated_q()).count(),
        "waiting_without_email": everyone.filter(not_activated_q(), email="").count(),
    }
    return render(request, "units/people.html", context)
