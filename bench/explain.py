"""EXPLAIN ANALYZE of the hot queries at scale: which index each one uses and what it costs.

Builds each query through the same selector the page or the door uses, for the busiest people
bench/generate.py made, and prints PostgreSQL's plan (first lines) with its execution time.
docs/performance.md quotes the result.

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench .venv/bin/python bench/explain.py \
        [--province 1 | --commune p01-x001]
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys

import _setup

_setup.django()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from reports.selectors import search_public_models  # noqa: E402
from units.models import Unit  # noqa: E402
from workflows import selectors  # noqa: E402
from workflows.models import Campaign  # noqa: E402


def plan(label: str, queryset, *, count: bool = False, limit: int = 25) -> None:
    qs = queryset.order_by() if count else queryset[:limit]
    sql, params = qs.query.get_compiler(using="default").as_sql()
    if count:
        sql = f"SELECT count(*) FROM ({sql}) AS counted"
    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in c.fetchall()]
    text = "\n".join(lines)
    indexes = sorted(
        set(re.findall(r"(?:Index|Index Only) Scan(?: Backward)? using (\w+)", text))
        | set(re.findall(r"Bitmap Index Scan on (\w+)", text))
    )
    seq = sorted(set(re.findall(r"Seq Scan on (\w+)", "\n".join(lines))))
    took = next((line for line in lines if line.startswith("Execution Time")), "")
    print(f"\n== {label}: {took.strip()}")
    print(f"   indexes: {', '.join(indexes) or '—'}; sequential scans: {', '.join(seq) or '—'}")
    for line in lines[:14]:
        print("   " + line[:150])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", type=int, default=1, help="whose people: 1 is p01")
    parser.add_argument(
        "--commune", help="a commune committee's people instead (national dataset): p01-x001"
    )
    args = parser.parse_args(argv)
    if args.commune:
        c = args.commune.lower()
        logins = (f"{c}-ub.head", f"{c}.reviewer", f"{c}.council0", f"{c}.auditor")
        unit_code, committee_code = f"{c}-ub".upper(), f"{c}-bdv".upper()
    else:
        p = f"p{args.province:02d}"
        logins = (f"{p}-d01.head", f"{p}.reviewer0", f"{p}.council0", f"{p}.auditor")
        unit_code, committee_code = f"{p}-d01".upper(), f"{p}-bdv".upper()
    head, reviewer, council, auditor = (User.objects.get(username=u) for u in logins)
    unit = Unit.objects.get(code=unit_code)
    year = timezone.localdate().year
    plan("inbox of a unit head", selectors.inbox_for(head))
    plan("inbox of a council member", selectors.inbox_for(council))
    plan("queue of a committee reviewer", selectors.queue_for(reviewer))
    plan("queue count (pagination)", selectors.queue_for(reviewer), count=True)
    plan("archive of a committee reviewer", selectors.archive_for(reviewer))
    plan(
        "unit dashboard: the unit's initiatives this year",
        selectors.visible_initiatives(head).filter(unit=unit, year=year),
        limit=50,
    )
    plan("initiatives in a reviewer's scope", selectors.visible_initiatives(reviewer))
    plan("… their count", selectors.visible_initiatives(reviewer), count=True)
    plan("audit search of an auditor", selectors.audit_search(auditor))
    # The audit trail is partitioned by year (decision 0015): a search bounded by dates reads
    # only its years' partitions; a timeline reads one index per partition.
    last_year = datetime.date(year - 1, 1, 1)
    plan(
        "audit search of an auditor, last year",
        selectors.audit_search(
            auditor, date_from=last_year, date_to=datetime.date(year - 1, 12, 31)
        ),
    )
    plan(
        "audit search of an auditor, one month of last year",
        selectors.audit_search(
            auditor, date_from=last_year.replace(month=3), date_to=datetime.date(year - 1, 3, 31)
        ),
    )
    older = selectors.visible_initiatives(auditor).filter(year=year - 3).order_by("pk").first()
    if older is not None:
        plan("timeline of a model three years old", selectors.timeline(older), limit=200)
    plan("public list", search_public_models(), limit=20)
    campaign = Campaign.objects.filter(committee__code=committee_code, year=year).first()
    if campaign:
        with connection.cursor() as c:
            c.execute("EXPLAIN ANALYZE SELECT 1")  # warm
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.quota_standing(campaign)
        print(
            f"\n== quota standing of one committee: {len(ctx.captured_queries)} queries, "
            f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(0)
