"""ApiErrorMiddleware: under /api/ every error is the API's error shape (core.api), whatever
produced it.

DRF's views answer through core.api.exception_handler. Around them two things remain, and this
middleware (first in MIDDLEWARE, so it sees every response) handles both:

- an exception no handler knows (a bug, the database gone): a 500 `server_error` in the shape,
  logged with its traceback on `django.request` as Django logs its own 500s (and
  `got_request_exception` sent, as Django does), with DEBUG on or off;
- a response Django built outside the API's views (its 400 for a bad Host header, its 404 for a
  path no pattern matches, its 500 page for an exception in another middleware): replaced, body
  only, by the shape for its status code. Headers (Retry-After, Allow, security headers) stay.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core import signals
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.log import log_response

from .api import error_body, for_django_exception, for_status, server_error_message

PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(PREFIX) or request.path_info == PREFIX.rstrip("/")


def _is_json(response: HttpResponse) -> bool:
    return "json" in (response.get("Content-Type") or "")


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request) or _is_json(response):
            return response
        body = json.dumps(for_status(response.status_code), ensure_ascii=False).encode()
        if response.streaming:
            replacement = HttpResponse(body, status=response.status_code)
            for header, value in response.items():
                if header.lower() not in {"content-type", "content-length", "content-disposition"}:
                    replacement[header] = value
            response = replacement
        else:
            response.content = body
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(body))
            if response.has_header("Content-Disposition"):
                del response["Content-Disposition"]
        response["Content-Type"] = "application/json"
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        """An exception out of a view (DRF's handler passed it on): the shape, never a page."""
        if not is_api(request):
            return None
        known = for_django_exception(exception)
        if known is not None:
            status, body = known
            return JsonResponse(body, status=status)
        signals.got_request_exception.send(sender=self.__class__, request=request)
        response = JsonResponse(error_body("server_error", server_error_message()), status=500)
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
