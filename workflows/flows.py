"""Who holds which task (viewflow). What is legal is the FSM's business (Initiative's methods).

Each human node (`Step`) stands for one lifecycle state, is held by one role, and completes
by exactly one FSM action; its next node is picked from the action that was performed, so
no gateway rows are written between steps. tests/workflows/test_graphs.py walks this graph
and the FSM's together and fails when they disagree.
"""

from __future__ import annotations

import datetime
import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.flow.views import UpdateProcessView
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from core import sql
from units.models import COMMITTEE_ROLES, Role
from units.selectors import role_holder_ids

from .lifecycle.actions import ACTIONS
from .models import InitiativeProcess, InitiativeTask, State

# The human tasks the current pass through the door opens (see `collecting_new_tasks`).
_new_tasks: ContextVar[list | None] = ContextVar("new_tasks", default=None)


@contextmanager
def collecting_new_tasks():
    """Hand back the human tasks created inside the block (as they were saved), so the door
    need not read them again to tell their holders."""
    created: list = []
    token = _new_tasks.set(created)
    try:
        yield created
    finally:
        _new_tasks.reset(token)


@functools.cache
def _previous_link() -> tuple:
    """The many-to-many row `task.previous.add(prior)` writes: (table's model, task, prior)."""
    field = InitiativeTask._meta.get_field("previous")
    return field.remote_field.through, field.m2m_column_name(), field.m2m_reverse_name()


class StepActivation(ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        process = prev_activation.process
        initiative = process.initiative
        task = flow_task.flow_class.task_class(
            process=process,
            flow_task=flow_task,
            token=token,
            initiative=initiative,
            role=flow_task.role,
            scope_unit_id=(
                initiative.unit_id
                if flow_task.role in (Role.UNIT_STAFF, Role.UNIT_HEAD)
                else initiative.campaign.committee_id
            ),
            due_at=flow_task.due_at(initiative),
        )
        task.data = data if data is not None else {}
        activation = cls(task)
        owner = flow_task.pick_owner(activation)
        if owner is not None:
            task.owner_id = getattr(owner, "pk", owner)
            task.assigned = timezone.now()
            task.status = STATUS.ASSIGNED
        task.flow_task_type = flow_task.task_type
        # The task and its link to the one before it, in one statement.
        if not sql.insert(task, link=(*_previous_link(), prev_activation.task.pk)):
            task.save()
            task.previous.add(prev_activation.task)
        created = _new_tasks.get()
        if created is not None:
            created.append(task)
        return activation

    @Activation.status.transition(source=STATUS.DONE)
    def create_next(self):
        # The door records which action completed the task; the route for it is the next node.
        next_node = self.flow_task.route(self.task.action)
        yield next_node._create(self, self.task.token)


class Step(flow.View):
    """A human task: one lifecycle state, one role, one FSM action per completion."""

    activation_class = StepActivation

    def __init__(self, *, state: str, routes: dict, title, due=None, owner=None):
        super().__init__(UpdateProcessView.as_view(fields=[]))
        self.state = state
        # Who holds the task is the role of the actions that complete it (the registry's).
        roles = {role for action in routes for role in ACTIONS[action].roles}
        if len(roles) != 1:
            raise ValueError(f"the actions {sorted(routes)} of one step need one role: {roles}")
        self.role = roles.pop()
        self._routes = routes
        self._due = due
        self._pick_owner = owner
        self.task_title = title

    def _resolve(self, instance):
        super()._resolve(instance)
        self._routes = {
            action: this.resolve(instance, node) for action, node in self._routes.items()
        }

    def _outgoing(self):
        for node in self._routes.values():
            yield Edge(src=self, dst=node, edge_class="next")

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self._routes)

    def route(self, action: str):
        return self._routes[action]

    def due_at(self, initiative) -> datetime.datetime | None:
        if self._due is None:
            return None
        return self._due(initiative)

    def pick_owner(self, activation) -> int | None:
        """The id of the person the new task goes to, or None to leave it in the queue."""
        if self._pick_owner is not None:
            return self._pick_owner(activation)
        # One eligible person: the task is theirs at once; several: it waits in their queue.
        candidates = eligible_holders(activation.process, self.role)
        if len(candidates) != 1:
            return None
        # Not to whoever sent the registration (or sent it for someone): they may not sign it
        # off, so it waits in the queue for another holder instead of in their inbox.
        initiative = activation.process.initiative
        if candidates[0] in (initiative.submitted_by_id, initiative.submitted_via_id):
            return None
        return candidates[0]


class CouncilSplitActivation(SplitActivation):
    """One `score` branch per council member (data carries the member), plus the leader's
    `close_scoring` branch. viewflow's free Split does not expand per-item branches itself."""

    @Activation.status.super()
    def activate(self):
        initiative = self.process.initiative
        members = initiative.campaign.council.order_by("pk").values_list("pk", flat=True)
        for member_id in members:
            self.next_tasks.append((self.flow_task.member_node, {"member": member_id}))
        self.next_tasks.append((self.flow_task.close_node, {}))


