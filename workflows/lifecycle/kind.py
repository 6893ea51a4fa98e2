"""The registration lifecycle as a kind of process for the one door: an Initiative, its
actions, the access rule, the viewflow tasks it holds and who is told."""

from __future__ import annotations

import functools

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS, STATUS

from core import sql
from core.errors import Conflict, NotAllowed, WrongState
from notifications.services import Message
from units.models import Role
from units.selectors import (
    member_ids,
    member_ids_statement,
    memberships_from_rows,
    memberships_statement,
    people_with_role_over,
)

from .. import access
from ..engine.actions import Context
from ..engine.kinds import ProcessKind, read_with_lock
from ..flows import InitiativeFlow, collecting_new_tasks, eligible_holders
from ..levels.told import LEVEL_AUDIENCES, level_messages
from ..models import Initiative, InitiativeTask, Scorecard
from . import audiences
from .actions import ACTIONS
from .conditions import (
    missing_registration_fields,
    registration_complete,
    result_report_present,
)

ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# The leader's "close scoring" task opens with the council's, but it is only worth announcing
# once the quorum has scored (QUORUM_REACHED), not when the initiative is nominated.
ANNOUNCED_LATER = {"close_scoring"}
UNIT_MEMBERS = (Role.UNIT_STAFF, Role.UNIT_HEAD)  # who hears of every change of state


class InitiativeKind(ProcessKind):
    name = "initiative"
    model = Initiative
    actions = ACTIONS
    related = ("campaign", "unit", "process")
    touched_fields = ("updated",)

    def reads_with_lock(self, subject_id, actor, action) -> dict:
        """With the lock, in its round trip: the person's memberships (the access rule), the
        open tasks (the task this action completes) and, when the unit is told, its members."""
        reads = {
            "memberships": memberships_statement(actor.pk),
            "active": (_active_tasks_sql(), {"initiative": subject_id, "active": list(ACTIVE)}),
        }
        if audiences.UNIT in action.told:
            reads["unit_members"] = member_ids_statement(
                f"(SELECT unit_id FROM {Initiative._meta.db_table} WHERE id = %(subject)s)",
                UNIT_MEMBERS,
            )
        return reads

    def require_acting(self, subject, actor, action):
        rows = read_with_lock(subject).get("memberships")
        known = memberships_from_rows(rows) if rows is not None else None
        return access.require_acting(subject, actor, action, memberships=known)

    # ---- Tasks

    def begin(self, ctx: Context) -> None:
        initiative = ctx.subject
        if initiative.imported and not ctx.action.on_history:
            # workflows.history: created in its final state, with a finished process.
            raise WrongState(
                _(
                    "Mô hình này được nhập từ dữ liệu các năm trước (đã ở kết quả cuối cùng): "
                    "không còn thao tác nào trên quy trình."
                )
            )
        rows = read_with_lock(initiative).get("active")
        active = (
            sql.loader(InitiativeTask).all(rows) if rows is not None else _active_tasks(initiative)
        )
        ctx.extra["task"] = _open_task(initiative, ctx.action.name, ctx.principal, active)
        if ctx.action.name == "withdraw":
            ctx.extra["open_holders"] = [t.owner_id for t in active if t.owner_id]

    def finish(self, ctx: Context) -> None:
        initiative = ctx.subject
        task = ctx.extra["task"]
        # The human tasks the flow opens now, as it saved them (not read back).
        with collecting_new_tasks() as created:
            if task is not None:
                _complete(task, ctx)
            elif ctx.action.name == "withdraw":
                _cancel_process(initiative)
        ctx.extra["new_tasks"] = [t for t in created if t.status in ACTIVE]

    # ---- Who is told

    def messages(self, ctx: Context) -> list[Message]:
        initiative = ctx.subject
        messages: list[Message] = []
        for audience in ctx.action.told:
            if audience == audiences.NEW_TASK_HOLDERS:
                for task in ctx.extra["new_tasks"]:
                    if task.flow_task.name in ANNOUNCED_LATER:
                        continue
                    if task.owner_id:
                        messages.append(Message(task.owner_id, "task", task.pk))
                    else:
                        # The people the flow offered the task to (looked up once, in flows).
                        for pk in eligible_holders(initiative.process, task.role):
                            messages.append(Message(pk, "task", task.pk))
            elif audience == audiences.UNIT:
                rows = read_with_lock(initiative).get("unit_members")
                members = [r[0] for r in rows] if rows is not None else None
                if members is None:
                    members = member_ids(initiative.unit_id, UNIT_MEMBERS)
                for pk in members:
                    messages.append(Message(pk, "unit"))
            elif audience == audiences.SUBMITTER and initiative.submitted_by_id:
                messages.append(Message(initiative.submitted_by_id, "submitter"))
            elif audience == audiences.PRIOR_ACTORS:
                for pk in (
                    initiative.audit_entries.exclude(actor=None)
                    .values_list("actor_id", flat=True)
                    .distinct()
                ):
                    messages.append(Message(pk, "prior_actor"))
            elif audience == audiences.COUNCIL:
                for pk in initiative.campaign.council.values_list("pk", flat=True):
                    messages.append(Message(pk, "council"))
            elif audience == audiences.OPEN_TASK_HOLDERS:
                messages.extend(
                    Message(pk, "task_cancelled") for pk in ctx.extra.get("open_holders", ())
                )
            elif audience == audiences.QUORUM_REACHED:
                messages.extend(_quorum_reached(initiative))
            elif audience in LEVEL_AUDIENCES:
                messages.extend(level_messages(audience, ctx))
        # Both levels hear of every change of state of a nomination (workflows.levels).
        messages.extend(level_messages(audiences.LOWER_LEVEL, ctx))
        return messages

    def payload(self, ctx: Context) -> dict:
        initiative = ctx.subject
        return {
            "title": initiative.title,
            "state": initiative.state,
            "actor": str(ctx.actor),
            "comment": ctx.comment,
            "unit_id": initiative.unit_id,
            "committee_id": initiative.campaign.committee_id,  # whose webhooks hear it
        }

    # ---- The audit entry

    def audit_subject(self, subject) -> dict:
        return {"initiative_id": subject.pk}

    def audit_chain(self, subject) -> int | None:
        return subject.campaign.committee_id

    def condition_errors(self, condition, subject) -> dict:
        if condition is registration_complete:
            return {k: [str(v)] for k, v in missing_registration_fields(subject).items()}
        if condition is result_report_present:
            return {
                "result_achieved": [_("Cần nhập kết quả đạt được trước khi đề nghị công nhận.")]
            }
        return {}


