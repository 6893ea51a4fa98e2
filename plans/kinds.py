"""The two kinds of process of this app, for the engine's one door (workflows.engine.door):
a committee's plan, and a unit's filing (implementing plan or periodic report). Each brings its
FSM model, its registry of actions, its access rule (plans.access) and who is told; the door,
the audit trail and the outbox are the registration lifecycle's."""

from __future__ import annotations

from django.db.models import Q

from notifications.services import Message
from units.models import Membership, Role
from workflows.engine.actions import Context
from workflows.engine.kinds import ProcessKind

from . import access
from . import actions as a
from .models import Filing, Plan


def _people(unit_ids, roles) -> list[int]:
    return list(
        Membership.objects.filter(
            unit_id__in=list(unit_ids), role__in=list(roles), is_active=True, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


class PlanKind(ProcessKind):
    name = "plan"
    model = Plan
    actions = a.PLAN_ACTIONS
    related = ("committee",)
    touched_fields = ("updated",)

    def event(self, action) -> str:
        return f"plan_{action.name}"

    def require_acting(self, subject, actor, action):
        return access.require_acting(subject, actor, action)

    def finish(self, ctx: Context) -> None:
        if ctx.action.name == "issue":
            from .services import open_plan_filings

            ctx.extra["filings"] = open_plan_filings(ctx.subject)
            ctx.changes["filings"] = [None, len(ctx.extra["filings"])]

    def messages(self, ctx: Context) -> list[Message]:
        plan = ctx.subject
        out: list[Message] = []
        for audience in ctx.action.told:
            if audience == a.COMMITTEE_LEADERS:
                out += [
                    Message(pk, "plan_task")
                    for pk in _people([plan.committee_id], [Role.COMMITTEE_LEADER])
                ]
            elif audience == a.SUBMITTER and plan.submitted_by_id:
                out.append(Message(plan.submitted_by_id, "plan_returned"))
            elif audience == a.TARGET_UNITS:
                units = [f.unit_id for f in ctx.extra.get("filings", ())]
                out += [
                    Message(pk, "plan_issued")
                    for pk in _people(units, [Role.UNIT_STAFF, Role.UNIT_HEAD])
                ]
        return out

    def payload(self, ctx: Context) -> dict:
        plan = ctx.subject
        return {
            "title": str(plan),
            "state": plan.state,
            "actor": str(ctx.actor),
            "comment": ctx.comment,
            "deadline": plan.deadline.strftime("%d/%m/%Y"),
            "plan_id": plan.pk,
        }


class FilingKind(ProcessKind):
    name = "filing"
    model = Filing
    actions = a.FILING_ACTIONS
    related = ("unit", "committee", "plan", "period")
    touched_fields = ("updated",)

    def event(self, action) -> str:
        return f"filing_{action.name}"

    def require_acting(self, subject, actor, action):
        return access.require_acting(subject, actor, action)

    def begin(self, ctx: Context) -> None:
        if ctx.action.name == "submit" and ctx.subject.period_id:
            # The figures the system knows are computed again as the unit submits, so the head
            # signs what the data said on that day beside what the unit typed.
            from .services import refresh_prefilled

            refresh_prefilled(ctx.subject)

    def messages(self, ctx: Context) -> list[Message]:
        filing = ctx.subject
        out: list[Message] = []
        for audience in ctx.action.told:
            if audience == a.UNIT_HEADS:
                heads = Membership.objects.filter(
                    Q(unit__path__in=filing.unit.ancestor_paths()),
                    role=Role.UNIT_HEAD,
                    is_active=True,
                    user__is_active=True,
                ).values_list("user_id", flat=True)
                out += [Message(pk, "plan_task") for pk in heads]
            elif audience == a.SUBMITTER and filing.submitted_by_id:
                out.append(Message(filing.submitted_by_id, "plan_returned"))
            elif audience == a.COMMITTEE_STAFF:
                out += [
                    Message(pk, "plan_task")
                    for pk in _people(
                        [filing.committee_id], [Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER]
                    )
                ]
            elif audience == a.UNIT:
                out += [
                    Message(pk, "plan_unit")
                    for pk in _people([filing.unit_id], [Role.UNIT_STAFF, Role.UNIT_HEAD])
                ]
        return out

    def payload(self, ctx: Context) -> dict:
        filing = ctx.subject
        return {
            "title": str(filing),
            "state": filing.state,
            "actor": str(ctx.actor),
            "comment": ctx.comment,
            "unit": filing.unit.name,
            "unit_id": filing.unit_id,
            "due": filing.due_on.strftime("%d/%m/%Y"),
        }


PLAN = PlanKind()
FILING = FilingKind()
