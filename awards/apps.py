from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Quyết định công nhận, tờ trình khen thưởng")

    def ready(self) -> None:
        from workflows import panels

        from .views import initiative_panel

        panels.register(initiative_panel)
