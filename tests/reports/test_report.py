"""Every figure of a committee's report, checked against a count made here independently."""

from __future__ import annotations

import datetime
import re
import statistics

import pytest
from django.urls import reverse

from reports.selectors import committee_report, period_from_query
from workflows.models import Field, Form, Initiative, Kind, State

pytestmark = pytest.mark.django_db


def _report(data, start=None, end=None):
    year = data.world.year
    start = start or datetime.date(year, 1, 1)
    end = end or datetime.date(year, 12, 31)
    return committee_report(data.world.units["bdv"], start, end)


def _mine(data):
    """This committee's initiatives of this year, counted with the ORM rather than the report."""
    return Initiative.objects.filter(
        campaign__committee=data.world.units["bdv"], year=data.world.year
    )


def test_counts_by_field_form_kind_state_and_unit_match_an_independent_count(year_of_data):
    data = year_of_data
    report = _report(data)
    mine = _mine(data)
    assert report["total"] == mine.count() == 6
    for key, name, choices in (
        ("by_field", "field", Field),
        ("by_form", "form", Form),
        ("by_kind", "kind", Kind),
        ("by_state", "state", State),
    ):
        got = {r["key"]: r["count"] for r in report[key]}
        assert set(got) == set(choices.values)
        for value in choices.values:
            assert got[value] == mine.filter(**{name: value}).count(), (key, value)
    assert {r["key"]: r["count"] for r in report["by_state"]}["commended"] == 1
    by_unit = {r["unit_id"]: (r["count"], r["recognized"]) for r in report["by_unit"]}
    dept, dept2 = data.world.units["dept"], data.world.units["dept2"]
    assert by_unit == {
        dept.pk: (mine.filter(unit=dept).count(), 2),
        dept2.pk: (mine.filter(unit=dept2).count(), 0),
    }
    assert by_unit[dept.pk][0] == 5


def test_new_replicated_recognised_and_commended(year_of_data):
    report = _report(year_of_data)
    mine = _mine(year_of_data)
    assert report["new"] == mine.filter(kind=Kind.NEW).count() == 5
    assert report["replication"] == mine.filter(kind=Kind.REPLICATION).count() == 1
    assert report["recognized"] == mine.filter(state__in=["recognized", "commended"]).count() == 2
    assert report["commended"] == mine.filter(state="commended").count() == 1


def test_units_under_quota(year_of_data):
    report = _report(year_of_data)
    # dept registered (non-draft, non-withdrawn) three; dept2 only has a draft.
    under = [(r["unit"].code, r["registered"], r["missing"]) for r in report["under_quota"]]
    assert under == [("SYT", 0, 1)]


def test_time_in_each_step_median_mean_and_slowest(year_of_data):
    data = year_of_data
    report = _report(data)
    steps = {s["state"]: s for s in report["steps"]}
    expected: dict[str, list[float]] = {}
    for state, days in data.stays:
        expected.setdefault(state, []).append(days)
    for state, values in expected.items():
        step = steps[state]
        assert step["count"] == len(values), state
        assert step["median"] == pytest.approx(statistics.median(values)), state
        assert step["mean"] == pytest.approx(statistics.fmean(values), abs=0.01), state
        assert step["slowest"] == pytest.approx(max(values)), state
    # implementing: A stayed 30 days, B 20: A is the slowest.
    assert steps["implementing"]["slowest_id"] == data.initiatives["a"].pk
    assert steps["draft"]["count"] == 4  # a, b, c, e left their draft; d and f have not
    assert steps["recognized"]["count"] == 1


def test_trend_per_year(year_of_data):
    data = year_of_data
    year = data.world.year
    report = _report(data)
    trend = {t["year"]: t for t in report["trend"]}
    assert sorted(trend) == list(range(year - 4, year + 1))
    assert trend[year]["count"] == 6
    assert trend[year]["recognized"] == 2 and trend[year]["commended"] == 1
    assert trend[year - 1]["count"] == 1 and trend[year - 1]["new"] == 1
    assert trend[year - 2]["count"] == 0


def test_a_range_of_years_covers_every_year_of_the_range(year_of_data):
    data = year_of_data
    year = data.world.year
    period = period_from_query({"period": "years", "year": str(year - 2), "to_year": str(year)})
    report = _report(data, period.start, period.end)
    assert report["total"] == 7
    # Last year's registration waited 3 days in draft.
    assert {s["state"]: s["count"] for s in report["steps"]}["draft"] == 5


def test_a_month_is_the_year_to_date_with_the_states_at_the_end_of_that_month(year_of_data):
    data = year_of_data
    period = period_from_query({"period": "month", "year": str(data.world.year), "month": "1"})
    assert period.start == datetime.date(data.world.year, 1, 1)
    assert period.end == datetime.date(data.world.year, 1, 31)
    report = _report(data, period.start, period.end)
    # A was registered on 5/1 and accepted on 20/1 (2 + 3 + 10 days); B only came in March.
    assert data.initiatives["b"].created.date() > period.end
    assert report["total"] == 1
    states = {r["key"]: r["count"] for r in report["by_state"]}
    assert states["implementing"] == 1 and sum(states.values()) == 1
    assert report["recognized"] == report["commended"] == 0
    # Stays that ended in January: A's draft, unit review and screening.
    assert {s["state"]: s["count"] for s in report["steps"] if s["count"]} == {
        "draft": 1,
        "unit_review": 1,
        "screening": 1,
    }
    # The trend counts last year's registration in its state at the end of January.
    trend = {t["year"]: t for t in report["trend"]}
    assert trend[data.world.year - 1]["count"] == 1


