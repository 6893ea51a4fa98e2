"""Reads: the work waiting in the inbox, where each unit stands on a plan or a period, the
committee's compilation of a period's reports and the 3- and 5-year reviews. A few queries each,
whatever the number of units."""

from __future__ import annotations

import datetime
from collections import Counter
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.models import Role, Unit
from units.selectors import memberships_of
from workflows.access import principals

from . import access, figures
from .models import Filing, FilingState, Plan, PlanState, ReportingCalendar, ReportPeriod

INBOX_LIMIT = 100

# Where a unit stands, in the order the committee's page lists them.
STANDINGS = (
    ("on_time", gettext_lazy("Gửi đúng hạn")),
    ("late", gettext_lazy("Gửi muộn")),
    ("returned_refiled", gettext_lazy("Bị trả lại, đã gửi lại")),
    ("returned", gettext_lazy("Bị trả lại, chưa gửi lại")),
    ("overdue", gettext_lazy("Quá hạn, chưa gửi")),
    ("pending", gettext_lazy("Chưa gửi, còn hạn")),
)
STANDING_LABELS = dict(STANDINGS)
FILED = (FilingState.SENT, FilingState.ACCEPTED)


def standing(filing: Filing, *, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if filing.returned_count:
        return "returned_refiled" if filing.state in FILED else "returned"
    if filing.state in FILED:
        return "late" if filing.filed_late else "on_time"
    return "overdue" if filing.due_on < today else "pending"


def standings(filings, *, today: datetime.date | None = None) -> dict:
    """Rows (one per filing, with its standing) and the count of each standing."""
    rows = []
    counts: Counter = Counter()
    for filing in filings:
        key = standing(filing, today=today)
        counts[key] += 1
        rows.append({"filing": filing, "standing": key, "label": STANDING_LABELS[key]})
    return {
        "rows": rows,
        "counts": [{"key": k, "label": label, "count": counts.get(k, 0)} for k, label in STANDINGS],
        "by_key": {k: counts.get(k, 0) for k, _l in STANDINGS},
        "total": len(rows),
    }


def overview(filings) -> dict[int, dict]:
    """{plan or period id: {"sent", "total", "overdue", "returned"}} for a dashboard, from the
    filings given (one query)."""
    today = timezone.localdate()
    out: dict[int, dict] = {}
    for filing in filings.only(
        "plan_id", "period_id", "state", "due_on", "returned_count", "filed_late"
    ):
        key = filing.plan_id or filing.period_id
        row = out.setdefault(key, {"sent": 0, "total": 0, "overdue": 0, "returned": 0})
        row["total"] += 1
        found = standing(filing, today=today)
        row["sent"] += found in ("on_time", "late", "returned_refiled")
        row["overdue"] += found == "overdue"
        row["returned"] += found == "returned"
    return out


def plan_standing(plan: Plan) -> dict:
    return standings(plan.filings.select_related("unit").order_by("unit__path"))


def period_standing(period: ReportPeriod) -> dict:
    return standings(period.filings.select_related("unit").order_by("unit__path"))


# ---------------------------------------------------------------------------------------------
# The inbox


def _unit_clause(paths: list[str]) -> Q | None:
    return reduce(or_, [Q(unit__path__startswith=p) for p in paths]) if paths else None


def inbox_rows(user) -> list[dict]:
    """What waits for the person (or whom they stand in for): filings to draft and submit,
    to sign, to accept; plans to approve."""
    if user is None or not user.is_authenticated:
        return []
    staff_paths, head_paths = [], []
    committees: set[int] = set()
    leads: set[int] = set()
    for person in principals(user):
        for m in memberships_of(person):
            if m.role == Role.UNIT_STAFF:
                staff_paths.append(m.unit.path)
            elif m.role == Role.UNIT_HEAD:
                head_paths.append(m.unit.path)
            elif m.role in (Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER):
                committees.add(m.unit_id)
                if m.role == Role.COMMITTEE_LEADER:
                    leads.add(m.unit_id)
    clauses = []
    if staff_paths:
        clauses.append(Q(state=FilingState.DRAFT) & _unit_clause(staff_paths))
    if head_paths:
        clauses.append(Q(state=FilingState.SIGNING) & _unit_clause(head_paths))
    if committees:
        clauses.append(Q(state=FilingState.SENT, committee_id__in=committees))
    rows = []
    today = timezone.localdate()
    steps = {
        FilingState.DRAFT: _("Soạn và trình thủ trưởng ký"),
        FilingState.SIGNING: _("Ký và gửi Ban"),
        FilingState.SENT: _("Tiếp nhận hoặc trả lại"),
    }
    if clauses:
        found = (
            Filing.objects.filter(reduce(or_, clauses))
            .select_related("unit", "plan", "period")
            .order_by("due_on", "pk")[:INBOX_LIMIT]
        )
        for filing in found:
            step = steps[filing.state]
            if filing.state == FilingState.DRAFT and filing.returned_count:
                step = _("Sửa và gửi lại (Ban đã trả lại)")
            rows.append(
                {
                    "title": str(filing).rsplit(" — ", 1)[0],
                    "unit": filing.unit.name,
                    "step": step,
                    "due": filing.due_on,
                    "overdue": filing.state != FilingState.SENT and filing.due_on < today,
                    "url": filing.get_absolute_url(),
                }
            )
    if leads:
        for plan in Plan.objects.filter(
            committee_id__in=leads, state=PlanState.PENDING
        ).select_related("committee")[:INBOX_LIMIT]:
            rows.append(
                {
                    "title": str(plan),
                    "unit": plan.committee.name,
                    "step": _("Duyệt và ban hành kế hoạch"),
                    "due": None,
                    "overdue": False,
                    "url": plan.get_absolute_url(),
                }
            )
    return rows


def inbox_section(user) -> dict | None:
    """The task inbox's section for plans and reports (workflows.selectors.INBOX_SECTIONS)."""
    rows = inbox_rows(user)
    if not rows:
        return None
    return {"key": "plans", "heading": _("Kế hoạch và báo cáo định kỳ"), "rows": rows}


# ---------------------------------------------------------------------------------------------
# Lists


def committee_choices(user, roles=None) -> QuerySet[Unit]:
    ids = access.committees_of(user, roles=roles) if roles else access.committees_of(user)
    if user.is_superuser:
        return Unit.objects.filter(is_committee=True).order_by("path")
    return Unit.objects.filter(pk__in=ids).order_by("path")


def scope_units(committee: Unit) -> QuerySet[Unit]:
    from .services import recipient_units

    return recipient_units(committee)


def visible_periods(user) -> QuerySet[ReportPeriod]:
    committees = access.committees_of(user, roles=access.COMMITTEE_SIDE)
    qs = ReportPeriod.objects.select_related("calendar__committee")
    if user.is_superuser:
        return qs
    return qs.filter(calendar__committee_id__in=committees)


def visible_calendars(user) -> QuerySet[ReportingCalendar]:
    committees = access.committees_of(user, roles=access.COMMITTEE_SIDE)
    qs = ReportingCalendar.objects.select_related("committee")
    if user.is_superuser:
        return qs
    return qs.filter(committee_id__in=committees)


def get_visible_period(user, pk: int) -> ReportPeriod | None:
    return visible_periods(user).filter(pk=pk).first()


# ---------------------------------------------------------------------------------------------
# The committee's compilation and the reviews


def compilation(period: ReportPeriod) -> dict:
    """A period's reports side by side: per unit its standing, figures (what it sent, and what
    the system counts) and sections; the figures summed over the units that sent."""
    filings = list(period.filings.select_related("unit").order_by("unit__path"))
    figure_items = [{"key": k, "title": str(label)} for k, label in figures.FIGURES] + list(
        period.extra_figures
    )
    rows = []
    for filing in filings:
        sent = filing.state in FILED
        rows.append(
            {
                "unit": filing.unit,
                "filing": filing,
                "sent": sent,
                "standing": STANDING_LABELS[standing(filing)],
                "figures": [filing.figures.get(f["key"]) if sent else None for f in figure_items],
                "system": [filing.prefilled.get(f["key"]) for f in figure_items],
                "sections": [
                    filing.sections.get(s["key"], "") if sent else "" for s in period.sections
                ],
            }
        )
    reported = figures.total(r["filing"].figures for r in rows if r["sent"])
    system = figures.total(r["filing"].prefilled for r in rows)
    return {
        "period": period,
        "committee": period.calendar.committee,
        "figure_items": figure_items,
        "sections": period.sections,
        "rows": rows,
        "totals": [reported.get(f["key"], 0) for f in figure_items],
        "system_totals": [system.get(f["key"], 0) for f in figure_items],
        "sent": sum(1 for r in rows if r["sent"]),
        "units": len(rows),
    }


def review(committee: Unit, first_year: int, last_year: int) -> dict:
    """The 3- or 5-year review (sơ kết, tổng kết): the system's figures per year and per unit
    over the years, from the same data as the periodic reports."""
    units = list(scope_units(committee))
    ids = [u.pk for u in units]
    per_year = []
    for year in range(first_year, last_year + 1):
        known = figures.system_figures(ids, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        sums = figures.total(known.values())
        per_year.append({"year": year, "figures": [sums.get(k, 0) for k in figures.FIGURE_KEYS]})
    known = figures.system_figures(
        ids, datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
    )
    per_unit = [
        {"unit": u, "figures": [known[u.pk][k] for k in figures.FIGURE_KEYS]} for u in units
    ]
    sums = figures.total(known.values())
    return {
        "committee": committee,
        "first_year": first_year,
        "last_year": last_year,
        "figure_items": [{"key": k, "title": str(label)} for k, label in figures.FIGURES],
        "per_year": per_year,
        "per_unit": [r for r in per_unit if any(r["figures"])],
        "totals": [sums.get(k, 0) for k in figures.FIGURE_KEYS],
    }


def filing_url(pk: int) -> str:
    return reverse("plans:filing_detail", args=[pk])
