"""Reads for reports, the paper form and the public list. Each function costs a fixed number of
queries, whatever the number of initiatives, units or audit entries.

Which initiatives a committee's report covers: those of the committee's campaigns whose year
lies in the period's years and that were registered (created) on or before the period's end.
A month, quarter or half-year report is therefore the year's figures "as at" the period's end
(lũy kế từ đầu năm), and a 3- or 5-year review covers every year of its range. Each figure
counts every initiative of that set, whatever its state. States (and so "recognised" and
"commended") are those at the period's end, read from the audit trail; units under quota are
today's standing in the campaign of the period's last year.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.models import COMMITTEE_ROLES, UNIT_ROLES, Role, Unit
from units.selectors import memberships_of, scope_q
from workflows.levels.selectors import level_counts
from workflows.models import (
    AuditEntry,
    Campaign,
    Field,
    Form,
    Initiative,
    Kind,
    ReviewOutcome,
    State,
)
from workflows.selectors import quota_standing

# The steps whose duration the report measures, in the lifecycle's order.
STEPS: tuple[str, ...] = (
    State.DRAFT,
    State.UNIT_REVIEW,
    State.SCREENING,
    State.IMPLEMENTING,
    State.SCORING,
    State.DECIDING,
    State.RECOGNIZED,
)
PUBLIC_STATES = (State.RECOGNIZED, State.COMMENDED)
RECOGNIZED_STATES = PUBLIC_STATES
TREND_YEARS = 5

PERIOD_KINDS = {
    "year": gettext_lazy("Năm"),
    "half": gettext_lazy("6 tháng"),
    "quarter": gettext_lazy("Quý"),
    "month": gettext_lazy("Tháng"),
    "years": gettext_lazy("Nhiều năm (sơ kết 3 năm, tổng kết 5 năm)"),
}


# ---------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(m)d/%(y)d") % {"m": self.start.month, "y": self.start.year}
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return _("Quý %(q)d năm %(y)d") % {"q": quarter, "y": self.start.year}
        if self.kind == "half":
            if self.start.month == 1:
                return _("6 tháng đầu năm %(y)d") % {"y": self.start.year}
            return _("6 tháng cuối năm %(y)d") % {"y": self.start.year}
        if self.start.year != self.end.year:
            return _("Giai đoạn %(a)d – %(b)d") % {"a": self.start.year, "b": self.end.year}
        return _("Năm %(y)d") % {"y": self.start.year}

    def query(self) -> dict[str, str]:
        """The query string that selects this period again."""
        params = {"period": self.kind, "year": str(self.start.year)}
        if self.kind == "month":
            params["month"] = str(self.start.month)
        elif self.kind == "quarter":
            params["quarter"] = str((self.start.month - 1) // 3 + 1)
        elif self.kind == "half":
            params["half"] = "1" if self.start.month == 1 else "2"
        elif self.kind == "years":
            params["to_year"] = str(self.end.year)
        return params


def _int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_from_query(params: Mapping[str, str], *, today: datetime.date | None = None) -> Period:
    """The period a query string asks for (?period=month&year=2026&month=3); the current year
    when it asks for nothing or for something impossible."""
    today = today or timezone.localdate()
    kind = params.get("period", "year")
    year = _int(params.get("year"), today.year, 2000, 2100)
    if kind == "month":
        month = _int(params.get("month"), today.month, 1, 12)
        return Period(kind, datetime.date(year, month, 1), _month_end(year, month))
    if kind == "quarter":
        quarter = _int(params.get("quarter"), (today.month - 1) // 3 + 1, 1, 4)
        first = 3 * quarter - 2
        return Period(kind, datetime.date(year, first, 1), _month_end(year, first + 2))
    if kind == "half":
        half = _int(params.get("half"), 1 if today.month <= 6 else 2, 1, 2)
        first = 1 if half == 1 else 7
        return Period(kind, datetime.date(year, first, 1), _month_end(year, first + 5))
    if kind == "years":
        to_year = _int(params.get("to_year"), year, year, year + 20)
        return Period(kind, datetime.date(year, 1, 1), datetime.date(to_year, 12, 31))
    return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))


# ---------------------------------------------------------------------------------------------
# Who may see what


def report_committees(user) -> list[Unit]:
    """Committees whose reports the person may read: where they are reviewer, leader, council
    member, or auditor held in the committee itself. One query (two for a superuser)."""
    if user.is_superuser:
        return list(Unit.objects.filter(is_committee=True, is_active=True).order_by("path"))
    found: dict[int, Unit] = {}
    for membership in memberships_of(user):
        unit = membership.unit
        if unit.is_committee and (
            membership.role in COMMITTEE_ROLES or membership.role == Role.AUDITOR
        ):
            found.setdefault(unit.pk, unit)
    return list(found.values())


def form_units(user) -> QuerySet[Unit]:
    """Units whose registration form the person may export: a unit's staff and head their unit
    (and its sub-units), a committee's people every unit the committee covers."""
    if user.is_superuser:
        return Unit.objects.all().order_by("path")
    return Unit.objects.filter(scope_q(user)).order_by("path")


