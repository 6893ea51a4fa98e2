from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Quyết định công nhận, tờ trình khen thưởng")

    def ready(self) -> None:
        from workflows import panels
        from workflows.lifecycle.actions import OTHER_AUDIT_ACTIONS

        from .views import initiative_panel

        panels.register(initiative_panel)
        # The audit pages and exports name these entries like the lifecycle's own.
        OTHER_AUDIT_ACTIONS.setdefault("prepare_award", _("Lập dự thảo quyết định, tờ trình"))
        OTHER_AUDIT_ACTIONS.setdefault("issue_award", _("Cấp số văn bản"))
        OTHER_AUDIT_ACTIONS.setdefault("record_award", _("Ghi nhận văn bản đã ký"))
