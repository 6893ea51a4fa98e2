"""Reads over the unit tree. Each function costs a fixed number of queries, whatever the tree."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.lookups import In

from core import sql

from .models import COMMITTEE_ROLES, Membership, Role, Unit

User = get_user_model()


def subtree(unit: Unit, *, include_self: bool = True) -> QuerySet[Unit]:
    """The unit and everything under it: one indexed prefix query."""
    qs = Unit.objects.filter(path__startswith=unit.path)
    if not include_self:
        qs = qs.exclude(pk=unit.pk)
    return qs.order_by("path")


def _committee_candidates(unit: Unit) -> Q:
    # A committee at depth d evaluates the subtree of its parent, so it serves `unit` when its
    # parent is an ancestor-or-self of `unit`; a root committee serves its own subtree.
    clauses = [Q(depth=1, path=unit.path[: Unit.steplen])]
    for depth, prefix in enumerate(unit.ancestor_paths(), start=2):
        clauses.append(Q(depth=depth, path__startswith=prefix))
    return Q(is_committee=True) & reduce(or_, clauses)


def committee_of(unit: Unit) -> Unit | None:
    """The Ban Dân vận that evaluates `unit` (the nearest one), or None when there is none."""
    return Unit.objects.filter(_committee_candidates(unit)).order_by("-depth").first()


def committees_of(units: Iterable[Unit]) -> dict[int, Unit | None]:
    """committee_of for many units in one query."""
    units = list(units)
    if not units:
        return {}
    candidates = list(
        Unit.objects.filter(reduce(or_, (_committee_candidates(u) for u in units))).order_by(
            "-depth"
        )
    )
    result: dict[int, Unit | None] = {}
    for unit in units:
        result[unit.pk] = next(
            (c for c in candidates if unit.path.startswith(c.covered_path)), None
        )
    return result


def parent_committee(committee: Unit) -> Unit | None:
    """The committee one level up: the one that evaluates the unit whose subtree `committee`
    evaluates (a commune's Ban Dân vận → the province's; a province's → a national one, when
    the tree has one). None at the top. Nothing about levels is hard-coded: it is the tree."""
    owner_path = committee.covered_path
    if len(owner_path) <= Unit.steplen:
        return None  # the committee evaluates a root's subtree: nothing above it
    above = Unit(path=owner_path[: -Unit.steplen], depth=len(owner_path) // Unit.steplen - 1)
    return committee_of(above)


def lower_committees(committee: Unit) -> list[Unit]:
    """Active committees whose parent committee is `committee` (one query plus the check)."""
    nested = Unit.objects.filter(
        is_committee=True, is_active=True, path__startswith=committee.covered_path
    ).exclude(pk=committee.pk)
    found = []
    for candidate in nested.order_by("path"):
        parent = parent_committee(candidate)
        if parent is not None and parent.pk == committee.pk:
            found.append(candidate)
    return found


def units_covered_by(committee: Unit) -> QuerySet[Unit]:
    """Units this committee evaluates: its parent's subtree, less what nearer committees cover."""
    return Unit.objects.filter(covered_q(committee)).order_by("path")


def covered_q(committee: Unit) -> Q:
    """units_covered_by's condition over units, for a query on units that needs no subquery."""
    base = committee.covered_path
    nested = Unit.objects.filter(is_committee=True, path__startswith=base).exclude(pk=committee.pk)
    q = Q(path__startswith=base)
    # Nested committees' covered subtrees go to them. Done in Python over the (few) nested
    # committees so the exclusion stays one indexed query.
    excluded = sorted(
        {c.covered_path for c in nested.only("path", "depth") if c.covered_path != base}
    )
    # One IN list per prefix length, not one NOT LIKE per nested committee: a province has
    # about a hundred communes; a hundred lookups cost ~10 ms to build and compile on every
    # page, and PostgreSQL checks a constant IN list with a hash.
    by_length: dict[int, list[str]] = {}
    for prefix in excluded:
        by_length.setdefault(len(prefix), []).append(prefix)
    for length, prefixes in sorted(by_length.items()):
        q &= ~Q(In(Substr("path", 1, length), prefixes))
    return q


