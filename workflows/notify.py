"""Who is told at each transition (DOMAIN.md's last column), as one table.

Audiences are resolved in workflows.services with a fixed number of queries and handed to
notifications.services.enqueue, which writes the outbox rows in the same transaction.
"""

from __future__ import annotations

NEW_TASK_HOLDERS = "new_task"  # whoever now holds (or may claim) a task the action created
UNIT = "unit"  # the owning unit's staff and heads
SUBMITTER = "submitter"  # who submitted the registration
PRIOR_ACTORS = "prior_actors"  # everyone who acted on the initiative before
COUNCIL = "council"  # the campaign's council
OPEN_TASK_HOLDERS = "open_task"  # whoever held a task that the action cancelled
QUORUM_REACHED = "quorum_reached"  # the leader, told by the score that completes the quorum

# DOMAIN.md's column, widened by issue #4: whoever now holds a task hears first (so their
# message links to it), the owning unit hears every change of state, and a return or a
# refusal also reaches everyone who acted on the initiative before. Each person gets one
# message per transition (the first reason listed wins, keeping a task link from a later one);
# the actor is never told.
WHO_IS_TOLD: dict[str, tuple[str, ...]] = {
    "edit": (),
    "submit": (NEW_TASK_HOLDERS, UNIT),
    "approve": (NEW_TASK_HOLDERS, UNIT),
    "return": (SUBMITTER, NEW_TASK_HOLDERS, UNIT, PRIOR_ACTORS),
    "accept": (NEW_TASK_HOLDERS, UNIT),
    "send_back": (NEW_TASK_HOLDERS, UNIT, PRIOR_ACTORS),
    "report_progress": (),
    "nominate": (NEW_TASK_HOLDERS, UNIT),
    "withdraw": (OPEN_TASK_HOLDERS, UNIT),
    "score": (QUORUM_REACHED,),
    "close_scoring": (NEW_TASK_HOLDERS, UNIT),
    "reopen_scoring": (NEW_TASK_HOLDERS, COUNCIL, UNIT),
    "recognize": (NEW_TASK_HOLDERS, UNIT, COUNCIL),
    "reject": (UNIT, PRIOR_ACTORS),
    "commend": (UNIT,),
}


# The leader's "close scoring" task opens with the council's, but it is only worth announcing
# once the quorum has scored (QUORUM_REACHED), not when the initiative is nominated.
ANNOUNCED_LATER = {"close_scoring"}


def announced(task) -> bool:
    """Whether a task that a transition created is announced to its holders now."""
    return getattr(task.flow_task, "name", None) not in ANNOUNCED_LATER


def resolve(audience: str, initiative) -> list:
    """Audiences that need more than the door's usual lookups."""
    from notifications.services import Message
    from units.models import Role
    from units.selectors import people_with_role_over

    from .models import InitiativeTask

    if audience != QUORUM_REACHED:
        return []
    scored = initiative.scorecards.filter(round=initiative.scoring_round).count()
    if scored != initiative.campaign.quorum:  # only the score that reaches it, not later ones
        return []
    messages = []
    for task in InitiativeTask.objects.filter(
        initiative=initiative,
        role=Role.COMMITTEE_LEADER,
        status__in=("NEW", "ASSIGNED", "STARTED"),
    ).select_related("scope_unit"):
        if task.owner_id:
            messages.append(Message(task.owner_id, "quorum", task.pk))
        elif task.scope_unit_id:
            for pk in people_with_role_over(task.scope_unit, task.role).values_list(
                "pk", flat=True
            ):
                messages.append(Message(pk, "quorum", task.pk))
    return messages
