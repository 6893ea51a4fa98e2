from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outbox(models.Model):
    """A message that a transition decided must be said, written in the transition's transaction.

    Delivery (in-app, e-mail, webhook) reads these rows after commit; see ARCHITECTURE.md.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người nhận"),
    )
    event = models.CharField(_("sự kiện"), max_length=40)
    reason = models.CharField(_("lý do nhận"), max_length=40)
    subject_type = models.CharField(max_length=40, default="initiative")
    subject_id = models.BigIntegerField()
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thư chờ gửi")
        verbose_name_plural = _("thư chờ gửi")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["created"],
                name="outbox_pending",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["recipient", "created"], name="outbox_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient}"
