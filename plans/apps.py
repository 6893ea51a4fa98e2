from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Kế hoạch và báo cáo định kỳ")

    def ready(self) -> None:
        from notifications.messages import register_sentences, register_titles, register_urls
        from workflows.selectors import INBOX_SECTIONS

        from .actions import FILING_ACTIONS, OTHER_MESSAGES, PLAN_ACTIONS, TITLES
        from .urls_for import filing_url, plan_url

        # What each action's message says lives with the action (as for the lifecycle); the
        # events are named after the kind (engine.kinds.ProcessKind.event).
        register_sentences(
            {f"plan_{a.name}": a.message for a in PLAN_ACTIONS.values() if a.message}
            | {f"filing_{a.name}": a.message for a in FILING_ACTIONS.values() if a.message}
            | OTHER_MESSAGES
        )
        register_titles(TITLES)
        register_urls({"plan": plan_url, "filing": filing_url})
        section = "plans.selectors.inbox_section"
        if section not in INBOX_SECTIONS:
            INBOX_SECTIONS.append(section)
