"""What each kind of export job builds: (file name, bytes)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from django.utils.text import slugify

from units.models import Unit
from workflows.models import Initiative
from workflows.selectors import registering_units

from . import exports, selectors
from .models import ExportJob


def committee_form_units(committee: Unit, year: int) -> list[Unit]:
    """Units a committee's form book has a sheet for: those expected to register, and any
    other unit that registered something that year."""
    with_rows = Initiative.objects.filter(campaign__committee=committee, year=year).values(
        "unit_id"
    )
    expected = registering_units(committee).values("pk")
    return list(Unit.objects.filter(Q(pk__in=with_rows) | Q(pk__in=expected)).order_by("path"))


def build(job: ExportJob, *, progress: Callable[[int], None]) -> tuple[str, bytes]:
    params = job.params
    committee = Unit.objects.get(pk=params["committee"])
    if job.kind == ExportJob.Kind.REPORT:
        period = selectors.period_from_query(params["period"])
        report = selectors.committee_report(committee, period.start, period.end)
        progress(60)
        workbook = exports.report_workbook(report, period_label=period.label)
        name = f"bao-cao-{slugify(committee.code)}-{period.start:%Y%m}-{period.end:%Y%m}.xlsx"
        return name, exports.workbook_bytes(workbook)
    year = int(params["year"])
    units = committee_form_units(committee, year)
    rows = selectors.registration_rows(units, year)
    workbook = exports.registration_workbook(
        [(unit, rows[unit.pk]) for unit in units], year, progress=progress
    )
    return f"bieu-dang-ky-{slugify(committee.code)}-{year}.xlsx", exports.workbook_bytes(workbook)
