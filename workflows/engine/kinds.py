"""A kind of process: what the one door needs to know about a subject it moves.

A kind brings its FSM model (the subject), its registry of actions and its access rule; it may
hold tasks (a viewflow flow) and say who is told. The door (engine.door) does the rest the same
way for every kind: lock, access, state, reason, prepare, conditions, transition, record,
tasks, outbox, audit, in one transaction.
"""

from __future__ import annotations

from typing import Any

from core.errors import NotFound

from .actions import Context, Registry


class ProcessKind:
    name: str = ""  # the subject type written on audit and outbox rows
    model: Any = None
    actions: Registry

    # ---- Finding and locking the subject
    def lock(self, subject_id: int):
        """The subject's row, locked NOWAIT (the loser of a race gets Conflict at once)."""
        try:
            return (
                self.model.objects.select_for_update(nowait=True, of=("self",))
                .select_related(*self.related)
                .get(pk=subject_id)
            )
        except self.model.DoesNotExist:
            raise NotFound() from None

    related: tuple[str, ...] = ()  # loaded with the lock
    touched_fields: tuple[str, ...] = ()  # saved with every transition (e.g. "updated")

    # ---- The access rule: returns who the action is done as, or raises NotFound/NotAllowed
    def require_acting(self, subject, actor, action):
        raise NotImplementedError

    # ---- Hooks around the transition (tasks, for kinds that have them)
    def begin(self, ctx: Context) -> None:
        """Before the transition: find the task the action completes (or refuse)."""

    def finish(self, ctx: Context) -> None:
        """After the transition: complete the task, open the next ones."""

    # ---- Who is told, and what their message carries
    def event(self, action) -> str:
        """The outbox event (and so the sentence) of an action; kinds whose action names repeat
        another kind's ("submit") prefix them."""
        return action.name

    def messages(self, ctx: Context) -> list:
        return []

    def payload(self, ctx: Context) -> dict:
        return {"title": str(ctx.subject), "state": ctx.subject.state, "actor": str(ctx.actor)}

    # ---- The audit entry
    def audit_subject(self, subject) -> dict:
        return {"subject_type": self.name, "subject_id": subject.pk}

    def audit_role(self, ctx: Context) -> dict:
        membership = ctx.membership
        return {
            "role": getattr(membership, "role", "") or "",
            "unit_id": getattr(membership, "unit_id", None),
        }

    def condition_errors(self, condition, subject) -> dict:
        """Field errors to show with a failed FSM condition (none by default)."""
        return {}
