"""Reads: inbox, queue and archive, an initiative's timeline, the audit search, quotas.

Who may see what is workflows.access; every read here starts from it. Each function costs a
fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone
from viewflow.workflow.status import STATUS

from core.parsing import clean_text, parse_int
from units.models import COMMITTEE_ROLES, UNIT_ROLES, Role
from units.selectors import memberships_of, units_covered_by

from .access import principals, visible_initiatives
from .models import AuditEntry, Campaign, Initiative, InitiativeTask

# Other kinds of process show their work in the task inbox (/nhiem-vu/) too: each entry is the
# dotted path of a function `(user) -> dict | None` (heading, rows), added by its app when it
# loads, so this app never imports theirs.
INBOX_SECTIONS: list[str] = []


def inbox_sections(user) -> list[dict]:
    from django.utils.module_loading import import_string

    found = (import_string(path)(user) for path in INBOX_SECTIONS)
    return [section for section in found if section]


def _task_list() -> QuerySet[InitiativeTask]:
    return InitiativeTask.objects.select_related(
        "initiative", "initiative__unit", "initiative__campaign", "owner"
    ).exclude(role="")


def filter_tasks(
    qs: QuerySet[InitiativeTask],
    *,
    year: int | None = None,
    field: str | None = None,
    unit=None,
    state: str | None = None,
    overdue: bool = False,
) -> QuerySet[InitiativeTask]:
    """The list filters of the inbox, queue and archive: campaign year, field, unit (and its
    subtree; a Unit or its id), the initiative's state, and tasks past their due date."""
    if year:
        qs = qs.filter(initiative__year=year)
    if field:
        qs = qs.filter(initiative__field=field)
    if unit:
        qs = qs.filter(initiative__unit__path__startswith=_unit_path(unit))
    if state:
        qs = qs.filter(initiative__state=state)
    if overdue:
        qs = qs.filter(due_at__lt=timezone.now(), finished__isnull=True)
    return qs


def _unit_path(unit):
    from units.models import Unit

    if isinstance(unit, Unit):
        return unit.path
    return Subquery(Unit.objects.filter(pk=unit).values("path")[:1])


def _filters(year, field, unit, state, overdue) -> dict:
    return {"year": year, "field": field, "unit": unit, "state": state, "overdue": overdue}


def _due_order(order: str) -> tuple[str, str]:
    return ("-due_at", "-pk") if order == "-due" else ("due_at", "pk")


def inbox_for(
    user,
    *,
    year: int | None = None,
    field: str | None = None,
    unit=None,
    state: str | None = None,
    overdue: bool = False,
    order: str = "due",
) -> QuerySet[InitiativeTask]:
    """Tasks the person holds (or holds for someone on leave who named them), soonest due first
    (`order="-due"`: latest first). Filters: see filter_tasks."""
    owners = [p.pk for p in principals(user)]
    qs = _task_list().filter(owner_id__in=owners, status__in=(STATUS.ASSIGNED, STATUS.STARTED))
    return filter_tasks(qs, **_filters(year, field, unit, state, overdue)).order_by(
        *_due_order(order)
    )


def queue_for(
    user,
    *,
    year: int | None = None,
    field: str | None = None,
    unit=None,
    state: str | None = None,
    overdue: bool = False,
    order: str = "due",
) -> QuerySet[InitiativeTask]:
    """Unclaimed tasks the person may claim: their role, within their scope."""
    people = principals(user)
    clauses: list[Q] = []
    for person in people:
        for membership in memberships_of(person):
            if membership.role in UNIT_ROLES:
                clauses.append(
                    Q(role=membership.role, scope_unit__path__startswith=membership.unit.path)
                )
            elif membership.role in COMMITTEE_ROLES and membership.role != Role.COUNCIL_MEMBER:
                clauses.append(Q(role=membership.role, scope_unit_id=membership.unit_id))
    if not clauses:
        return InitiativeTask.objects.none()
    qs = _task_list().filter(reduce(or_, clauses), status=STATUS.NEW, owner__isnull=True)
    return filter_tasks(qs, **_filters(year, field, unit, state, overdue)).order_by(
        *_due_order(order)
    )


def archive_for(
    user,
    *,
    year: int | None = None,
    field: str | None = None,
    unit=None,
    state: str | None = None,
    overdue: bool = False,
    order: str = "",
) -> QuerySet[InitiativeTask]:
    """Tasks the person finished, latest first (or by due date with `order="due"`/"-due")."""
    qs = filter_tasks(
        _task_list().filter(finished_by=user, status=STATUS.DONE),
        **_filters(year, field, unit, state, overdue),
    )
    if order:
        return qs.order_by(*_due_order(order))
    return qs.order_by("-finished", "-pk")


