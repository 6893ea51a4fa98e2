"""What a person locked out by django-axes (too many wrong passwords) is told, on the login
pages and from POST /api/v1/auth/token: the same message, in the caller's language."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import Throttled

STATUS = 429


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = max(1, math.ceil(cooloff_seconds() / 60))
    return _(
        "Đã đăng nhập sai %(limit)d lần. Vì an toàn, tài khoản này tạm thời không đăng nhập "
        "được từ máy này; hãy thử lại sau %(minutes)d phút."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


class LockedOut(Throttled):
    """The API's answer: 429 in the one error shape, code locked_out, with Retry-After."""

    default_code = "locked_out"

    def __init__(self):
        super().__init__(detail=lockout_message())
        self.wait = cooloff_seconds()


def lockout_response(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: the lockout page (429), or the API's error shape."""
    if request.path.startswith("/api/"):
        from core.api import error_body

        answer = JsonResponse(error_body("locked_out", lockout_message()), status=STATUS)
        answer["Retry-After"] = str(cooloff_seconds())
        return answer
    return render(
        request, "registration/locked_out.html", {"message": lockout_message()}, status=STATUS
    )
