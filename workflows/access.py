"""Who may see and who may do what: the one access rule of the workflows app.

Every page, API view, list, filter, export, file download, admin page and inbox asks here.
Delegation is resolved here once: a substitute acts for each person on leave who named them
(a "principal") and sees what those people see, so what the inbox shows also opens. Separation
of duties is checked for the person acting AND for the one on whose behalf they act. Outside
one's scope is "not found" (404) before any other check, so existence never leaks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from viewflow.workflow.status import STATUS

from core.errors import NotAllowed, NotFound
from units.models import COMMITTEE_ROLES, UNIT_ROLES, Membership, Role, Unit
from units.selectors import committee_of, memberships_of, memberships_over, units_covered_by

from .engine.actions import Action
from .flows import InitiativeFlow
from .lifecycle.actions import ACTIONS
from .models import Attachment, Campaign, Initiative, InitiativeTask

User = get_user_model()
ACTIVE_TASK = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


# ---------------------------------------------------------------------------------------------
# Delegation


def delegators_of(user, *, on: datetime.date | None = None) -> list:
    """People who have named `user` their substitute for today (or `on`)."""
    if user is None or not user.is_authenticated:
        return []
    day = on or timezone.localdate()
    return list(
        User.objects.filter(
            delegations_given__substitute=user,
            delegations_given__starts_on__lte=day,
            delegations_given__ends_on__gte=day,
            is_active=True,
        ).distinct()
    )


def principals(user) -> list:
    """The person and everyone they stand in for today."""
    return [user, *delegators_of(user)]


# ---------------------------------------------------------------------------------------------
# Seeing initiatives


def _own_scope_q(user) -> Q | None:
    # Ids are resolved here, not left as joins or subqueries: with a literal list PostgreSQL
    # reads the initiatives through their campaign/unit indexes, while a join on the campaign
    # makes it scan every initiative (docs/performance.md). A committee has a handful of
    # campaigns and covers at most a few thousand units, so the lists stay short.
    clauses: list[Q] = []
    committees: list[int] = []
    for membership in memberships_of(user):
        unit = membership.unit
        if membership.role in COMMITTEE_ROLES:
            committees.append(unit.pk)
        elif membership.role == Role.AUDITOR and unit.is_committee:
            clauses.append(Q(unit_id__in=list(units_covered_by(unit).values_list("pk", flat=True))))
            # ... and what the committee received from, or nominated to, another level.
            committees.append(unit.pk)
        else:
            clauses.append(Q(unit__path__startswith=unit.path))
    if committees:
        campaigns = Campaign.objects.filter(committee_id__in=committees).values_list(
            "pk", flat=True
        )
        clauses.append(Q(campaign_id__in=list(campaigns)))
        # A lower committee follows the models it nominated up (workflows.levels), and only
        # those: the higher committee's other dossiers stay out of its scope.
        clauses.append(Q(nominated_by_id__in=committees))
    return reduce(or_, clauses) if clauses else None


def initiative_scope_q(user) -> Q:
    """Initiatives a person may see: their units' subtrees, their committees' campaigns, what
    auditors' scopes reach, and the same for everyone who named them substitute today."""
    clauses = [q for q in (_own_scope_q(p) for p in principals(user)) if q is not None]
    return reduce(or_, clauses) if clauses else Q(pk__in=[])


def visible_initiatives(user) -> QuerySet[Initiative]:
    qs = Initiative.objects.select_related("unit", "campaign")
    if user.is_superuser:
        return qs
    return qs.filter(initiative_scope_q(user))


def get_visible_initiative(user, pk: int) -> Initiative | None:
    """The initiative, or None when it does not exist or lies outside the person's scope
    (callers answer "not found" for both)."""
    return visible_initiatives(user).filter(pk=pk).first()


def _sees(person, initiative: Initiative) -> bool:
    for membership in memberships_of(person):
        unit = membership.unit
        if membership.role in COMMITTEE_ROLES or (
            membership.role == Role.AUDITOR and unit.is_committee
        ):
            if unit.pk in (initiative.campaign.committee_id, initiative.nominated_by_id):
                return True
        elif initiative.unit.path.startswith(unit.path):
            return True
    return False


def can_see(user, initiative: Initiative) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(_sees(person, initiative) for person in principals(user))


