"""Who may see and do what with plans and filings: the access rule of this app's kinds.

The same shape as workflows.access: delegation resolved once (workflows.access.principals),
outside one's scope is "not found" before any other check, a role that may not act is "not
allowed" (naming the separation-of-duties rule when that is why).

- A committee's plan: its committee's reviewers, leaders and auditors see it in every state;
  once issued, the people of each unit it went to see it too.
- A filing: the people of its unit (and of the units above it) and its committee's reviewers,
  leaders and auditors.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotAllowed, NotFound
from units.models import COMMITTEE_ROLES, UNIT_ROLES, Membership, Role
from units.selectors import memberships_of
from workflows.access import Acting, delegators_of, principals

from .models import Filing, Plan, PlanState

# Who reads a committee's plans and what units file with it. Council members score
# registrations; a committee's plans and its units' filings are not theirs to read.
COMMITTEE_SIDE = frozenset({Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER, Role.AUDITOR})


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _scopes(user) -> tuple[set[int], list[str]]:
    """(committees the person or whom they stand in for works in, unit paths they belong to)."""
    committees: set[int] = set()
    paths: list[str] = []
    for person in principals(user):
        for membership in memberships_of(person):
            if membership.role in COMMITTEE_SIDE and membership.unit.is_committee:
                committees.add(membership.unit_id)
            elif membership.role in UNIT_ROLES or membership.role == Role.AUDITOR:
                paths.append(membership.unit.path)
    return committees, paths


def visible_filings(user) -> QuerySet[Filing]:
    qs = Filing.objects.select_related("unit", "committee", "plan", "period")
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    committees, paths = _scopes(user)
    clauses = [Q(committee_id__in=committees)] if committees else []
    clauses += [Q(unit__path__startswith=path) for path in paths]
    return qs.filter(reduce(or_, clauses)) if clauses else qs.none()


def get_visible_filing(user, pk: int) -> Filing | None:
    return visible_filings(user).filter(pk=pk).first()


def visible_plans(user) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("committee")
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    committees, paths = _scopes(user)
    clauses = [Q(committee_id__in=committees)] if committees else []
    if paths:
        units = reduce(or_, [Q(filings__unit__path__startswith=p) for p in paths])
        ids = Plan.objects.filter(units, state=PlanState.ISSUED).values("pk")
        clauses.append(Q(pk__in=ids))
    return qs.filter(reduce(or_, clauses)) if clauses else qs.none()


def get_visible_plan(user, pk: int) -> Plan | None:
    return visible_plans(user).filter(pk=pk).first()


def on_committee_side(user, plan: Plan) -> bool:
    """Whether the person reads `plan` as its committee does (every unit's standing)."""
    return user.is_superuser or plan.committee_id in committees_of(user, roles=COMMITTEE_SIDE)


def committees_of(user, roles=COMMITTEE_ROLES) -> list[int]:
    """The committees in which the person (or whom they stand in for) holds one of `roles`."""
    return sorted(
        {
            m.unit_id
            for person in principals(user)
            for m in memberships_of(person)
            if m.role in roles and m.unit.is_committee
        }
    )


def _membership(person, *, unit, committee_id: int, roles) -> Membership | None:
    memberships = Membership.objects.filter(
        user=person, is_active=True, unit__is_active=True
    ).select_related("unit")
    unit_side = set(roles) & UNIT_ROLES
    committee_side = set(roles) - UNIT_ROLES
    found = None
    if unit_side and unit is not None:
        found = (
            memberships.filter(role__in=unit_side, unit__path__in=unit.ancestor_paths())
            .order_by("-unit__depth")
            .first()
        )
    if found is None and committee_side:
        found = memberships.filter(role__in=committee_side, unit_id=committee_id).first()
    return found


def _where(subject) -> tuple:
    if isinstance(subject, Plan):
        return None, subject.committee_id
    return subject.unit, subject.committee_id


def acting(subject, user, action) -> Acting | None:
    """How `user` may do `action` to a plan or a filing now (role, scope, delegation,
    separation of duties), or None. The person is tried first; delegations are looked up only
    when they cannot act themself."""
    if not _active(user) or action.barred(subject, user) is not None:
        return None
    unit, committee_id = _where(subject)
    membership = _membership(user, unit=unit, committee_id=committee_id, roles=action.roles)
    if membership is not None:
        return Acting(user, membership)
    for person in delegators_of(user):
        if action.barred(subject, person) is not None:
            continue
        membership = _membership(person, unit=unit, committee_id=committee_id, roles=action.roles)
        if membership is not None:
            return Acting(person, membership)
    return None


def can_see(user, subject) -> bool:
    if isinstance(subject, Plan):
        return get_visible_plan(user, subject.pk) is not None
    return get_visible_filing(user, subject.pk) is not None


def require_acting(subject, user, action) -> Acting:
    found = acting(subject, user, action)
    if found is not None:
        return found
    if not can_see(user, subject):
        raise NotFound()
    unit, committee_id = _where(subject)
    for person in principals(user):
        bar = action.barred(subject, person) or action.barred(subject, user)
        if bar is not None and _membership(
            person, unit=unit, committee_id=committee_id, roles=action.roles
        ):
            raise NotAllowed(bar.message)
    raise NotAllowed(_("Bạn không có vai trò để “%(action)s”.") % {"action": action.label})


def offered_actions(user, subject, registry) -> list:
    """What the person may do to the subject now: the FSM allows it from this state and the
    access rule lets them."""
    from django_fsm import can_proceed

    return [
        a
        for a in registry.values()
        if can_proceed(getattr(subject, a.method), check_conditions=False)
        and acting(subject, user, a) is not None
    ]
