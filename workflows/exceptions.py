"""What the door raises. Pages turn these into a message, the API into a status, in one place."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    code = "workflow_error"
    http_status = 400
    default_message = _("Không thể thực hiện thao tác.")

    def __init__(self, message=None, *, field_errors: dict | None = None):
        self.message = message or self.default_message
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))


class UnknownAction(WorkflowError):
    code = "unknown_action"
    default_message = _("Thao tác không tồn tại.")


class NotAllowed(WorkflowError):
    code = "not_allowed"
    http_status = 403
    default_message = _("Bạn không có quyền thực hiện thao tác này với mô hình này.")


class NotFound(WorkflowError):
    code = "not_found"
    http_status = 404
    default_message = _("Không tìm thấy mô hình, điển hình.")


class ReasonRequired(WorkflowError):
    code = "reason_required"
    default_message = _("Cần nêu lý do.")


class ConditionFailed(WorkflowError):
    code = "condition_failed"
    default_message = _("Chưa đủ điều kiện để thực hiện thao tác.")


class InvalidData(WorkflowError):
    code = "invalid"
    default_message = _("Dữ liệu chưa hợp lệ.")


class Conflict(WorkflowError):
    code = "conflict"
    http_status = 409
    default_message = _(
        "Người khác vừa xử lý mô hình này. Hãy tải lại trang để xem trạng thái mới."
    )


class WrongState(Conflict):
    """The initiative is not where the action starts, usually because someone acted first."""

    code = "wrong_state"
    default_message = _("Mô hình không ở trạng thái cho phép thao tác này.")