INITIATIVE = InitiativeKind()


def _active_tasks(initiative) -> list[InitiativeTask]:
    """The initiative's open tasks, oldest due first (read under the initiative's lock)."""
    if connection.vendor != "postgresql":
        return list(InitiativeTask.objects.filter(initiative=initiative, status__in=ACTIVE))
    rows = sql.fetchall(_active_tasks_sql(), {"initiative": initiative.pk, "active": list(ACTIVE)})
    return sql.loader(InitiativeTask).all(rows)


@functools.cache
def _active_tasks_sql() -> str:
    return (
        f"SELECT {sql.columns(InitiativeTask, 't')} FROM {InitiativeTask._meta.db_table} t "
        "WHERE t.initiative_id = %(initiative)s AND t.status = ANY(%(active)s) "
        "ORDER BY t.due_at, t.id"
    )


def _open_task(initiative, action, principal, active) -> InitiativeTask | None:
    """The task this action completes, among the initiative's active tasks (already loaded)."""
    step = InitiativeFlow.step_for_action(action, initiative.state)
    if step is None:
        return None
    tasks = sorted((t for t in active if t.flow_task == step), key=lambda t: t.pk)
    if action == "score":
        tasks = [t for t in tasks if t.owner_id == principal.pk]
    task = tasks[0] if tasks else None
    if task is None:
        if action == "score":
            if Scorecard.objects.filter(
                initiative=initiative, round=initiative.scoring_round, member=principal
            ).exists():
                raise Conflict(_("Bạn đã chấm điểm mô hình này trong vòng chấm hiện tại."))
            raise NotAllowed(_("Bạn không có nhiệm vụ chấm điểm mô hình này."))
        raise Conflict()
    if task.owner_id not in (None, principal.pk):
        raise Conflict(_("Nhiệm vụ đang do %(owner)s xử lý.") % {"owner": task.owner})
    return task


def _complete(task, ctx: Context) -> None:
    """Finish the viewflow task.

    The initiative's row lock, held since the door took it, already serialises everything done
    to its process (every writer comes through the door or the task services), so viewflow's
    own process lock would only add a savepoint and two queries. The process and initiative
    already loaded are handed to the activation so the next step does not read them again.
    """
    initiative, principal, actor = ctx.subject, ctx.principal, ctx.actor
    process = initiative.process
    process.initiative = initiative
    task.process = process
    task.initiative = initiative
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        # Taken from the queue: viewflow's assign saves the task, and execute saves it again
        # (every column, the owner too) a moment later in this transaction; the first save
        # would be a round trip for nothing (InitiativeTask.save).
        task.save_later = True
        try:
            activation.assign(principal)
        finally:
            task.save_later = False
        task.assigned = timezone.now()
    activation.start(None)
    task.action = ctx.action.name
    task.finished_by = actor
    task.on_behalf_of = principal if principal.pk != actor.pk else None
    task.comment = ctx.comment
    activation.execute()


def _cancel_process(initiative) -> None:
    process = initiative.process
    with InitiativeFlow.lock(process.pk):
        for task in process.task_set.filter(status__in=ACTIVE):
            task.flow_task.activation_class(task).cancel()
        process.status = PROCESS.CANCELED
        process.finished = timezone.now()
        process.save(update_fields=["status", "finished"])


def _quorum_reached(initiative) -> list[Message]:
    """The leader hears once, from the score that reaches the quorum (not from later ones)."""
    scored = initiative.scorecards.filter(round=initiative.scoring_round).count()
    if scored != initiative.campaign.quorum:
        return []
    messages = []
    for task in InitiativeTask.objects.filter(
        initiative=initiative, role=Role.COMMITTEE_LEADER, status__in=ACTIVE
    ).select_related("scope_unit"):
        if task.owner_id:
            messages.append(Message(task.owner_id, "quorum", task.pk))
        elif task.scope_unit_id:
            for pk in people_with_role_over(task.scope_unit, task.role).values_list(
                "pk", flat=True
            ):
                messages.append(Message(pk, "quorum", task.pk))
    return messages
