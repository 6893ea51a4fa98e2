from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outbox(models.Model):
    """A message that a transition decided must be said, written in the transition's transaction.

    One row is one message to one destination: a person (in-app and e-mail) or a committee's
    webhook. Delivery reads these rows after commit; see ARCHITECTURE.md. A row moves
    pending → sending (claimed by one worker) → sent, or back to pending with a later
    ``next_attempt_at`` after an error, or to failed after the last retry (never deleted).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    class ChannelState(models.TextChoices):
        NONE = "", _("Chưa xử lý")
        DONE = "done", _("Đã gửi")
        DIGEST = "digest", _("Chờ bản tin hằng ngày")
        SKIPPED = "skipped", _("Không gửi")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người nhận"),
    )
    webhook = models.ForeignKey(
        "notifications.Webhook",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("webhook"),
    )
    event = models.CharField(_("sự kiện"), max_length=40)
    reason = models.CharField(_("lý do nhận"), max_length=40)
    subject_type = models.CharField(max_length=40, default="initiative")
    subject_id = models.BigIntegerField()
    task_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set afresh by each claim: a worker only writes rows still carrying its own token, so one
    # whose lease ran out (and whose rows were claimed again) can no longer send or mark them.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    in_app_state = models.CharField(
        max_length=8, choices=ChannelState.choices, default=ChannelState.NONE, blank=True
    )
    email_state = models.CharField(
        max_length=8, choices=ChannelState.choices, default=ChannelState.NONE, blank=True
    )
    created = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thư chờ gửi")
        verbose_name_plural = _("thư chờ gửi")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_unsent",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["recipient", "created"], name="outbox_recipient"),
            # Failed deliveries, counted for /metrics and /readyz without reading the table.
            models.Index(
                fields=["created"], name="outbox_failed", condition=models.Q(status="failed")
            ),
            models.Index(
                fields=["recipient"],
                name="outbox_digest",
                condition=models.Q(in_app_state="digest") | models.Q(email_state="digest"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient or self.webhook}"


class Notification(models.Model):
    """What the bell shows: one per outbox row (the unique FK makes delivery idempotent)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    outbox = models.OneToOneField(
        Outbox, on_delete=models.CASCADE, related_name="notification", verbose_name=_("thư")
    )
    event = models.CharField(_("sự kiện"), max_length=40)
    subject_id = models.BigIntegerField()
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("liên kết"), max_length=300, blank=True)
    created = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one person wants to hear, per channel: at once or in a daily digest."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Ngay lập tức")
        DIGEST = "digest", _("Gộp thành bản tin hằng ngày")
        OFF = "off", _("Không nhận")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("người dùng"),
    )
    in_app = models.CharField(
        _("trong ứng dụng"),
        max_length=10,
        # The bell cannot be switched off: it is where tasks are announced.
        choices=[(Mode.IMMEDIATE, Mode.IMMEDIATE.label), (Mode.DIGEST, Mode.DIGEST.label)],
        default=Mode.IMMEDIATE,
    )
    email = models.CharField(
        _("thư điện tử"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("cài đặt thông báo")
        verbose_name_plural = _("cài đặt thông báo")

    def __str__(self) -> str:
        return str(self.user)


class Webhook(models.Model):
    """A committee's endpoint in another government system; bodies are signed with HMAC-SHA256."""

    committee = models.ForeignKey(
        "units.Unit",
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"is_committee": True},
        verbose_name=_("Ban Dân vận"),
    )
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    secret = models.CharField(_("khóa bí mật"), max_length=200)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("webhook của Ban")
        verbose_name_plural = _("webhook của Ban")
        ordering = ["committee_id", "pk"]

    def __str__(self) -> str:
        return f"{self.committee} → {self.url}"


class ReminderLog(models.Model):
    """One reminder sent: a (kind, object, threshold) is reminded once, whatever reruns."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("Sắp hết hạn đăng ký")
        OVERDUE = "overdue", _("Nhiệm vụ quá hạn")
        ESCALATION = "escalation", _("Báo lãnh đạo Ban")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField(_("đối tượng"))  # the task, or the unit for a deadline
    scope_id = models.BigIntegerField(_("đợt"), default=0)  # the campaign for a deadline
    threshold = models.CharField(_("mốc"), max_length=20)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "scope_id", "threshold"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} ({self.threshold})"