def import_units(user) -> QuerySet[Unit]:
    """Units a person may import a filled-in form into: where they are unit staff or head."""
    return Unit.objects.filter(scope_q(user, roles=UNIT_ROLES)).order_by("path")


# ---------------------------------------------------------------------------------------------
# The registration form (seed 002)


def registration_rows(units: list[Unit], year: int) -> dict[int, list[Initiative]]:
    """Per unit id: the unit's own initiatives of the year (withdrawn ones left out), in the
    form's order. One query whatever the number of units."""
    rows: dict[int, list[Initiative]] = {unit.pk: [] for unit in units}
    qs = (
        Initiative.objects.filter(unit__in=[u.pk for u in units], year=year)
        .exclude(state=State.WITHDRAWN)
        .select_related("replicates")
        .order_by("unit_id", "pk")
    )
    for initiative in qs:
        rows[initiative.unit_id].append(initiative)
    return rows


# ---------------------------------------------------------------------------------------------
# A committee's report


def _days(delta: datetime.timedelta) -> float:
    return round(delta.total_seconds() / 86400, 2)


def _counted(counter: Counter, choices) -> list[dict]:
    return [
        {"key": value, "label": str(label), "count": counter.get(value, 0)}
        for value, label in choices
    ]


def committee_report(
    committee: Unit, period_start: datetime.date, period_end: datetime.date
) -> dict:
    """Every figure of a committee's report over a period (see the module's docstring for which
    initiatives count). Eight queries: the initiatives, their audit entries, the campaign of the
    period's last year, quota_standing's three and the levels' two (workflows.levels)."""
    first_year = min(period_start.year, period_end.year - TREND_YEARS + 1)
    end_moment = timezone.make_aware(
        datetime.datetime.combine(period_end + datetime.timedelta(days=1), datetime.time.min)
    )
    start_moment = timezone.make_aware(datetime.datetime.combine(period_start, datetime.time.min))
    # Models of past years brought in by the history import were created in the service after
    # their year: they count for their year all the same (workflows.history).
    base = Initiative.objects.filter(
        Q(created__lt=end_moment) | Q(imported=True),
        campaign__committee=committee,
        year__lte=period_end.year,
    )
    rows = list(
        base.filter(year__gte=first_year)
        .order_by("pk")
        .values(
            "pk",
            "title",
            "year",
            "unit_id",
            "unit__name",
            "unit__path",
            "field",
            "form",
            "kind",
            "state",
        )
    )
    # A subquery rather than a list of ids: a 5-year review may cover thousands.
    entries = _state_changes(base.filter(year__gte=first_year).values("pk"), end_moment)
    in_period_ids = {r["pk"] for r in rows if r["year"] >= period_start.year}
    state_at_end, stays = _walk(entries, in_period_ids, start_moment)
    for r in rows:
        # The state as at the period's end (today's for a period that has not ended yet).
        r["state"] = state_at_end.get(r["pk"], r["state"])
    in_period = [r for r in rows if r["pk"] in in_period_ids]

    by_unit: dict[int, dict] = {}
    for r in sorted(in_period, key=lambda r: r["unit__path"]):
        entry = by_unit.setdefault(
            r["unit_id"],
            {"unit_id": r["unit_id"], "name": r["unit__name"], "count": 0, "recognized": 0},
        )
        entry["count"] += 1
        entry["recognized"] += r["state"] in RECOGNIZED_STATES

    states = Counter(r["state"] for r in in_period)
    trend = []
    for year in range(first_year, period_end.year + 1):
        year_rows = [r for r in rows if r["year"] == year]
        trend.append(
            {
                "year": year,
                "count": len(year_rows),
                "new": sum(r["kind"] == Kind.NEW for r in year_rows),
                "replication": sum(r["kind"] == Kind.REPLICATION for r in year_rows),
                "recognized": sum(r["state"] in RECOGNIZED_STATES for r in year_rows),
                "commended": sum(r["state"] == State.COMMENDED for r in year_rows),
            }
        )

    campaign = Campaign.objects.filter(committee=committee, year=period_end.year).first()
    under_quota = []
    if campaign is not None:
        campaign.committee = committee  # already in hand: spare quota_standing a query
        under_quota = quota_standing(campaign, under_only=True)

    return {
        "committee": committee,
        "period_start": period_start,
        "period_end": period_end,
        "total": len(in_period),
        "by_field": _counted(Counter(r["field"] for r in in_period), Field.choices),
        "by_form": _counted(Counter(r["form"] for r in in_period), Form.choices),
        "by_kind": _counted(Counter(r["kind"] for r in in_period), Kind.choices),
        "by_state": _counted(states, State.choices),
        "by_unit": list(by_unit.values()),
        "new": sum(r["kind"] == Kind.NEW for r in in_period),
        "replication": sum(r["kind"] == Kind.REPLICATION for r in in_period),
        "recognized": sum(states.get(s, 0) for s in RECOGNIZED_STATES),
        "commended": states.get(State.COMMENDED, 0),
        "campaign": campaign,
        "under_quota": under_quota,
        "steps": _step_figures(stays, {r["pk"]: r["title"] for r in in_period}),
        "trend": trend,
        # Levels: nominated up and what came back, received from below, annual reviews.
        "levels": level_counts(committee, first_year, period_end.year),
    }


