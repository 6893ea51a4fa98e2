from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình bình xét")

    def ready(self) -> None:
        from units import demo

        builder = "workflows.demo.build_demo_campaigns"
        if builder not in demo.DEMO_BUILDERS:
            demo.DEMO_BUILDERS.append(builder)
