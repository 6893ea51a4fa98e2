"""Reads over the unit tree. Each function costs a fixed number of queries, whatever the tree."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

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
    base = committee.covered_path
    nested = Unit.objects.filter(is_committee=True, path__startswith=base).exclude(pk=committee.pk)
    qs = Unit.objects.filter(path__startswith=base)
    # Nested committees' covered subtrees go to them. Done in Python over the (few) nested
    # committees so the exclusion stays one indexed query.
    excluded = [c.covered_path for c in nested.only("path", "depth") if c.covered_path != base]
    for prefix in excluded:
        qs = qs.exclude(path__startswith=prefix)
    return qs.order_by("path")


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
            covered = units_covered_by(unit).values("pk")
            clauses.append(Q(**{f"{prefix}pk__in" if prefix else "pk__in": covered}))
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