def timeline(initiative: Initiative) -> QuerySet[AuditEntry]:
    """Every recorded step of an initiative: who, when, what, the comment, what changed."""
    return (
        AuditEntry.objects.filter(initiative=initiative)
        .select_related("actor", "on_behalf_of", "unit")
        .order_by("seq")
    )


def open_tasks(initiative: Initiative) -> QuerySet[InitiativeTask]:
    return _task_list().filter(initiative=initiative, status__in=(STATUS.NEW, STATUS.ASSIGNED))


def scoresheet(initiative: Initiative):
    """Each member's sheet for the current round, with the points per criterion."""
    return (
        initiative.scorecards.filter(round=initiative.scoring_round)
        .select_related("member")
        .prefetch_related("scores__criterion")
        .order_by("member__username")
    )


# States that do not count towards a unit's yearly quota: not yet sent, or taken back.
NOT_REGISTERED_STATES = ("draft", "withdrawn")


def registering_units(committee) -> QuerySet:
    """Units a committee expects registrations from: covered, active, not a committee, with a
    head who can sign. Sub-units without a head (offices, party cells) register through their
    parent, so they carry no quota of their own."""
    from units.models import Membership

    heads = Membership.objects.filter(role=Role.UNIT_HEAD, is_active=True).values("unit_id")
    return units_covered_by(committee).filter(is_active=True, is_committee=False, pk__in=heads)


