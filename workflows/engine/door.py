"""The one door (ARCHITECTURE.md): every action of every kind of process goes through
`perform`. In one transaction it locks the subject, checks the access rule (404 outside one's
scope, 403 for a role or a separation-of-duties rule), checks the state and the reason, runs
the action's `prepare`, the FSM conditions and the transition, the action's `record`, the
kind's task hooks, writes the outbox rows and, last, the audit entry.
"""

from __future__ import annotations

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core import sql
from core.errors import (
    ConditionFailed,
    Conflict,
    DomainError,
    ReasonRequired,
    UnknownAction,
    WrongState,
)
from core.metrics import CONFLICT, DONE, REFUSED, count_transition
from core.request import NO_META, RequestMeta
from notifications.services import enqueue_deferred

from .. import audit
from ..recording import snapshot
from .actions import Context
from .kinds import ProcessKind


def perform(
    kind: ProcessKind,
    subject_id: int,
    action: str,
    *,
    actor,
    comment: str = "",
    meta: RequestMeta = NO_META,
    **data,
):
    """Lock, check, transition, record, tell, audit — or raise a core.errors.DomainError.

    A person who loses the race for the subject's row lock gets Conflict at once (NOWAIT)."""
    spec = kind.actions.get(action)
    if spec is None:
        raise UnknownAction()
    # Counted by outcome (/metrics); an unknown action is not, so callers cannot grow the labels.
    # When the door owns the transaction, it runs once more if the server lost the connection's
    # prepared statements (core.sql: a DEALLOCATE ALL): the first try was rolled back whole.
    tries = 1 if connection.in_atomic_block else 2
    try:
        for attempt in range(1, tries + 1):
            try:
                with transaction.atomic():
                    commits = sql.may_carry_commit()  # nothing runs after _perform in this block
                    subject = _perform(
                        kind, subject_id, spec, actor, (comment or "").strip(), meta, data, commits
                    )
                break
            except DatabaseError as exc:
                if attempt == tries or not _lost_prepared(exc):
                    raise
    except DatabaseError as exc:
        if isinstance(exc, IntegrityError) or is_lock_conflict(exc):
            count_transition(kind.name, action, CONFLICT)
            raise Conflict() from exc
        raise
    except DomainError as exc:
        count_transition(kind.name, action, CONFLICT if isinstance(exc, Conflict) else REFUSED)
        raise
    count_transition(kind.name, action, DONE)
    return subject


def _save(subject, fields: list[str], from_state: str) -> None:
    """`subject.save(update_fields=fields)`, with ConcurrentTransitionMixin's guard (the row is
    still in the state the transition started from) in one statement written once; when it
    matches no row, the model's own save runs and raises what the mixin raises."""
    if sql.update(subject, fields, expect={"state": from_state}):
        update_initial_state = getattr(subject, "_update_initial_state", None)
        if update_initial_state is not None:  # what the mixin's save does after saving
            update_initial_state()
        return
    subject.save(update_fields=fields)


def _sqlstate(exc: DatabaseError) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def _lost_prepared(exc: DatabaseError) -> bool:
    """26000 invalid_sql_statement_name (EXECUTE of a statement the server no longer has),
    42P05 duplicate_prepared_statement: what core.sql knew of the connection was wrong; it
    has forgotten it and reads it back before the next statement."""
    return _sqlstate(exc) in sql.LOST


def is_lock_conflict(exc: DatabaseError) -> bool:
    # 55P03 lock_not_available (NOWAIT), 40001 serialization failure, 40P01 deadlock; SQLite
    # says "database is locked".
    return _sqlstate(exc) in {"55P03", "40001", "40P01"} or "database is locked" in str(exc)


def _perform(kind, subject_id, action, actor, comment, meta, data, commits=False):
    subject = kind.lock(subject_id, actor, action)
    acting = kind.require_acting(subject, actor, action)
    method = getattr(subject, action.method)
    if action.not_applicable and not action.applies_to(subject):
        message = action.not_applicable
        raise WrongState(message(subject) if callable(message) else message)
    if not can_proceed(method, check_conditions=False) or not action.applies_to(subject):
        raise WrongState(
            _("Không thể “%(action)s” khi đang ở trạng thái “%(state)s”.")
            % {"action": action.label, "state": subject.get_state_display()}
        )
    if action.needs_reason and not comment:
        raise ReasonRequired(
            _("Cần nêu lý do khi “%(action)s”.") % {"action": action.label},
            field_errors={"comment": [_("Cần nêu lý do.")]},
        )
    ctx = Context(
        kind=kind,
        subject=subject,
        action=action,
        actor=actor,
        principal=acting.principal,
        membership=acting.membership,
        comment=comment,
        data=data,
    )
    kind.begin(ctx)
    before = snapshot(subject)
    from_state = subject.state
    kwargs = action.prepare(ctx)
    transition = method._django_fsm.get_transition(subject.state)
    for condition in transition.conditions:
        if not condition(subject):
            raise ConditionFailed(
                condition.message, field_errors=kind.condition_errors(condition, subject)
            )
    method(**kwargs)
    after = snapshot(subject)
    ctx.changes.update({k: [before[k], after[k]] for k in after if before[k] != after[k]})
    fields = [k for k in ctx.changes if k != "state"]
    _save(subject, [*fields, "state", *kind.touched_fields], from_state)
    action.record(ctx)
    kind.finish(ctx)
    messages = [m for m in kind.messages(ctx) if m.recipient_id != actor.pk]
    outbox = None
    if messages or action.told:
        # Its rows are sent with the chain head's lock, in one round trip (core.sql.Deferred).
        outbox = enqueue_deferred(
            event=kind.event(action),
            subject_type=kind.name,
            subject_id=subject.pk,
            messages=messages,
            payload=kind.payload(ctx),
        )
    # Last: the chain head's row lock serialises every transition in the committee, so it is
    # taken just before COMMIT and held as briefly as possible (ARCHITECTURE.md, 0014). When
    # the door's transaction is the outermost one, the entry's statement carries the COMMIT.
    audit.append(
        along=[outbox] if outbox is not None else [],
        commit=commits,
        committee_id=kind.audit_chain(subject),
        **kind.audit_subject(subject),
        **kind.audit_role(ctx),
        actor_id=actor.pk,
        action=action.name,
        from_state=from_state,
        to_state=subject.state,
        comment=comment,
        changes=ctx.changes,
        on_behalf_of_id=ctx.principal.pk if ctx.principal.pk != actor.pk else None,
        request_id=meta.request_id,
        ip=meta.ip,
    )
    return subject
