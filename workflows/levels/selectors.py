"""Reads for the levels: a model's nominations, a committee's standing with the level above
and below, its annual reviews, and the counts the reports show."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from units.models import Unit
from units.selectors import lower_committees, parent_committee

from ..models import AnnualReview, Campaign, Initiative, ModelReview, ReviewOutcome, State
from .nominations import ENDED_NOMINATION_STATES, active_nominations
from .reviews import models_under_review

RECOGNIZED = (State.RECOGNIZED, State.COMMENDED)


def nominations_of(initiative: Initiative) -> QuerySet[Initiative]:
    """Where this model was nominated up, and how it stands there (newest first)."""
    return (
        Initiative.objects.filter(nominated_from=initiative)
        .select_related("campaign__committee")
        .order_by("-pk")
    )


def nominated_from(initiative: Initiative) -> Initiative | None:
    if initiative.nominated_from_id is None:
        return None
    return (
        Initiative.objects.select_related("campaign__committee", "unit")
        .filter(pk=initiative.nominated_from_id)
        .first()
    )


def nominable(committee: Unit, year: int) -> QuerySet[Initiative]:
    """The committee's recognised models of the year not yet (or no longer) nominated up."""
    pending = Initiative.objects.filter(nominated_from__isnull=False).exclude(
        state__in=ENDED_NOMINATION_STATES
    )
    return (
        Initiative.objects.filter(campaign__committee=committee, year=year, state__in=RECOGNIZED)
        .exclude(review_outcome=ReviewOutcome.INEFFECTIVE)
        .exclude(pk__in=pending.values("nominated_from_id"))
        .select_related("unit")
        .order_by("-total_score", "pk")
    )


def upward(committee: Unit, year: int) -> dict:
    """This committee and the level above for one year: the higher campaign's quota, deadline
    and announcement date, what was nominated and how it came back."""
    parent = parent_committee(committee)
    campaign = (
        Campaign.objects.filter(committee=parent, year=year).select_related("committee").first()
        if parent
        else None
    )
    sent = list(
        Initiative.objects.filter(nominated_by=committee, year=year)
        .select_related("campaign__committee", "nominated_from", "unit")
        .order_by("-pk")
    )
    used = active_nominations(campaign, committee).count() if campaign else 0
    return {
        "committee": committee,
        "parent": parent,
        "campaign": campaign,
        "sent": sent,
        "used": used,
        "left": max(campaign.nomination_quota - used, 0) if campaign else 0,
        "closed": bool(
            campaign
            and campaign.nomination_deadline
            and timezone.localdate() > campaign.nomination_deadline
        ),
        "nominable": list(nominable(committee, year)) if campaign else [],
    }


def downward(committee: Unit, year: int) -> list[dict]:
    """The committees one level below: how many models each nominated to this committee's
    campaign of the year, and where they stand."""
    rows = []
    counts: dict[int, Counter] = {}
    for row in (
        Initiative.objects.filter(campaign__committee=committee, year=year)
        .exclude(nominated_by=None)
        .values("nominated_by_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["nominated_by_id"], Counter())[row["state"]] += row["n"]
    for lower in lower_committees(committee):
        states = counts.get(lower.pk, Counter())
        rows.append(
            {
                "committee": lower,
                "nominated": sum(states.values()),
                "recognized": sum(states[s] for s in RECOGNIZED),
                "returned": states[State.RETURNED],
                "states": dict(states),
            }
        )
    return rows


def level_counts(committee: Unit, first_year: int, last_year: int) -> list[dict]:
    """Per year: what the committee nominated up and what came back (recognised, not
    recognised, returned, still under way), what it received from below, and its annual
    review's outcomes. Two queries."""
    up: dict[int, Counter] = {}
    down: dict[int, Counter] = {}
    # Both directions in one read: nominated by this committee, or received by its campaigns.
    for row in (
        Initiative.objects.filter(year__range=(first_year, last_year))
        .filter(
            Q(nominated_by=committee) | Q(campaign__committee=committee, nominated_by__isnull=False)
        )
        .values("year", "state", "nominated_by_id")
        .annotate(n=Count("pk"))
    ):
        side = up if row["nominated_by_id"] == committee.pk else down
        side.setdefault(row["year"], Counter())[row["state"]] += row["n"]
    reviewed: dict[int, Counter] = {}
    for row in (
        ModelReview.objects.filter(
            review__committee=committee, review__year__range=(first_year, last_year)
        )
        .exclude(outcome="")
        .values("review__year", "outcome")
        .annotate(n=Count("pk"))
    ):
        reviewed.setdefault(row["review__year"], Counter())[row["outcome"]] += row["n"]
    rows = []
    for year in range(first_year, last_year + 1):
        u, d, r = up.get(year, Counter()), down.get(year, Counter()), reviewed.get(year, Counter())
        rows.append(
            {
                "year": year,
                "nominated_up": sum(u.values()),
                "up_recognized": sum(u[s] for s in RECOGNIZED),
                "up_not_recognized": u[State.NOT_RECOGNIZED],
                "up_returned": u[State.RETURNED],
                "received": sum(d.values()),
                "received_recognized": sum(d[s] for s in RECOGNIZED),
                "replicate": r[ReviewOutcome.REPLICATE],
                "consolidate": r[ReviewOutcome.CONSOLIDATE],
                "ineffective": r[ReviewOutcome.INEFFECTIVE],
            }
        )
    return rows


def review_page(review: AnnualReview) -> list[dict]:
    """Each model the review covers with its report and outcome (two queries)."""
    entries = {e.initiative_id: e for e in review.entries.select_related("decided_by")}
    return [{"initiative": i, "entry": entries.get(i.pk)} for i in models_under_review(review)]


def levels_of(initiative: Initiative, user) -> dict:
    """What the model's page shows about levels: where it came from (when the person may open
    it), where it was nominated and how it stands there, and its annual reviews."""
    from ..access import can_see

    source = nominated_from(initiative)
    return {
        "from": source,
        "from_visible": source is not None and can_see(user, source),
        "to": list(nominations_of(initiative)),
        "reviews": list(
            initiative.reviews.select_related("review", "decided_by").order_by("-review__year")
        ),
    }


def replicable() -> QuerySet[Initiative]:
    """Models another unit may replicate (the recognised and commended ones, public anyway):
    those the annual review says to keep replicating first, none it found no longer effective."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        Initiative.objects.filter(state__in=RECOGNIZED, nominated_from=None)  # the model itself
        .exclude(review_outcome=ReviewOutcome.INEFFECTIVE)
        .select_related("unit")
        .annotate(
            suggested=Case(
                When(review_outcome=ReviewOutcome.REPLICATE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("suggested", "-year", "title")
    )
