"""Read-only pages of the lifecycle: my tasks, the initiatives I may see, one initiative's
timeline. Actions on them arrive with the pages issue; all writes go through services."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import State

PAGE_SIZE = 25


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else None


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    tab = request.GET.get("tab", "inbox")
    lists = {
        "inbox": selectors.inbox_for,
        "queue": selectors.queue_for,
        "archive": selectors.archive_for,
    }
    if tab not in lists:
        tab = "inbox"
    page = Paginator(lists[tab](request.user, year=year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "workflows/tasks.html", {"page": page, "tab": tab, "year": year})


@login_required
def initiative_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_initiatives(request.user).order_by("-year", "unit__path", "pk")
    year = _year(request)
    state = request.GET.get("state", "")
    if year:
        qs = qs.filter(year=year)
    if state in State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workflows/initiative_list.html",
        {"page": page, "year": year, "state": state, "states": State.choices},
    )


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.get_visible_initiative(request.user, pk)
    if initiative is None:
        # Outside the person's scope reads exactly like a missing one.
        raise Http404
    return render(
        request,
        "workflows/initiative_detail.html",
        {
            "initiative": initiative,
            "timeline": selectors.timeline(initiative),
            "open_tasks": selectors.open_tasks(initiative),
            "scoresheet": selectors.scoresheet(initiative),
        },
    )
