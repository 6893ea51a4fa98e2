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
    "score": (),
    "close_scoring": (NEW_TASK_HOLDERS, UNIT),
    "reopen_scoring": (NEW_TASK_HOLDERS, COUNCIL, UNIT),
    "recognize": (NEW_TASK_HOLDERS, UNIT, COUNCIL),
    "reject": (UNIT, PRIOR_ACTORS),
    "commend": (UNIT,),
}
