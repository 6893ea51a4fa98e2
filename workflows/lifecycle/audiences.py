"""Who may be told about a transition (DOMAIN.md's last column). An action lists its audiences
in order (workflows.lifecycle.actions); workflows.lifecycle.kind resolves them. Each person gets
one message per transition, for the first reason that names them; the actor is never told."""

NEW_TASK_HOLDERS = "new_task"  # whoever now holds (or may claim) a task the action created
UNIT = "unit"  # the owning unit's staff and heads
SUBMITTER = "submitter"  # who submitted the registration
PRIOR_ACTORS = "prior_actors"  # everyone who acted on the initiative before
COUNCIL = "council"  # the campaign's council
OPEN_TASK_HOLDERS = "open_task"  # whoever held a task that the action cancelled
QUORUM_REACHED = "quorum_reached"  # the leader, told by the score that completes the quorum
# Levels (workflows.levels): the higher committee's people who now hold the nomination's task,
# the leaders of the committee that runs the campaign, and (for every change of state of a
# nomination) the lower committee that nominated it.
HIGHER_LEVEL = "higher_level"
COMMITTEE_LEADERS = "committee_leaders"
LOWER_LEVEL = "lower_level"

ALL = (
    NEW_TASK_HOLDERS,
    UNIT,
    SUBMITTER,
    PRIOR_ACTORS,
    COUNCIL,
    OPEN_TASK_HOLDERS,
    QUORUM_REACHED,
    HIGHER_LEVEL,
    COMMITTEE_LEADERS,
    LOWER_LEVEL,
)