def require_visible(user, initiative: Initiative) -> None:
    if not can_see(user, initiative):
        raise NotFound()


def visible_attachment(user, initiative_id: int, pk: int) -> Attachment | None:
    """A file of an initiative (evidence, reports, decisions, the signed commendation), or None
    when it does not exist, belongs to another initiative, or the person may not see its
    initiative (callers answer "not found" for all three). The file's rule is its
    initiative's: can_see, delegation included."""
    attachment = (
        Attachment.objects.select_related("initiative__unit", "initiative__campaign")
        .filter(pk=pk, initiative_id=initiative_id)
        .first()
    )
    if attachment is None or not can_see(user, attachment.initiative):
        return None
    return attachment


# ---------------------------------------------------------------------------------------------
# Doing


@dataclass(frozen=True)
class Acting:
    """Who an action is done as: the person themself, or someone on leave who named them."""

    principal: object
    membership: Membership


def role_membership(
    initiative: Initiative, person, action: Action, memberships: list | None = None
) -> Membership | None:
    """The membership through which `person` holds one of the action's roles over the
    initiative (role and scope only). One statement reads the person's memberships (a
    handful; or the caller has them: `memberships`, all of them, active or not, with units);
    the rule picks among them here."""
    unit = initiative.unit
    held = memberships if memberships is not None else memberships_over(person.pk)
    ancestors = set(unit.ancestor_paths())
    usable = [m for m in held if m.is_active and m.unit.is_active]
    found = None
    unit_side = action.roles & UNIT_ROLES
    committee_side = action.roles - UNIT_ROLES
    if unit_side:
        # The nearest unit up the tree from the initiative's own.
        found = max(
            (m for m in usable if m.role in unit_side and m.unit.path in ancestors),
            key=lambda m: m.unit.depth,
            default=None,
        )
    if found is None and committee_side:
        committee_id = initiative.campaign.committee_id
        found = next(
            (m for m in usable if m.role in committee_side and m.unit_id == committee_id), None
        )
        if found is not None and found.role == Role.COUNCIL_MEMBER:
            # Council members score their campaign's initiatives, never those of their own
            # unit or of any unit under it (any membership there, active or not).
            if not initiative.campaign.council.filter(pk=person.pk).exists():
                return None
            if any(m.unit.path in ancestors for m in held):
                return None
    return found


def acting(
    initiative: Initiative, user, action: Action | str, *, memberships: list | None = None
) -> Acting | None:
    """How `user` may do `action` to the initiative now (role, scope, delegation, separation
    of duties), or None. The person acting is tried first; delegations are looked up only when
    they cannot act themself. `memberships`: the user's own, when the caller has read them."""
    if isinstance(action, str):
        action = ACTIONS[action]
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if action.barred(initiative, user) is not None:
        return None  # barred as themself, whoever they stand in for
    membership = role_membership(initiative, user, action, memberships)
    if membership is not None:
        return Acting(user, membership)
    for principal in delegators_of(user):
        if action.barred(initiative, principal) is not None:
            continue
        membership = role_membership(initiative, principal, action)
        if membership is not None:
            return Acting(principal, membership)
    return None


def require_acting(
    initiative: Initiative, user, action: Action, *, memberships: list | None = None
) -> Acting:
    """`acting`, or the refusal: not found outside one's scope, else not allowed (naming the
    separation-of-duties rule when that is why)."""
    found = acting(initiative, user, action, memberships=memberships)
    if found is not None:
        return found
    if not can_see(user, initiative):
        raise NotFound()
    # Say why: a separation-of-duties rule when the person (or whom they stand in for) holds
    # the role, else the role they lack.
    for person in principals(user):
        bar = action.barred(initiative, person) or action.barred(initiative, user)
        if bar is not None and role_membership(initiative, person, action) is not None:
            raise NotAllowed(bar.message)
    raise NotAllowed(
        _("Bạn không có vai trò để “%(action)s” mô hình này.") % {"action": action.label}
    )


def can_do(user, initiative: Initiative, action: Action | str) -> bool:
    return acting(initiative, user, action) is not None


def _in_state(initiative: Initiative, action: Action) -> bool:
    if initiative.imported and not action.on_history:
        return False  # a past year's model brought in by workflows.history: nothing left to do
    return action.applies_to(initiative) and can_proceed(
        getattr(initiative, action.method), check_conditions=False
    )


