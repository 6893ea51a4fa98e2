from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình bình xét")

    def ready(self) -> None:
        from notifications.messages import register_sentences
        from units import demo

        from .lifecycle.actions import ACTIONS, OTHER_MESSAGES

        # What each action's message says lives with the action (the registry).
        register_sentences(
            {a.name: a.message for a in ACTIONS.values() if a.message is not None} | OTHER_MESSAGES
        )

        builder = "workflows.demo.build_demo_campaigns"
        if builder not in demo.DEMO_BUILDERS:
            demo.DEMO_BUILDERS.append(builder)

        post_migrate.connect(_ensure_audit_partitions, sender=self)
        post_migrate.connect(_grant_app_role, sender=self)


def _ensure_audit_partitions(sender, using, **kwargs) -> None:
    """After every migrate (run as the owner), the audit trail has its partitions for the
    years to come (workflows.partitions)."""
    from django.db import connections

    from . import partitions

    partitions.ensure(connections[using])


def _grant_app_role(sender, using, **kwargs) -> None:
    """After every migrate (run as the owner), give APP_DATABASE_ROLE its privileges again, so
    new tables reach it and the audit tables keep their narrower grants."""
    from django.conf import settings
    from django.db import connections

    from . import dbroles

    role = settings.APP_DATABASE_ROLE
    if role and connections[using].vendor == "postgresql":
        dbroles.grant(connections[using], role)
