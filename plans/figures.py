"""The figures the system already knows about a unit in a period, read from the registrations:
what a periodic report is pre-filled with, what the compilation and the 3- and 5-year reviews
add up. One grouped query per figure, whatever the number of units.

Each figure counts the unit's own models (not those of the units under it, which report for
themselves), so the sum over a committee's units counts every model once:
- registered: models sent to the committee (past the unit's own review), created in the period;
- replicated: the same, of kind "nhân rộng";
- implemented: models started (start date) in the period that reached "đang thực hiện" or later;
- recognised: models recognised (decision recorded) in the period;
- people reached, funds mobilised: from the result reports of the models recognised in the
  period.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from workflows.models import Initiative, Kind, State

FIGURES = (
    ("registered", _("Số mô hình đăng ký")),
    ("implemented", _("Số mô hình triển khai thực hiện")),
    ("recognised", _("Số mô hình được công nhận")),
    ("replicated", _("Số mô hình nhân rộng")),
    ("people_reached", _("Số người được hưởng lợi")),
    ("funds_mobilised", _("Kinh phí huy động (đồng)")),
)
FIGURE_KEYS = tuple(key for key, _label in FIGURES)

# Past the unit's own review: the committee has it.
REACHED_COMMITTEE = [
    s for s in State.values if s not in (State.DRAFT, State.UNIT_REVIEW, State.WITHDRAWN)
]
IMPLEMENTING_OR_LATER = [
    State.IMPLEMENTING,
    State.SCORING,
    State.DECIDING,
    State.RECOGNIZED,
    State.NOT_RECOGNIZED,
    State.COMMENDED,
]
RECOGNISED = [State.RECOGNIZED, State.COMMENDED]


def empty() -> dict:
    return {key: 0 for key in FIGURE_KEYS}


def system_figures(unit_ids, start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """{unit id: {figure: value}} for the period [start, end] (both days included)."""
    unit_ids = list(unit_ids)
    out: dict[int, dict] = defaultdict(empty)
    for pk in unit_ids:
        out[pk]  # every unit present, zeros included
    base = Initiative.objects.filter(unit_id__in=unit_ids)
    registered = (
        base.filter(state__in=REACHED_COMMITTEE, created__date__range=(start, end))
        .values("unit_id")
        .annotate(n=Count("pk"), r=Count("pk", filter=Q(kind=Kind.REPLICATION)))
    )
    for row in registered:
        out[row["unit_id"]]["registered"] = row["n"]
        out[row["unit_id"]]["replicated"] = row["r"]
    implemented = (
        base.filter(state__in=IMPLEMENTING_OR_LATER, start_date__range=(start, end))
        .values("unit_id")
        .annotate(n=Count("pk"))
    )
    for row in implemented:
        out[row["unit_id"]]["implemented"] = row["n"]
    recognised = (
        base.filter(state__in=RECOGNISED, recognized_at__date__range=(start, end))
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            people=Sum("result_people_reached"),
            funds=Sum("result_funds_mobilised"),
        )
    )
    for row in recognised:
        out[row["unit_id"]]["recognised"] = row["n"]
        out[row["unit_id"]]["people_reached"] = row["people"] or 0
        out[row["unit_id"]]["funds_mobilised"] = int(row["funds"] or 0)
    return dict(out)


def total(rows) -> dict:
    """The figures summed over several units' figure dicts (unknown keys summed too)."""
    sums: dict = {}
    for figures in rows:
        for key, value in (figures or {}).items():
            if isinstance(value, int | float):
                sums[key] = sums.get(key, 0) + value
    return sums