def _state_changes(ids: QuerySet, end_moment: datetime.datetime) -> list[tuple]:
    """(initiative id, time, state entered) of every change of state before `end_moment`,
    each initiative's in order. One query."""
    return list(
        AuditEntry.objects.filter(initiative_id__in=ids, at__lt=end_moment)
        .filter(Q(action="create") | ~Q(from_state=F("to_state")))
        .order_by("initiative_id", "seq")
        .values_list("initiative_id", "at", "to_state")
    )


def _walk(
    entries: list[tuple], counted: set[int], start_moment: datetime.datetime
) -> tuple[dict[int, str], dict[str, list[tuple[float, int]]]]:
    """Each initiative's last state, and per state the stays (days, initiative id) of the
    `counted` initiatives that ended at or after `start_moment`: from the entry that entered
    a state to the one that left it."""
    state_at_end: dict[int, str] = {}
    stays: dict[str, list[tuple[float, int]]] = defaultdict(list)
    previous: tuple[int, datetime.datetime, str] | None = None
    for initiative_id, at, to_state in entries:
        if (
            previous
            and previous[0] == initiative_id
            and at >= start_moment
            and initiative_id in counted
        ):
            stays[previous[2]].append((_days(at - previous[1]), initiative_id))
        previous = (initiative_id, at, to_state)
        state_at_end[initiative_id] = to_state
    return state_at_end, stays


