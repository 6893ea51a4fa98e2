from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Người dùng")

    def ready(self) -> None:
        from . import tokens  # noqa: F401 - connects the token revocation on password change
