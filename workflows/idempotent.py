"""`Idempotency-Key` for every action the API moves through the door: an initiative's, a plan's,
a filing's (any app's kind). A retry with the same key and the same request gets the stored
answer; the key with another request is refused; a refused action keeps no key.

The action and the key's record are one transaction: a second request with the key waits for
the first to commit (core.idempotency.hold), then replays its answer. The answer is built inside
that transaction too, so if building it fails the action rolls back with it and the client's
retry acts instead of finding the state moved by an action it was never told about.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core import idempotency
from core.api import ErrorSerializer

from .exceptions import Conflict, InvalidData, WorkflowError
from .models import IdempotencyKey

INITIATIVE = "initiative"
# What the refusal calls the subject of the key's first request.
SUBJECT_NAMES = {
    INITIATIVE: gettext_lazy("mô hình"),
    "plan": gettext_lazy("kế hoạch"),
    "filing": gettext_lazy("văn bản"),
}


class IdempotencyKeyReused(WorkflowError):
    code = "idempotency_key_reused"
    default_message = gettext_lazy("Idempotency-Key này đã dùng cho một yêu cầu khác.")


class IdempotencyKeyMismatch(WorkflowError):
    """The key of an earlier request of this action on this subject, with another body."""

    code = "idempotency_key_mismatch"
    http_status = 422
    default_message = gettext_lazy(
        "Idempotency-Key này đã dùng cho một yêu cầu có nội dung khác; hãy dùng khóa mới cho "
        "yêu cầu mới."
    )


def key_of(request: Request) -> str:
    """The request's Idempotency-Key ("" without one); refused when longer than the column."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > 255:
        raise InvalidData(
            _("Idempotency-Key dài quá 255 ký tự."),
            field_errors={"Idempotency-Key": [_("Tối đa 255 ký tự.")]},
        )
    return key


def _target(subject_type: str, pk: int):
    # An initiative's target stays its bare id: the hashes stored before plans had keys match.
    return pk if subject_type == INITIATIVE else [subject_type, pk]


def _stored_target(stored: IdempotencyKey) -> tuple[str, int | None]:
    if stored.initiative_id is not None:
        return INITIATIVE, stored.initiative_id
    return stored.subject_type, stored.subject_id


def act(
    request: Request,
    *,
    subject_type: str,
    pk: int,
    action: str,
    key: str,
    run: Callable[[], dict],
) -> Response:
    """`run()` (the action through the door, returning the answer's body) once per key: without
    a key it simply runs, in one transaction with building its answer."""
    if not key:
        with transaction.atomic():
            return Response(run())
    fingerprint = idempotency.request_hash(action, _target(subject_type, pk), request.data)
    try:
        with transaction.atomic():
            return _once(request, subject_type, pk, action, key, fingerprint, run)
    except IntegrityError:
        # The same key sent twice at once: the other request is recording it now.
        raise Conflict(_("Một yêu cầu khác với cùng Idempotency-Key đang được xử lý.")) from None


def _once(request, subject_type, pk, action, key, fingerprint, run) -> Response:
    idempotency.hold(request.user.pk, key)
    stored = IdempotencyKey.objects.select_for_update().filter(user=request.user, key=key).first()
    if stored is not None:
        if stored.action != action or _stored_target(stored) != (subject_type, pk):
            kind, first_pk = _stored_target(stored)
            raise IdempotencyKeyReused(
                _(
                    "Idempotency-Key này đã dùng cho thao tác “%(action)s” trên %(subject)s "
                    "số %(id)s; hãy dùng khóa mới cho yêu cầu khác."
                )
                % {
                    "action": stored.action,
                    "subject": SUBJECT_NAMES.get(kind, kind),
                    "id": first_pk,
                }
            )
        if stored.request_hash and stored.request_hash != fingerprint:
            raise IdempotencyKeyMismatch()
        response = Response(stored.response, status=stored.status_code)
        response["Idempotent-Replayed"] = "true"
        return response
    body = run()
    IdempotencyKey.objects.create(
        user=request.user,
        key=key,
        action=action,
        initiative_id=pk if subject_type == INITIATIVE else None,
        subject_type="" if subject_type == INITIATIVE else subject_type,
        subject_id=None if subject_type == INITIATIVE else pk,
        request_hash=fingerprint,
        status_code=status.HTTP_200_OK,
        response=body,
    )
    return Response(body)


# ---------------------------------------------------------------------------------------------
# What the schema says of it, on every action's route


def schema_description(noun: str) -> str:
    """The paragraph of an action's description about the key; `noun` names the subject."""
    return (
        "Gửi kèm `Idempotency-Key` để gửi lại an toàn: cùng khóa (cùng người gọi) với "
        "cùng yêu cầu trả lại đúng kết quả lần đầu thay vì làm lại (header "
        "`Idempotent-Replayed: true`); yêu cầu thứ hai gửi cùng lúc chờ yêu cầu đầu xong "
        f"rồi nhận lại kết quả đó. Dùng lại khóa cho thao tác hay {noun} khác bị từ chối "
        "(400, `idempotency_key_reused`), cho cùng thao tác với nội dung khác cũng vậy "
        "(422, `idempotency_key_mismatch`)."
    )


def schema_parameter() -> OpenApiParameter:
    return OpenApiParameter(
        "Idempotency-Key",
        str,
        OpenApiParameter.HEADER,
        required=False,
        description="Khóa do máy khách sinh (tối đa 255 ký tự).",
    )


def schema_mismatch(noun: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=(
            f"Idempotency-Key đã dùng cho cùng thao tác trên {noun} này nhưng với nội "
            "dung khác (code `idempotency_key_mismatch`)."
        ),
    )
