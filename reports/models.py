"""Export jobs: a heavy spreadsheet is built by a Celery task; the page polls its progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.files import RandomName


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Báo cáo tổng hợp")
        REGISTRATION_FORMS = "registration_forms", _("Biểu đăng ký của các đơn vị")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang xử lý")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")
        EXPIRED = "expired", _("Hết hạn")

    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    # What to build: committee id, period bounds, year; read back by reports.tasks.
    params = models.JSONField(_("tham số"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("người yêu cầu"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    # Stored under a random name (core.files), downloaded as `filename`; removed after
    # EXPORT_FILES_KEEP_HOURS (reports.tasks.expire_exports), the row then EXPIRED.
    file = models.FileField(_("tệp"), upload_to=RandomName("exports"), blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    finished = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu xuất tệp")
        verbose_name_plural = _("yêu cầu xuất tệp")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["requested_by", "created"], name="exportjob_owner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.created:%d/%m/%Y %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def download_name(self) -> str:
        # Jobs made before `filename` existed were stored under their own name.
        return self.filename or self.file.name.rsplit("/", 1)[-1]