def _step_figures(stays: dict[str, list[tuple[float, int]]], titles: Mapping[int, str]) -> list:
    """Per step: how many stays, their mean and median in days, and the slowest."""
    steps = []
    labels = dict(State.choices)
    for step in STEPS:
        found = stays.get(step, [])
        values = [d for d, _i in found]
        slowest = max(found, default=None)
        steps.append(
            {
                "state": step,
                "label": str(labels[step]),
                "count": len(values),
                "mean": round(statistics.fmean(values), 2) if values else None,
                "median": round(statistics.median(values), 2) if values else None,
                "slowest": slowest[0] if slowest else None,
                "slowest_id": slowest[1] if slowest else None,
                "slowest_title": titles.get(slowest[1], "") if slowest else "",
            }
        )
    return steps


# ---------------------------------------------------------------------------------------------
# The public list


def published() -> QuerySet[Initiative]:
    """Recognised and commended models, less those the annual review found no longer
    effective (their history stays on their page inside the service)."""
    return Initiative.objects.filter(state__in=PUBLIC_STATES).exclude(
        review_outcome=ReviewOutcome.INEFFECTIVE
    )


def _recognised_higher():
    """A higher committee recognised this model too (a published nomination of it). The
    explicit IS NOT NULL lets PostgreSQL read the few nominations from their index instead of
    hashing every published model (0.45 s → 0.2 s per query at 420,000 published models)."""
    return Exists(
        Initiative.objects.filter(
            nominated_from=OuterRef("pk"),
            nominated_from__isnull=False,
            state__in=PUBLIC_STATES,
        )
    )


def listed() -> QuerySet[Initiative]:
    """The public list's rows: each model once, at the highest level that recognised it (a
    model a higher committee recognised too is listed there; its own page stays)."""
    return published().filter(~_recognised_higher())


def public_models() -> QuerySet[Initiative]:
    """What the committees publish, newest first."""
    return (
        published()
        .select_related("unit", "commendation")
        .order_by("-year", "-decision_date", "-pk")
    )


def public_page_model(pk: int) -> Initiative | None:
    """The model a public page (and a certificate's QR code) shows: a published one, or one
    once recognised that the annual review has since found no longer effective. It is off the
    list, but its certificate stays genuine, so its page says what happened instead of 404."""
    return (
        Initiative.objects.filter(state__in=PUBLIC_STATES)
        .select_related("unit", "commendation")
        .filter(pk=pk)
        .first()
    )


def search_public_models(
    *, q: str = "", year: int | None = None, field: str = "", unit_id: int | None = None
) -> QuerySet[Initiative]:
    qs = public_models().filter(~_recognised_higher())
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(unit__name__icontains=q)
            | Q(address__icontains=q)
            | Q(problem__icontains=q)
            | Q(result_achieved__icontains=q)
        )
    if year:
        qs = qs.filter(year=year)
    if field in Field.values:
        qs = qs.filter(field=field)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


def public_units() -> QuerySet[Unit]:
    """Units that have at least one published model (for the filter)."""
    return Unit.objects.filter(pk__in=listed().values("unit_id")).order_by("path")


def public_years() -> list[int]:
    return list(listed().order_by("-year").values_list("year", flat=True).distinct())


def report_as_data(report: dict) -> dict:
    """The report with plain values only (ids and names for units), for JSON and the API."""
    campaign = report["campaign"]
    return {
        **{k: v for k, v in report.items() if k not in ("committee", "campaign", "under_quota")},
        "committee": {"id": report["committee"].pk, "name": report["committee"].name},
        "period_start": report["period_start"].isoformat(),
        "period_end": report["period_end"].isoformat(),
        "campaign": {"id": campaign.pk, "year": campaign.year} if campaign else None,
        "under_quota": [
            {
                "unit_id": r["unit"].pk,
                "name": r["unit"].name,
                "registered": r["registered"],
                "quota": r["quota"],
                "missing": r["missing"],
            }
            for r in report["under_quota"]
        ],
    }
