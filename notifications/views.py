"""The bell's pages: the list, mark read / mark all read, and the preferences form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.parsing import parse_ints

from . import selectors, services
from .models import Preference

PAGE_SIZE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notifications_for(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = parse_ints(request.POST.getlist("id"))
    services.mark_read(request.user, ids)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": count})
    return _back(request)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["in_app", "email"]
        widgets = {"in_app": forms.RadioSelect, "email": forms.RadioSelect}


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    instance = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.set_preference(request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu cài đặt thông báo."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