def quota_standing(campaign, *, under_only: bool = False) -> list[dict]:
    """Per registering unit: how many initiatives it has registered in the campaign against the
    quota. Three queries whatever the number of units."""
    from django.db.models import Count

    counts = dict(
        Initiative.objects.filter(campaign=campaign)
        .exclude(state__in=NOT_REGISTERED_STATES)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    rows = []
    for unit in registering_units(campaign.committee):
        registered = counts.get(unit.pk, 0)
        missing = max(campaign.quota_per_unit - registered, 0)
        if under_only and not missing:
            continue
        rows.append(
            {
                "unit": unit,
                "registered": registered,
                "quota": campaign.quota_per_unit,
                "missing": missing,
            }
        )
    return rows


def audit_search(
    user,
    *,
    actor=None,
    unit=None,
    action: str | None = None,
    state: str | None = None,
    date_from=None,
    date_to=None,
) -> QuerySet[AuditEntry]:
    """The audit trail within the person's scope (entries of initiatives they may see), newest
    first, with what a list shows joined in (no query per row).

    `actor`: a user, a user id, or text matched against username and full name; `unit`: the
    initiative's unit and its subtree (a Unit or its id); `action`: the action name; `state`:
    the state before or after the step; `date_from`/`date_to`: dates, both days included
    (Asia/Ho_Chi_Minh)."""
    qs = AuditEntry.objects.select_related(
        "actor", "on_behalf_of", "unit", "initiative", "initiative__unit"
    )
    if not user.is_superuser:
        qs = qs.filter(initiative__in=visible_initiatives(user).values("pk"))
    if isinstance(actor, str):
        actor = clean_text(actor)
    if actor not in (None, ""):
        if isinstance(actor, str) and parse_int(actor) is None:
            qs = qs.filter(
                Q(actor__username__icontains=actor) | Q(actor__full_name__icontains=actor)
            )
        else:
            qs = qs.filter(actor_id=getattr(actor, "pk", actor))
    if unit:
        qs = qs.filter(initiative__unit__path__startswith=_unit_path(unit))
    if action:
        qs = qs.filter(action=action)
    if state:
        qs = qs.filter(Q(from_state=state) | Q(to_state=state))
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-seq")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


RETURN_ACTIONS = ("return", "send_back")


def last_returns(initiative_ids: list[int]) -> dict[int, AuditEntry]:
    """For each initiative, its latest "return"/"send back" entry (who and why). One query."""
    found: dict[int, AuditEntry] = {}
    if not initiative_ids:
        return found
    entries = (
        AuditEntry.objects.filter(initiative_id__in=initiative_ids, action__in=RETURN_ACTIONS)
        .select_related("actor")
        .order_by("initiative_id", "-seq")
    )
    for entry in entries:
        found.setdefault(entry.initiative_id, entry)
    return found


def last_return(initiative: Initiative) -> AuditEntry | None:
    """Why a draft came back, when it did (and has not been sent again since)."""
    if initiative.state != "draft":
        return None
    return last_returns([initiative.pk]).get(initiative.pk)


def unit_dashboard(user, *, year: int) -> dict:
    """What a unit's staff and head see first: their initiatives by year and state, the year's
    quota and how far they are from it, the days left to register. A fixed number of queries
    whatever the number of initiatives (plus two per unit the person belongs to)."""
    from django.db.models import Count

    from units.selectors import committee_of

    units = [m.unit for m in memberships_of(user) if m.role in UNIT_ROLES]
    # A person in a unit and in one of its sub-units sees the subtree once.
    units = [u for u in units if not any(o is not u and u.path.startswith(o.path) for o in units)]
    if not units:
        return {
            "units": [],
            "counts": [],
            "initiatives": Initiative.objects.none(),
            "standing": [],
        }
    scope = reduce(or_, (Q(unit__path__startswith=u.path) for u in units))
    mine = Initiative.objects.filter(scope)
    by_year_state: dict[int, dict[str, int]] = {}
    for row in mine.values("year", "state").annotate(n=Count("pk")).order_by("-year"):
        by_year_state.setdefault(row["year"], {})[row["state"]] = row["n"]
    counts = [
        {"year": y, "states": states, "total": sum(states.values())}
        for y, states in sorted(by_year_state.items(), reverse=True)
    ]
    standing = []
    today = timezone.localdate()
    for unit in units:
        committee = committee_of(unit)
        campaign = (
            Campaign.objects.filter(committee=committee, year=year).first() if committee else None
        )
        row = {"unit": unit, "campaign": campaign}
        if campaign is not None:
            quota_row = next((r for r in quota_standing(campaign) if r["unit"].pk == unit.pk), None)
            if quota_row is None:
                registered = (
                    mine.filter(unit__path__startswith=unit.path, campaign=campaign)
                    .exclude(state__in=NOT_REGISTERED_STATES)
                    .count()
                )
                quota_row = {
                    "registered": registered,
                    "quota": campaign.quota_per_unit,
                    "missing": max(campaign.quota_per_unit - registered, 0),
                }
            row.update(
                registered=quota_row["registered"],
                quota=quota_row["quota"],
                missing=quota_row["missing"],
                deadline=campaign.registration_deadline,
                days_left=(campaign.registration_deadline - today).days,
            )
        standing.append(row)
    initiatives = (
        mine.filter(year=year).select_related("unit", "campaign").order_by("unit__path", "-pk")
    )
    return {"units": units, "counts": counts, "initiatives": initiatives, "standing": standing}


def campaigns_of(committees) -> QuerySet:
    from django.db.models import Count

    return (
        Campaign.objects.filter(committee__in=committees)
        .select_related("committee")
        .annotate(
            n_criteria=Count("criteria", distinct=True), n_council=Count("council", distinct=True)
        )
        .order_by("-year")
    )


def council_candidates(committee) -> QuerySet:
    """People who may sit on a committee's council: its council members and leaders."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__unit=committee,
            memberships__role__in=(Role.COUNCIL_MEMBER, Role.COMMITTEE_LEADER),
            memberships__is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def task_initiative_id(task_id: int) -> int | None:
    return InitiativeTask.objects.filter(pk=task_id).values_list("initiative_id", flat=True).first()


def task_candidates(task: InitiativeTask) -> list:
    """People who hold the task's role over the initiative's unit (whom it may be handed to)."""
    from units.selectors import people_with_role_over

    # Committee tasks are held in the task's committee (for a nomination from a lower level,
    # not the committee that covers the model's unit).
    unit = task.scope_unit if task.role in COMMITTEE_ROLES and task.scope_unit else None
    return [
        person
        for person in people_with_role_over(unit or task.initiative.unit, task.role)
        if person.pk != task.owner_id
    ]


def registration_campaigns(units) -> list[Campaign]:
    """The campaigns the units may register in today, one per year, newest first: those whose
    deadline has not passed, and this year's or a later one past its deadline where the
    committee allows late entries (Campaign.allow_late_registration)."""
    from units.selectors import committee_of

    committees = {c.pk for c in (committee_of(u) for u in units) if c is not None}
    today = timezone.localdate()
    campaigns = Campaign.objects.filter(committee__in=committees).filter(
        Q(registration_deadline__gte=today) | Q(allow_late_registration=True, year__gte=today.year)
    )
    by_year: dict[int, Campaign] = {}
    for campaign in campaigns.order_by("-year", "registration_deadline"):
        by_year.setdefault(campaign.year, campaign)
    return list(by_year.values())