class CouncilSplit(flow.Split):
    activation_class = CouncilSplitActivation

    def __init__(self, *, member_node, close_node, **kwargs):
        super().__init__(**kwargs)
        self.member_node = member_node
        self.close_node = close_node
        self.Next(member_node).Next(close_node)

    def _resolve(self, instance):
        super()._resolve(instance)
        self.member_node = this.resolve(instance, self.member_node)
        self.close_node = this.resolve(instance, self.close_node)


def _days_from_now(days_of):
    def due(initiative) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(days=days_of(initiative.campaign))

    return due


def _registration_deadline(initiative) -> datetime.datetime:
    deadline = initiative.campaign.registration_deadline
    return timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(23, 59)))


def _end_of_year(initiative) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(initiative.year, 12, 31, 23, 59))


def eligible_holders(process, role: str) -> list[int]:
    """Ids of the people who may hold a task of `role` on this process's initiative.

    Remembered on the process object for the rest of the transaction: the door asks twice,
    once to give the new task an owner and once to tell its holders (workflows.services)."""
    cache = process.__dict__.setdefault("_eligible_holders", {})
    if role not in cache:
        initiative = process.initiative
        # Committee roles are held in the campaign's committee: for a nomination from a lower
        # level that is not the committee covering the model's unit (workflows.levels). For a
        # registration it is, and the unit (loaded with the lock) says which without a read.
        nomination = initiative.nominated_from_id is not None
        in_campaign = role in COMMITTEE_ROLES and nomination
        unit = initiative.campaign.committee if in_campaign else initiative.unit
        cache[role] = role_holder_ids(unit, role)
    return cache[role]


def _drafter(activation) -> int:
    """The draft goes back to whoever submitted it, or first to whoever created it."""
    initiative = activation.process.initiative
    return initiative.submitted_by_id or initiative.created_by_id


def _council_member(activation) -> int:
    return activation.task.data["member"]


class InitiativeFlow(flow.Flow):
    process_class = InitiativeProcess
    task_class = InitiativeTask
    lock_impl = lock.select_for_update_lock
    process_title = _("Bình xét mô hình, điển hình Dân vận khéo")

    start = flow.StartHandle(this.start_process).Next(this.prepare)
    # A lower committee's nomination enters the higher committee's lifecycle at screening.
    start_nomination = flow.StartHandle(this.start_process).Next(this.screening)

    prepare = Step(
        state=State.DRAFT,
        title=_("Hoàn thiện và gửi đăng ký"),
        routes={"submit": this.review},
        due=_registration_deadline,
        owner=_drafter,
    )
    review = Step(
        state=State.UNIT_REVIEW,
        title=_("Thủ trưởng duyệt, ký"),
        routes={"approve": this.screening, "return": this.prepare},
        due=_days_from_now(lambda c: c.review_days),
    )
    screening = Step(
        state=State.SCREENING,
        title=_("Thẩm định đăng ký"),
        routes={
            "accept": this.implement,
            "send_back": this.prepare,
            "accept_nomination": this.scoring,
            "return_nomination": this.returned,
        },
        due=_days_from_now(lambda c: c.screening_days),
    )
    implement = Step(
        state=State.IMPLEMENTING,
        title=_("Báo cáo kết quả, đề nghị công nhận"),
        routes={"nominate": this.scoring},
        due=_end_of_year,
    )
    scoring = CouncilSplit(member_node=this.score, close_node=this.close_scoring)
    score = Step(
        state=State.SCORING,
        title=_("Chấm điểm"),
        routes={"score": this.scoring_join},
        due=_days_from_now(lambda c: c.scoring_days),
        owner=_council_member,
    )
    close_scoring = Step(
        state=State.SCORING,
        title=_("Kết thúc chấm điểm"),
        routes={"close_scoring": this.scoring_join},
        due=_days_from_now(lambda c: c.scoring_days),
    )
    # The leader's close ends the round: members who have not scored lose their tasks.
    scoring_join = flow.Join(continue_on_condition=this.scoring_closed).Next(this.decide)
    decide = Step(
        state=State.DECIDING,
        title=_("Quyết định công nhận"),
        routes={"recognize": this.commend, "reject": this.rejected, "reopen_scoring": this.scoring},
        due=_days_from_now(lambda c: c.deciding_days),
    )
    commend = Step(
        state=State.RECOGNIZED,
        title=_("Ghi nhận khen thưởng"),
        routes={"commend": this.commended},
        due=_days_from_now(lambda c: c.commending_days),
    )
    commended = flow.End()
    rejected = flow.End()
    returned = flow.End()

    def start_process(self, activation, initiative):
        activation.process.initiative = initiative
        return activation.process

    def scoring_closed(self, activation, active_tasks) -> bool:
        return not active_tasks.filter(flow_task=self.close_scoring).exists()

    @classmethod
    def steps(cls) -> list[Step]:
        return [node for node in cls.instance.nodes() if isinstance(node, Step)]

    @classmethod
    def step_for_action(cls, action: str, state: str) -> Step | None:
        return _steps_by_action_and_state().get((action, state))


@functools.cache
def _steps_by_action_and_state() -> dict[tuple[str, str], Step]:
    """The flow's nodes are static: which step an action completes in a state is worked out
    once per process, not by walking the nodes on every action."""
    found: dict[tuple[str, str], Step] = {}
    for node in InitiativeFlow.steps():
        for action in node.actions:
            found.setdefault((action, node.state), node)
    return found
