"""The Server-Timing middleware the page benchmarks read (bench/pages.py)."""

import re

import pytest
from django.test import override_settings

from config.middleware import ServerTimingMiddleware


@pytest.mark.django_db
def test_server_timing_reports_time_and_query_count(rf, django_user_model):
    def view(request):
        list(django_user_model.objects.all())
        list(django_user_model.objects.all())
        from django.http import HttpResponse

        return HttpResponse("ok")

    response = ServerTimingMiddleware(view)(rf.get("/"))
    header = response["Server-Timing"]
    assert re.search(r"app;dur=\d+\.\d+", header)
    assert 'sql;desc="2 queries";dur=2' in header


@pytest.mark.django_db
@override_settings(MIDDLEWARE=["config.middleware.ServerTimingMiddleware"])
def test_login_page_carries_the_header(client):
    response = client.get("/dang-nhap/")
    assert "app;dur=" in response["Server-Timing"]
