"""What services raise. Pages turn these into a message or a 403/404 (core.http), the API into its
error shape and status (core.api), each in one place."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "workflow_error"
    http_status = 400
    default_message = _("Không thể thực hiện thao tác.")

    def __init__(self, message=None, *, field_errors: dict | None = None):
        self.message = message or self.default_message
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))


class UnknownAction(DomainError):
    code = "unknown_action"
    default_message = _("Thao tác không tồn tại.")


class NotAllowed(DomainError):
    code = "not_allowed"
    http_status = 403
    default_message = _("Bạn không có quyền thực hiện thao tác này với mô hình này.")


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = _("Không tìm thấy mô hình, điển hình.")
    task_message = _("Không tìm thấy nhiệm vụ.")


class ReasonRequired(DomainError):
    code = "reason_required"
    default_message = _("Cần nêu lý do.")


class ConditionFailed(DomainError):
    code = "condition_failed"
    default_message = _("Chưa đủ điều kiện để thực hiện thao tác.")


class InvalidData(DomainError):
    code = "invalid"
    default_message = _("Dữ liệu chưa hợp lệ.")


class Duplicate(InvalidData):
    """The unit already registered the same (or a nearly same) model for the year. `similar`
    holds what it looks like (workflows.similar.Similar); a page may let the person confirm."""

    code = "duplicate"
    default_message = _("Đơn vị đã đăng ký mô hình trùng hoặc gần trùng trong năm này.")

    def __init__(self, message=None, *, field_errors: dict | None = None, similar=()):
        super().__init__(message, field_errors=field_errors)
        self.similar = list(similar)


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _(
        "Người khác vừa xử lý mô hình này. Hãy tải lại trang để xem trạng thái mới."
    )


class WrongState(Conflict):
    """The initiative is not where the action starts, usually because someone acted first."""

    code = "wrong_state"
    default_message = _("Mô hình không ở trạng thái cho phép thao tác này.")


# The name the first round used; the lifecycle's code and tests still say it.
WorkflowError = DomainError
