from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    @property
    def is_activated(self) -> bool:
        """Has the person set a password? People from the import have none until they do
        (units.invitations.not_activated_q is the same test in SQL)."""
        return bool(self.password) and self.has_usable_password()