def test_a_quarter_sees_a_model_recognised_only_later_as_still_deciding(year_of_data):
    data = year_of_data
    year = data.world.year
    # A: 5/1 + 2 + 3 + 10 + 30 + 7 = 26/2 deciding, recognised 8 days later (6/3).
    report = _report(data, datetime.date(year, 1, 1), datetime.date(year, 3, 1))
    states = {r["key"]: r["count"] for r in report["by_state"]}
    assert states["deciding"] == 1 and report["recognized"] == 0
    full = _report(data)
    assert {r["key"]: r["count"] for r in full["by_state"]}["deciding"] == 0


@pytest.mark.parametrize(
    "params,start,end",
    [
        ({"period": "quarter", "year": "2025", "quarter": "2"}, (2025, 4, 1), (2025, 6, 30)),
        ({"period": "half", "year": "2025", "half": "2"}, (2025, 7, 1), (2025, 12, 31)),
        ({"period": "years", "year": "2021", "to_year": "2025"}, (2021, 1, 1), (2025, 12, 31)),
        ({"period": "nonsense", "year": "2024"}, (2024, 1, 1), (2024, 12, 31)),
        ({"period": "month", "year": "2024", "month": "2"}, (2024, 2, 1), (2024, 2, 29)),
    ],
)
def test_periods(params, start, end):
    period = period_from_query(params)
    assert (period.start, period.end) == (datetime.date(*start), datetime.date(*end))


def test_the_report_costs_a_fixed_number_of_queries(year_of_data, django_assert_num_queries):
    from tests.workflows.conftest import draft

    # Six, and the levels' two (nominations both ways, annual review outcomes).
    with django_assert_num_queries(8):
        _report(year_of_data)
    for n in range(5):
        draft(year_of_data.world, title=f"Thêm {n}")
    with django_assert_num_queries(8):
        _report(year_of_data)


def test_overview_page_for_the_committee_with_charts(year_of_data, client):
    client.force_login(year_of_data.world.leader)
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 3
    # SVG coordinates stay "12.5" even where Vietnamese formats numbers as "12,5".
    svg = html[html.index("<svg") :]
    assert not re.search(r'(width|x|y)="\d+,\d', svg)
    assert 'data-figure="total">6<' in html
    assert "Sở Y tế" in html  # under quota
    assert "<script" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("who", ["reviewer", "leader", "member1", "auditor"])
def test_the_committees_people_see_its_report(year_of_data, client, who):
    client.force_login(getattr(year_of_data.world, who))
    assert client.get(reverse("reports:overview")).status_code == 200
    assert client.get(reverse("reports:report_print")).status_code == 200


@pytest.mark.parametrize("who", ["staff", "head", "b_staff"])
def test_others_get_404(year_of_data, client, who):
    client.force_login(getattr(year_of_data.world, who))
    assert client.get(reverse("reports:overview")).status_code == 404


def test_another_committees_people_cannot_ask_for_this_committee(year_of_data, client):
    client.force_login(year_of_data.world.b_leader)
    bdv = year_of_data.world.units["bdv"]
    assert client.get(reverse("reports:overview"), {"committee": bdv.pk}).status_code == 404


def test_report_export_runs_as_a_job_with_progress_and_a_download(
    year_of_data, client, django_capture_on_commit_callbacks, jobs_in_process
):
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.models import ExportJob

    client.force_login(year_of_data.world.leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_export"), {"period": "year", "year": year_of_data.world.year}
        )
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:job", args=[job.pk])
    assert (job.status, job.progress) == ("done", 100)
    page = client.get(response.url).content.decode()
    assert reverse("reports:job_download", args=[job.pk]) in page
    assert 'http-equiv="refresh"' not in page
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    workbook = load_workbook(BytesIO(b"".join(download.streaming_content)))
    summary = workbook.worksheets[0]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert values["Tổng số mô hình, điển hình"] == 6
    assert values["Được khen thưởng"] == 1
    # Someone else's job is not found.
    client.force_login(year_of_data.world.reviewer)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404


def test_a_pending_job_page_refreshes_itself(year_of_data, client):
    from reports.models import ExportJob

    job = ExportJob.objects.create(kind="report", requested_by=year_of_data.world.leader)
    client.force_login(year_of_data.world.leader)
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page


def test_the_report_as_plain_data_is_json_ready(year_of_data):
    import json

    from reports.selectors import report_as_data

    data = report_as_data(_report(year_of_data))
    assert json.loads(json.dumps(data))["total"] == 6
    assert data["under_quota"][0]["name"] == "Sở Y tế"