def in_state_for(initiative: Initiative, action: Action | str) -> bool:
    """Whether the FSM allows the action from the initiative's state (conditions aside)."""
    if isinstance(action, str):
        action = ACTIONS[action]
    return _in_state(initiative, action)


def offered_actions(user, initiative: Initiative) -> list[Action]:
    """What `user` (or someone on leave who named them) may do to the initiative now: the FSM
    allows it from this state and the access rule lets them. Pages and the API offer exactly
    this list; the door checks again when the action comes."""
    names = []
    for action in ACTIONS.values():
        if not _in_state(initiative, action):
            continue
        found = acting(initiative, user, action)
        if found is None:
            continue
        # Each member scores once, through their own task: offered while it is open.
        if (
            action.name == "score"
            and not InitiativeTask.objects.filter(
                initiative=initiative,
                flow_task=InitiativeFlow.instance.score,
                owner_id=found.principal.pk,
                status__in=ACTIVE_TASK,
            ).exists()
        ):
            continue
        names.append(action)
    return names


# ---------------------------------------------------------------------------------------------
# Tasks


def task_in_scope(user, task_id: int) -> InitiativeTask:
    """The task, or NotFound when it does not exist or its initiative is outside the person's
    scope: checked before anything about the task's state."""
    task = (
        InitiativeTask.objects.select_related("initiative__campaign", "initiative__unit")
        .filter(pk=task_id)
        .first()
    )
    if task is None or not can_see(user, task.initiative):
        raise NotFound(NotFound.task_message)
    return task


# ---------------------------------------------------------------------------------------------
# Committees: leading, screening, auditing, campaigns


def holds_committee_role(user, committee_id: int, roles, *, delegated: bool = True) -> bool:
    people = principals(user) if delegated else [user]
    return Membership.objects.filter(
        user__in=[p.pk for p in people],
        role__in=list(roles),
        unit_id=committee_id,
        is_active=True,
    ).exists()


def leads_committee(user, committee_id: int) -> bool:
    """A committee's leader, or their substitute: may reassign its tasks."""
    return holds_committee_role(user, committee_id, [Role.COMMITTEE_LEADER])


def screens_or_leads(user, committee_id: int) -> bool:
    """Committee reviewers and leaders (or their substitutes): may flag an open case."""
    return holds_committee_role(
        user, committee_id, [Role.COMMITTEE_LEADER, Role.COMMITTEE_REVIEWER]
    )


def may_search_audit(user) -> bool:
    """Searching and exporting the audit trail across initiatives is for auditors only: its
    rows carry other people's IPs and comments. An initiative's own timeline stays readable
    for anyone who may see the initiative."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or any(m.role == Role.AUDITOR for m in memberships_of(user))


def led_committees(user) -> QuerySet[Unit]:
    """Committees the person leads: where they may open and set up campaigns (configuration
    is not delegated)."""
    return Unit.objects.filter(
        memberships__user=user,
        memberships__role=Role.COMMITTEE_LEADER,
        memberships__is_active=True,
        is_committee=True,
    ).distinct()


def campaigns_in_scope(user) -> QuerySet[Campaign]:
    """Campaigns of the committees the person belongs to or is evaluated by."""
    qs = Campaign.objects.select_related("committee").prefetch_related("criteria")
    if user.is_superuser:
        return qs
    committees = set()
    for membership in memberships_of(user):
        if membership.unit.is_committee:
            committees.add(membership.unit.pk)
        found = committee_of(membership.unit)
        if found is not None:
            committees.add(found.pk)
    return qs.filter(committee_id__in=committees)


def campaigns_led(user) -> QuerySet[Campaign]:
    """Campaigns the person may change (the leader's set-up page and the admin)."""
    if user.is_superuser:
        return Campaign.objects.all()
    return Campaign.objects.filter(committee__in=led_committees(user))


def scoped(user, queryset: QuerySet, prefix: str = "") -> QuerySet:
    """An admin list of initiatives (or of rows about them, via `prefix`) cut to the scope."""
    if user.is_superuser:
        return queryset
    if not prefix:
        return queryset.filter(initiative_scope_q(user))
    visible = Initiative.objects.filter(initiative_scope_q(user)).values("pk")
    return queryset.filter(**{f"{prefix}__in": visible})
