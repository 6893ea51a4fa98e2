"""Who hears of the levels' steps: the higher committee's people when a model is nominated,
the lower committee when its nomination moves, the leaders when a unit reports for a review."""

from __future__ import annotations

from notifications.services import Message
from units.models import Membership, Role

from ..engine.actions import Context
from ..lifecycle import audiences

LEVEL_AUDIENCES = (audiences.HIGHER_LEVEL, audiences.COMMITTEE_LEADERS)
LOWER_LEVEL_ROLES = (Role.COMMITTEE_LEADER, Role.COMMITTEE_REVIEWER)


def _committee_people(committee_id: int, roles) -> list[int]:
    return list(
        Membership.objects.filter(unit_id=committee_id, role__in=roles, is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def level_messages(audience: str, ctx: Context) -> list[Message]:
    initiative = ctx.subject
    if audience == audiences.HIGHER_LEVEL:
        nomination = ctx.extra.get("nomination")
        if nomination is None:
            return []
        from ..flows import eligible_holders
        from ..models import InitiativeTask

        messages = []
        for task in InitiativeTask.objects.filter(initiative=nomination).exclude(role=""):
            if task.owner_id:
                messages.append(Message(task.owner_id, "higher_level", task.pk))
            else:
                messages.extend(
                    Message(pk, "higher_level", task.pk)
                    for pk in eligible_holders(nomination.process, task.role)
                )
        return messages
    if audience == audiences.COMMITTEE_LEADERS:
        return [
            Message(pk, "committee")
            for pk in _committee_people(initiative.campaign.committee_id, [Role.COMMITTEE_LEADER])
        ]
    if audience == audiences.LOWER_LEVEL:
        if initiative.nominated_by_id is None or "state" not in ctx.changes:
            return []
        return [
            Message(pk, "lower_level")
            for pk in _committee_people(initiative.nominated_by_id, LOWER_LEVEL_ROLES)
        ]
    return []
