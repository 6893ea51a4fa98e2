"""What every API endpoint shares: one error shape, the exception handler that produces it,
pagination and the request's audit metadata (the schema generator is in core.api_schema).

Error shape (every 4xx and 5xx the API sends):
    {"code": "wrong_state", "message": "…", "field_errors": {"comment": ["…"]}}
The message follows the caller's language (Vietnamese unless Accept-Language asks for English).
DRF's views answer through `exception_handler`; what happens outside them (Django's own 400,
404 and 500 pages, an exception DRF does not know) is put into the same shape by
core.middleware.ApiErrorMiddleware.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, JsonResponse
from django.http.multipartparser import TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .errors import DomainError
from .request import meta_from

# ---------------------------------------------------------------------------------------------
# The error shape


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi ổn định cho máy đọc, ví dụ `wrong_state`.")
    message = serializers.CharField(help_text="Thông báo theo ngôn ngữ của người gọi.")
    field_errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Lỗi theo từng trường (rỗng nếu không có).",
    )


def error_body(code: str, message, field_errors: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "field_errors": field_errors or {}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested ValidationError detail as {"a.b": ["msg", …]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, dict | list):
                for k, v in _flatten(value, f"{prefix}.{i}" if prefix else str(i)).items():
                    out.setdefault(k, []).extend(v)
            else:
                out.setdefault(prefix or "non_field_errors", []).append(str(value))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def malformed_message() -> str:
    return _("Không đọc được nội dung yêu cầu (sai cú pháp JSON hoặc biểu mẫu).")


def server_error_message() -> str:
    return _("Máy chủ gặp lỗi khi xử lý yêu cầu. Hãy thử lại sau ít phút.")


def for_django_exception(exc) -> tuple[int, dict] | None:
    """(status, body) for the exceptions Django raises while reading a request, wherever they
    surface: in a DRF view (exception_handler) or outside one (the middleware)."""
    if isinstance(exc, RequestDataTooBig):
        return 413, error_body("too_large", _("Nội dung yêu cầu quá lớn."))
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return 400, error_body("too_many_fields", _("Yêu cầu có quá nhiều trường hoặc tệp."))
    if isinstance(exc, SuspiciousOperation | BadRequest):
        return 400, error_body("bad_request", _("Yêu cầu không hợp lệ."))
    if isinstance(exc, Http404):
        return 404, error_body("not_found", _("Không tìm thấy."))
    if isinstance(exc, DjangoPermissionDenied):
        return 403, error_body("permission_denied", _("Bạn không có quyền thực hiện thao tác này."))
    return None


def for_status(status_code: int) -> dict:
    """The body for an error response that was not in the shape (a Django error page)."""
    if status_code >= 500:
        return error_body("server_error", server_error_message())
    known = {
        401: ("not_authenticated", _("Cần đăng nhập hoặc gửi mã truy cập (token).")),
        403: ("permission_denied", _("Bạn không có quyền thực hiện thao tác này.")),
        404: ("not_found", _("Không tìm thấy.")),
        405: ("method_not_allowed", _("Phương thức HTTP này không được hỗ trợ.")),
        413: ("too_large", _("Nội dung yêu cầu quá lớn.")),
        429: ("throttled", _("Quá nhiều yêu cầu. Hãy thử lại sau.")),
    }
    code, message = known.get(status_code, ("bad_request", _("Yêu cầu không hợp lệ.")))
    return error_body(code, message)


def exception_handler(exc, context) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error as ErrorSerializer, never a 500 for
    something a client can send."""
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        status_code = exc.http_status
        body = error_body(exc.code, exc.message, exc.field_errors)
    elif isinstance(exc, exceptions.ValidationError):
        status_code = status.HTTP_400_BAD_REQUEST
        body = error_body("invalid", _("Dữ liệu chưa hợp lệ."), _flatten(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        status_code = status.HTTP_400_BAD_REQUEST
        # DRF's own message names the parser's internals; a subclass of ours says what is wrong.
        specific = type(exc) is not exceptions.ParseError
        body = error_body("malformed", exc.detail if specific else malformed_message())
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        status_code = exc.status_code
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if type(exc) not in (exceptions.NotAuthenticated, exceptions.AuthenticationFailed):
            # A project subclass (an expired token): its own code and message.
            body = error_body(exc.default_code, exc.detail)
        else:
            message = (
                _("Cần đăng nhập hoặc gửi mã truy cập (token).")
                if isinstance(exc, exceptions.NotAuthenticated)
                else _("Mã truy cập hoặc phiên đăng nhập không hợp lệ.")
            )
            body = error_body("not_authenticated", message)
    elif isinstance(exc, SuspiciousOperation | BadRequest):
        # Django's refusals while reading the body: too big (413), too many fields (400).
        status_code, body = for_django_exception(exc)
    elif isinstance(exc, Http404 | exceptions.NotFound):
        status_code = status.HTTP_404_NOT_FOUND
        body = error_body("not_found", _("Không tìm thấy."))
    elif isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        status_code = status.HTTP_403_FORBIDDEN
        body = error_body("permission_denied", _("Bạn không có quyền thực hiện thao tác này."))
    elif isinstance(exc, DjangoValidationError):
        status_code = status.HTTP_400_BAD_REQUEST
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        body = error_body(
            "invalid",
            _("Dữ liệu chưa hợp lệ."),
            {k: [str(m) for m in v] for k, v in fields.items()}
            or {"non_field_errors": [str(m) for m in exc.messages]},
        )
    elif isinstance(exc, DataError):
        # A value PostgreSQL cannot hold (out of range, NUL byte) that slipped past validation.
        status_code = status.HTTP_400_BAD_REQUEST
        body = error_body("invalid", _("Dữ liệu chưa hợp lệ."))
    elif isinstance(exc, exceptions.APIException):
        status_code = exc.status_code
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
        body = error_body(exc.default_code, exc.detail if isinstance(exc.detail, str) else "")
        if not body["message"]:
            body["message"] = str(exc.default_detail)
    else:
        return None
    set_rollback()
    return Response(body, status=status_code, headers=headers)


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any /api/v1/ address that matches no endpoint: the same 404 shape."""
    return JsonResponse(error_body("not_found", _("Không tìm thấy.")), status=404)


# ---------------------------------------------------------------------------------------------
# Strict bodies


class StrictInput:
    """A body that names what it does not know: an unknown key is a 400 naming it and the keys
    that are known, instead of being dropped without a word. Mixed in before the serializer
    class: `class Body(StrictInput, serializers.Serializer)`."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                known = ", ".join(sorted(self.fields))
                raise serializers.ValidationError(
                    {
                        key: [
                            _("Không có trường này; các trường nhận được: %(known)s.")
                            % {"known": known}
                        ]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


# ---------------------------------------------------------------------------------------------
# Pagination and request metadata


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def request_meta(request):
    """The request id and IP for the audit trail (core.request.meta_from)."""
    return meta_from(request)
