from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import committees_of, memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(memberships_of(request.user))
    committees = committees_of(m.unit for m in memberships)
    rows = [(m, committees.get(m.unit_id)) for m in memberships]
    return render(request, "units/home.html", {"rows": rows})
