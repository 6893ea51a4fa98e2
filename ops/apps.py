from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        from . import celery  # noqa: F401 - connects the Celery signal handlers
