"""Tasks: claim one from the queue, put it back, or (a committee leader) hand it to someone.

Scope comes first: a task of an initiative outside the person's scope is "not found" whatever
its state, so neither its existence nor where it stands leaks."""

from __future__ import annotations

import functools

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from core.errors import Conflict, InvalidData, NotAllowed
from core.request import NO_META, RequestMeta
from notifications.services import Message, enqueue

from .. import access, audit
from ..engine.door import is_lock_conflict
from ..flows import InitiativeFlow
from ..lifecycle.actions import ACTIONS
from ..lifecycle.kind import INITIATIVE
from ..models import InitiativeTask


def _task_transaction(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except DatabaseError as exc:
            if is_lock_conflict(exc):
                raise Conflict() from exc
            raise

    return wrapper


def _lock_task(task_id: int, actor) -> InitiativeTask:
    task = access.task_in_scope(actor, task_id)
    task.initiative = INITIATIVE.lock(task.initiative_id)
    task.refresh_from_db(fields=["status", "owner"])
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED) or not task.role:
        raise Conflict(_("Nhiệm vụ đã được xử lý xong hoặc đã hủy."))
    return task


def _action_of(task):
    return ACTIONS[task.flow_task.actions[0]]


def _may_hold(task, person) -> bool:
    """The person holds the task's role over the initiative and no separation-of-duties rule
    bars them from its action."""
    action = _action_of(task)
    return (
        action.barred(task.initiative, person) is None
        and access.role_membership(task.initiative, person, action) is not None
    )


def _is_score(task) -> bool:
    return task.flow_task is InitiativeFlow.instance.score


@_task_transaction
def claim_task(task_id: int, *, actor, meta: RequestMeta = NO_META) -> InitiativeTask:
    """Take a task from the queue into my inbox (or into the inbox of whom I stand in for)."""
    task = _lock_task(task_id, actor)
    found = access.acting(task.initiative, actor, _action_of(task))
    if found is None:
        raise NotAllowed(_("Bạn không thể nhận nhiệm vụ này."))
    if task.owner_id is not None:
        raise Conflict(_("Nhiệm vụ đã có người nhận."))
    _set_owner(task, found.principal, action="claim", actor=actor, meta=meta)
    return task


@_task_transaction
def release_task(task_id: int, *, actor, meta: RequestMeta = NO_META) -> InitiativeTask:
    """Put a task I hold (or hold for someone on leave) back in the queue."""
    task = _lock_task(task_id, actor)
    if task.owner_id is None:
        raise Conflict(_("Nhiệm vụ chưa có người nhận."))
    if task.owner_id not in {p.pk for p in access.principals(actor)}:
        raise NotAllowed(_("Chỉ người đang giữ nhiệm vụ mới trả lại được."))
    if _is_score(task):
        raise NotAllowed(
            _("Nhiệm vụ chấm điểm gắn với từng thành viên hội đồng, không trả lại được.")
        )
    _set_owner(task, None, action="release", actor=actor, meta=meta)
    return task


@_task_transaction
def reassign_task(task_id: int, *, actor, to_user, meta: RequestMeta = NO_META) -> InitiativeTask:
    """A committee leader (or their substitute) hands a task to another person who may hold it."""
    task = _lock_task(task_id, actor)
    if not access.leads_committee(actor, task.initiative.campaign.committee_id):
        raise NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới giao lại nhiệm vụ."))
    if _is_score(task):
        raise NotAllowed(
            _("Nhiệm vụ chấm điểm gắn với từng thành viên hội đồng, không giao lại được.")
        )
    if to_user is None or not to_user.is_active or not _may_hold(task, to_user):
        raise InvalidData(
            _("Người được giao không có vai trò phù hợp với nhiệm vụ này."),
            field_errors={"to_user": [_("Người này không thể nhận nhiệm vụ.")]},
        )
    _set_owner(task, to_user, action="reassign", actor=actor, meta=meta)
    return task


def _set_owner(task, owner, *, action, actor, meta) -> None:
    before = task.owner_id
    task.owner = owner
    task.status = STATUS.ASSIGNED if owner else STATUS.NEW
    task.assigned = timezone.now() if owner else None
    task.save(update_fields=["owner", "status", "assigned"])
    if owner is not None and owner.pk != actor.pk:
        enqueue(
            event="task_assigned",
            subject_id=task.initiative_id,
            messages=[Message(owner.pk, "task", task.pk)],
            payload={"title": task.initiative.title, "actor": str(actor), "task": task.pk},
        )
    state = task.initiative.state
    audit.append(
        committee_id=task.initiative.campaign.committee_id,
        initiative_id=task.initiative_id,
        actor_id=actor.pk,
        action=action,
        from_state=state,
        to_state=state,
        changes={"task": [task.pk, task.pk], "owner": [before, owner.pk if owner else None]},
        role=task.role,
        unit_id=task.scope_unit_id,
        on_behalf_of_id=owner.pk if action == "claim" and owner.pk != actor.pk else None,
        request_id=meta.request_id,
        ip=meta.ip,
    )
