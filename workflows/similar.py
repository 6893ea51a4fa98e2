"""Titles that look alike: duplicates of a unit's own registration, and models another unit (or
an earlier year) already built, which a new registration may be replicating.

On PostgreSQL the ranking is pg_trgm's `similarity()` (TrigramSimilarity; the extension comes
with migration 0013). On SQLite the same measure is computed in Python: the share of
three-letter pieces two titles have in common, each word padded as pg_trgm pads it, on titles
folded to lower case without Vietnamese marks (core.imports.fold). The two agree closely
enough for one pair of thresholds; PostgreSQL's is accent-sensitive ("khéo" ≠ "kheo").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.utils.translation import gettext as _

from core.imports import fold
from units.models import Unit

from . import access
from .models import Initiative, State

# Same unit, same year, at least this alike: a near duplicate (refused by an import, warned
# about on the page). Measured on seed-like titles: a reworded title of the same model scores
# 0.6–0.95; two different models of one field that share "xây dựng nông thôn" about 0.3.
NEAR_DUPLICATE = 0.6
# Other units' and published models at least this alike are suggested as possible sources.
SUGGESTED = 0.35
SUGGESTIONS = 5
# pg_trgm's `%` (pg_trgm.similarity_threshold, 0.3 by default) picks the candidates through the
# title's trigram index (migration 0016); similarity() then applies the thresholds above, which
# must not be lower than it.
PREFILTER = 0.3
assert min(NEAR_DUPLICATE, SUGGESTED) >= PREFILTER
PUBLISHED = (State.RECOGNIZED, State.COMMENDED)


@dataclass(frozen=True)
class Similar:
    initiative: Initiative
    similarity: float
    exact: bool = False

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)

    def __str__(self) -> str:
        return _("“%(title)s” (%(unit)s, năm %(year)d)") % {
            "title": self.initiative.title,
            "unit": self.initiative.unit.name,
            "year": self.initiative.year,
        }


def trigrams(text: str) -> set[str]:
    """pg_trgm's pieces of a folded text: each word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in fold(text).split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def title_similarity(a: str, b: str) -> float:
    """Shared pieces over all pieces (0–1), as pg_trgm's similarity()."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def ranked(qs: QuerySet[Initiative], title: str, *, threshold: float, limit: int) -> list[Similar]:
    """Initiatives of `qs` whose title is at least `threshold` alike, most alike first."""
    title = (title or "").strip()
    if not fold(title):
        return []
    qs = qs.select_related("unit")
    if connection.vendor == "postgresql":
        rows = (
            qs.filter(TrigramSimilar(F("title"), Value(title)))
            .annotate(similarity=TrigramSimilarity("title", title))
            .filter(similarity__gte=threshold)
            .order_by("-similarity", "-year", "pk")[:limit]
        )
        found = [Similar(r, float(r.similarity)) for r in rows]
    else:
        scored = [(title_similarity(title, r.title), r) for r in qs]
        scored.sort(key=lambda pair: (-pair[0], -pair[1].year, pair[1].pk))
        found = [Similar(r, s) for s, r in scored if s >= threshold][:limit]
    folded = fold(title)
    # Titles equal once folded are exact duplicates whatever the measure says.
    return [Similar(s.initiative, s.similarity, fold(s.initiative.title) == folded) for s in found]


def duplicates(
    title: str, *, unit: Unit, year: int, exclude_pk: int | None = None
) -> list[Similar]:
    """The unit's own models of the year with the same or a near title (withdrawn ones aside):
    registering one of them again is a duplicate."""
    qs = Initiative.objects.filter(unit=unit, year=year).exclude(state=State.WITHDRAWN)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return ranked(qs, title, threshold=NEAR_DUPLICATE, limit=SUGGESTIONS)


def replication_sources(
    title: str, *, actor, unit: Unit, year: int, exclude_pk: int | None = None
) -> list[Similar]:
    """Models a registration of `unit` may be replicating ("có thể là nhân rộng của …"): the
    published (recognised, commended) models of any unit and year, and the models of other
    units that `actor` may see; the unit's own models of the same year are duplicates, not
    sources. Most alike first."""
    qs = Initiative.objects.exclude(unit=unit, year=year).exclude(state=State.WITHDRAWN)
    if not getattr(actor, "is_superuser", False):
        qs = qs.filter(Q(state__in=PUBLISHED) | access.initiative_scope_q(actor))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return ranked(qs, title, threshold=SUGGESTED, limit=SUGGESTIONS)


# While a registration is prepared (and names no source) it hears of the models it may replicate.
SUGGESTING_STATES = (State.DRAFT, State.UNIT_REVIEW, State.SCREENING)


def suggestions_for(actor, initiative: Initiative) -> list[Similar]:
    """replication_sources for a registration being prepared that names no source; else none."""
    if initiative.replicates_id or initiative.state not in SUGGESTING_STATES:
        return []
    return replication_sources(
        initiative.title,
        actor=actor,
        unit=initiative.unit,
        year=initiative.year,
        exclude_pk=initiative.pk,
    )
