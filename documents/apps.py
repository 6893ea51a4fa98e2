from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        from units import demo

        builder = "documents.demo.build_demo_issuers"
        if builder not in demo.DEMO_BUILDERS:
            demo.DEMO_BUILDERS.append(builder)
