from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .signals import password_changed


class User(AbstractUser):
    """A person who signs in. Roles live in units.Membership, not here."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )
    invited_at = models.DateTimeField(
        _("lần mời gần nhất"),
        null=True,
        blank=True,
        help_text=_("Khi thư mời đặt mật khẩu được gửi lần gần nhất."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    # A changed password is announced (accounts.signals.password_changed) once it is saved:
    # set_password() (Django keeps the new one in _password until the save; a hash upgrade at
    # sign-in clears it first, so it does not count) or set_unusable_password().
    def set_unusable_password(self):
        super().set_unusable_password()
        self._password_unusable = True

    def save(self, *args, **kwargs):
        changed = not self._state.adding and (
            self._password is not None or getattr(self, "_password_unusable", False)
        )
        super().save(*args, **kwargs)
        if changed:
            self._password_unusable = False
            password_changed.send(sender=type(self), user=self)

    @property
    def is_activated(self) -> bool:
        """Has the person set a password? People from the import have none until they do
        (units.invitations.not_activated_q is the same test in SQL)."""
        return bool(self.password) and self.has_usable_password()


class ApiToken(models.Model):
    """A key an API client sends as `Authorization: Token <key>` (accounts.tokens): a new one
    on every sign-in, valid until `expires` (API_TOKEN_TTL_HOURS), revoked by deleting it (by
    its person, an administrator, or a password change). Only the key's SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("người dùng"),
    )
    key_hash = models.CharField(_("băm của mã"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("đầu mã"), max_length=8, editable=False)
    created = models.DateTimeField(_("cấp lúc"), default=timezone.now, editable=False)
    expires = models.DateTimeField(_("hết hạn lúc"), db_index=True)
    last_used = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_live(self) -> bool:
        return self.expires > timezone.now()
