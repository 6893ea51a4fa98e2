"""A kind of process: what the one door needs to know about a subject it moves.

A kind brings its FSM model (the subject), its registry of actions and its access rule; it may
hold tasks (a viewflow flow) and say who is told. The door (engine.door) does the rest the same
way for every kind: lock, access, state, reason, prepare, conditions, transition, record,
tasks, outbox, audit, in one transaction.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection

from core import sql
from core.errors import NotFound

from .actions import Context, Registry


class ProcessKind:
    name: str = ""  # the subject type written on audit and outbox rows
    model: Any = None
    actions: Registry

    # ---- Finding and locking the subject
    def lock(self, subject_id: int, actor=None, action=None):
        """The subject's row, locked NOWAIT (the loser of a race gets Conflict at once), with
        its `related` rows; in the same round trip, the kind's `reads_with_lock` (their rows
        are left in `read_with_lock(subject)`)."""
        if connection.vendor == "postgresql":
            statement = _lock_statement(self.model, tuple(self.related))
            if statement is not None:
                reads = self.reads_with_lock(subject_id, actor, action) if actor else {}
                sets = sql.fetch_sets([(statement.sql, {"subject": subject_id}), *reads.values()])
                if not sets[0]:
                    raise NotFound()
                subject = statement.build(sets[0][0])
                subject.__dict__[_READ_WITH_LOCK] = dict(zip(reads, sets[1:], strict=True))
                return subject
        try:
            return (
                self.model.objects.select_for_update(nowait=True, of=("self",))
                .select_related(*self.related)
                .get(pk=subject_id)
            )
        except self.model.DoesNotExist:
            raise NotFound() from None

    def reads_with_lock(self, subject_id: int, actor, action) -> dict[str, tuple[str, dict]]:
        """Statements that need only the subject's id, the person and the action, sent with the
        lock in one round trip: {name: (sql, named parameters)}. Their rows are read under the
        lock (each statement runs after the one before it)."""
        return {}

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

    def audit_chain(self, subject) -> int | None:
        """The committee whose audit chain the subject's entries go to (decision 0014): the
        committee it belongs to; None (the global chain) for a subject that has none."""
        return getattr(subject, "committee_id", None)

    def audit_role(self, ctx: Context) -> dict:
        membership = ctx.membership
        return {
            "role": getattr(membership, "role", "") or "",
            "unit_id": getattr(membership, "unit_id", None),
        }

    def condition_errors(self, condition, subject) -> dict:
        """Field errors to show with a failed FSM condition (none by default)."""
        return {}


_READ_WITH_LOCK = "_read_with_lock"


def read_with_lock(subject) -> dict[str, list]:
    """The rows `reads_with_lock` read with this subject's lock ({} when they were not read:
    another database, or a subject that did not come from the door's lock)."""
    return subject.__dict__.get(_READ_WITH_LOCK, {})


class _LockStatement:
    """`select_for_update(nowait=True, of=("self",)).select_related(*related).get(pk=…)`,
    written once per kind: the same statement and the same instances, without building and
    compiling the queryset on every action."""

    def __init__(self, model, joins: list) -> None:
        self.model = model
        self.joins = joins  # (relation, model, left join?, forward?)
        meta = model._meta
        select = [sql.columns(model, "s")]
        tables = [f'"{meta.db_table}" s']
        for i, (relation, other, optional, forward) in enumerate(joins):
            alias = f"r{i}"
            select.append(sql.columns(other, alias))
            if forward:
                on = f'{alias}."{other._meta.pk.column}" = s."{relation.column}"'
            else:
                on = f'{alias}."{relation.field.column}" = s."{meta.pk.column}"'
            join = "LEFT JOIN" if optional else "JOIN"
            tables.append(f'{join} "{other._meta.db_table}" {alias} ON {on}')
        self.sql = (
            f"SELECT {', '.join(select)} FROM {' '.join(tables)} "
            f'WHERE s."{meta.pk.column}" = %(subject)s FOR UPDATE OF s NOWAIT'
        )

    def build(self, row):
        subject = sql.load(self.model, row)
        start = sql.loader(self.model).width
        for relation, other, _optional, forward in self.joins:
            load = sql.loader(other)
            related = load(row, start) if load.present(row, start) else None
            start += load.width
            relation.set_cached_value(subject, related)
            if related is not None and (relation.one_to_one or not forward):
                # The other side of a one-to-one knows its subject too, as select_related does.
                relation.remote_field.set_cached_value(related, subject)
        return subject


@functools.cache
def _lock_statement(model, related: tuple[str, ...]) -> _LockStatement | None:
    """None when a relation is not a direct one (a path like "a__b"): the queryset then."""
    joins = []
    for name in related:
        if "__" in name:
            return None
        relation = model._meta.get_field(name)
        if relation.many_to_one or (relation.one_to_one and relation.concrete):
            joins.append((relation, relation.related_model, relation.null, True))
        elif relation.one_to_one:  # the reverse side of another model's one-to-one
            joins.append((relation, relation.related_model, True, False))
        else:
            return None
    return _LockStatement(model, joins)
