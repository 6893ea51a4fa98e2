"""Three middlewares, first in MIDDLEWARE:

- ClientAddressMiddleware puts the client's address in REMOTE_ADDR behind a trusted proxy.
- OpsEndpointsMiddleware answers /healthz, /readyz and /metrics before anything else runs: no
  session, no host check (probes and Prometheus call an instance by its address, which is not
  in ALLOWED_HOSTS), no HTTPS redirect, no language, no log line. /metrics answers only
  METRICS_ALLOWED_IPS or a bearer METRICS_TOKEN; anyone else gets 404.
- RequestLogMiddleware gives each request its id (the caller's X-Request-ID, cut to 64
  characters, or a new one), binds it with the user and the initiative for everything the
  request does (core.context: the audit entry, the Celery tasks it sets off, log lines), answers
  with X-Request-ID and writes one JSON line per request on the `dvk.request` logger.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core import context
from core.request import REQUEST_ID_MAX

from . import health, metrics

access_log = logging.getLogger("dvk.request")

# The initiative a page or API URL is about: /mo-hinh/<id>/…, /api/v1/initiatives/<id>…
INITIATIVE_PATH = re.compile(r"^/(?:mo-hinh|api/v1/initiatives)/(\d+)(?:/|$)")


def _json(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


class ClientAddressMiddleware:
    """Behind nginx every request comes from 127.0.0.1: when it comes from one of
    TRUSTED_PROXIES, the client's address is the X-Real-IP that proxy set. The audit trail,
    django-axes' per-address counts and /metrics' allowed addresses then see the client."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("REMOTE_ADDR") in settings.TRUSTED_PROXIES:
            real = request.META.get("HTTP_X_REAL_IP", "").strip()
            if real:
                request.META["REMOTE_ADDR"] = real
        return self.get_response(request)


class OpsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path == "/healthz":
            return _json(*health.liveness())
        if path == "/readyz":
            return _json(*health.readiness())
        if path == "/metrics":
            if not _may_scrape(request):
                return HttpResponse(status=404)
            response = HttpResponse(metrics.render(), content_type=metrics.CONTENT_TYPE)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


def _username(request: HttpRequest) -> Callable[[], str]:
    def read() -> str:
        user = getattr(request, "user", None)
        return user.get_username() if user is not None and user.is_authenticated else ""

    return read


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        given = (request.headers.get("X-Request-ID") or "").strip()[:REQUEST_ID_MAX]
        request.request_id = given or uuid.uuid4().hex
        found = INITIATIVE_PATH.match(request.path_info)
        tokens = context.bind(
            request_id_value=request.request_id,
            user_value=_username(request),
            initiative_value=int(found.group(1)) if found else None,
        )
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            if settings.LOG_REQUESTS:
                match = getattr(request, "resolver_match", None)
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    status,
                    extra={
                        "event": "request",
                        "method": request.method,
                        "path": request.path,
                        "view": match.view_name if match else "",
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "ip": request.META.get("REMOTE_ADDR", ""),
                    },
                )
            context.unbind(tokens)
