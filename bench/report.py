"""The annual report of the largest committee (and its 5-year review), timed in-process.

Calls reports.selectors.committee_report, the function behind the report page and its
exports, for the committee with the most initiatives, over the current year and over the
5-year period; prints the median and p95 of repeated runs and the SQL statements per report.

usage:
    DATABASE_URL=postgres://root@127.0.0.1:5432/dvk_bench .venv/bin/python bench/report.py \
        [--runs 15] [--committee P07-BDV P01-X001-BDV]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time

import _setup
from _report import machine, pct

_setup.django()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports.selectors import committee_report  # noqa: E402
from units.models import Unit  # noqa: E402
from workflows.models import Initiative  # noqa: E402


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--committee",
        nargs="+",
        help="committee codes (P07-BDV, P01-X001-BDV); by default the one with most models",
    )
    args = parser.parse_args(argv)
    print(machine())
    if args.committee:
        for code in args.committee:
            committee = Unit.objects.get(code=code)
            time_reports(
                committee,
                Initiative.objects.filter(campaign__committee=committee).count(),
                args.runs,
            )
    else:
        top = (
            Initiative.objects.values("campaign__committee")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        time_reports(Unit.objects.get(pk=top["campaign__committee"]), top["n"], args.runs)
    print("target: the annual report under 1 s")


def time_reports(committee: Unit, models: int, runs: int) -> None:
    year = timezone.localdate().year
    periods = {
        "annual": (datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        "5-year review": (datetime.date(year - 4, 1, 1), datetime.date(year, 12, 31)),
    }
    print(f"committee: {committee.name}, {models} initiatives over all years")
    for label, (start, end) in periods.items():
        committee_report(committee, start, end)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            report = committee_report(committee, start, end)
        laps = []
        for _ in range(runs):
            t = time.perf_counter()
            committee_report(committee, start, end)
            laps.append(time.perf_counter() - t)
        print(
            f"{label}: {report['total']} initiatives, median {pct(laps, 50):.0f} ms, "
            f"p95 {pct(laps, 95):.0f} ms, {len(ctx.captured_queries)} queries"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