def is_unit_covered_by(unit: Unit, committee: Unit) -> bool:
    found = committee_of(unit)
    return found is not None and found.pk == committee.pk


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )


def people_with_role_over(unit: Unit, role: str) -> QuerySet:
    """People holding `role` with scope over `unit`.

    Unit roles reach down the tree: the heads of the unit and of its ancestors. Committee roles
    are held in the committee that evaluates the unit. Auditors: those in an ancestor unit and
    those in the unit's committee.
    """
    # The filters below go through `memberships__` inside one filter() call so that the role,
    # the unit and the active flag all apply to the same membership row.
    nearest_committee = (
        Unit.objects.filter(_committee_candidates(unit)).order_by("-depth")[:1].values("pk")
    )
    if role in COMMITTEE_ROLES:
        unit_filter = Q(memberships__unit__in=nearest_committee)
    elif role == Role.AUDITOR:
        unit_filter = Q(memberships__unit__path__in=unit.ancestor_paths()) | Q(
            memberships__unit__in=nearest_committee
        )
    else:
        unit_filter = Q(memberships__unit__path__in=unit.ancestor_paths())
    return (
        User.objects.filter(
            unit_filter,
            memberships__role=role,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


@functools.cache
def _role_holders_sql(kind: str) -> str:
    user, membership, unit = User._meta.db_table, Membership._meta.db_table, Unit._meta.db_table
    # The nearest committee that evaluates the unit (_committee_candidates): a committee at
    # depth d >= 2 serves the subtree of its parent, whose path is its first (d-1) steps.
    nearest_committee = f"""(SELECT c.id FROM {unit} c
          WHERE c.is_committee
            AND ((c.depth = 1 AND c.path = %(root)s)
                 OR (c.depth >= 2 AND left(c.path, (c.depth - 1) * %(step)s) = ANY(%(paths)s)))
          ORDER BY c.depth DESC LIMIT 1)"""
    where = {
        "committee": f"m.unit_id = {nearest_committee}",
        "auditor": f"(mu.path = ANY(%(paths)s) OR m.unit_id = {nearest_committee})",
        "unit": "mu.path = ANY(%(paths)s)",
    }[kind]
    return f"""
        SELECT DISTINCT p.id, p.username FROM {user} p
          JOIN {membership} m ON m.user_id = p.id
          JOIN {unit} mu ON mu.id = m.unit_id
         WHERE m.role = %(role)s AND m.is_active AND p.is_active AND {where}
         ORDER BY p.username"""


def role_holder_ids(unit: Unit, role: str) -> list[int]:
    """`people_with_role_over(unit, role)`'s ids, in its order, from one statement written
    once: the door asks it on every transition, where compiling the queryset cost more than
    running it (tests/units/test_selectors.py holds the two to the same answer)."""
    if connection.vendor != "postgresql":
        return list(people_with_role_over(unit, role).values_list("pk", flat=True))
    kind = "committee" if role in COMMITTEE_ROLES else "auditor" if role == Role.AUDITOR else "unit"
    params = {
        "role": role,
        "paths": unit.ancestor_paths(),
        "root": unit.path[: Unit.steplen],
        "step": Unit.steplen,
    }
    return [row[0] for row in sql.fetchall(_role_holders_sql(kind), params)]


def member_ids(unit_id: int, roles: Iterable[str]) -> list[int]:
    """Ids of the people holding one of `roles` in the unit itself (active memberships), in
    the memberships' order: the door tells a unit's staff and head of every transition."""
    roles = list(roles)
    if connection.vendor != "postgresql":
        qs = Membership.objects.filter(unit_id=unit_id, is_active=True, role__in=roles)
        return list(qs.values_list("user_id", flat=True))
    text, params = member_ids_statement("%(unit)s", roles)
    return [row[0] for row in sql.fetchall(text, {**params, "unit": unit_id})]


def member_ids_statement(unit: str, roles: Iterable[str]) -> tuple[str, dict]:
    """member_ids' statement, with `unit` an SQL expression for the unit's id (a named
    parameter, or a sub-select of the caller's), to be sent with others in one round trip."""
    return _member_ids_sql(unit), {"member_roles": list(roles)}


@functools.cache
def _member_ids_sql(unit_expression: str) -> str:
    user, membership, unit = User._meta.db_table, Membership._meta.db_table, Unit._meta.db_table
    return f"""
        SELECT m.user_id FROM {membership} m
          JOIN {unit} u ON u.id = m.unit_id
          JOIN {user} p ON p.id = m.user_id
         WHERE m.unit_id = {unit_expression} AND m.is_active AND m.role = ANY(%(member_roles)s)
         ORDER BY u.path, m.role, p.username"""


def memberships_over(user_id: int) -> list[Membership]:
    """Every membership of the person, active or not, each with its unit loaded: the access
    rule picks among them in Python (a person holds a handful), in one statement."""
    if connection.vendor != "postgresql":
        qs = Membership.objects.filter(user_id=user_id).select_related("unit").order_by("pk")
        return list(qs)
    return memberships_from_rows(sql.fetchall(*memberships_statement(user_id)))


def memberships_statement(user_id: int) -> tuple[str, dict]:
    """memberships_over's statement, for a caller that sends it with others in one round trip
    (the door, with its lock); memberships_from_rows reads its rows."""
    return _memberships_sql(), {"member": user_id}


def memberships_from_rows(rows) -> list[Membership]:
    load_membership, load_unit = sql.loader(Membership), sql.loader(Unit)
    found = []
    for row in rows:
        membership = load_membership(row)
        Membership.unit.field.set_cached_value(membership, load_unit(row, load_membership.width))
        found.append(membership)
    return found


@functools.cache
def _memberships_sql() -> str:
    return (
        f"SELECT {sql.columns(Membership, 'm')}, {sql.columns(Unit, 'u')} "
        f"FROM {Membership._meta.db_table} m JOIN {Unit._meta.db_table} u ON u.id = m.unit_id "
        "WHERE m.user_id = %(member)s ORDER BY m.id"
    )


def scope_q(user, *, roles: Iterable[str] | None = None, prefix: str = "") -> Q:
    """A Q over units (or over a model's unit via `prefix`, e.g. "unit__") limited to what the
    user's memberships (optionally only those roles) reach. Costs the queries of
    memberships_of plus one per committee held, independent of the tree's size."""
    wanted = set(roles) if roles is not None else None
    clauses: list[Q] = []
    for membership in memberships_of(user):
        if wanted is not None and membership.role not in wanted:
            continue
        unit = membership.unit
        if membership.role in COMMITTEE_ROLES or (
            membership.role == Role.AUDITOR and unit.is_committee
        ):
            if prefix:
                covered = units_covered_by(unit).values("pk")
                clauses.append(Q(**{f"{prefix}pk__in": covered}))
            else:  # a query on units: the condition itself (a subquery misleads the planner)
                clauses.append(covered_q(unit))
        else:
            clauses.append(Q(**{f"{prefix}path__startswith": unit.path}))
    if not clauses:
        return Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    return reduce(or_, clauses)


def visible_units(user) -> QuerySet[Unit]:
    """Units a person may see through any of their memberships."""
    if user.is_superuser:
        return Unit.objects.all().order_by("path")
    return Unit.objects.filter(scope_q(user)).order_by("path")


def committees_led_by(user) -> QuerySet[Unit]:
    """The Ban Dân vận where the person holds an active committee_leader role."""
    return Unit.objects.filter(
        memberships__user=user,
        memberships__role=Role.COMMITTEE_LEADER,
        memberships__is_active=True,
        is_committee=True,
        is_active=True,
    ).distinct()


def people_covered_by(committee: Unit) -> QuerySet:
    """People with an active role in a unit the committee covers (the committee included),
    with those roles prefetched as `covered_memberships`: two queries."""
    covered = units_covered_by(committee).values("pk")
    roles = Membership.objects.filter(unit__in=covered, is_active=True).select_related("unit")
    return (
        User.objects.filter(memberships__unit__in=covered, memberships__is_active=True)
        .distinct()
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=roles.order_by("unit__path", "role"),
                to_attr="covered_memberships",
            )
        )
    )
