"""Every .xlsx the service writes holds what people typed as plain text: never a formula, and
without the control characters that an .xlsx cannot hold (which made the export fail).

Each export is produced through its real door (the page, the API, or the Celery job run
in-process) with hostile text in the free-text fields that reach it, then read back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.test import APIClient

from accounts.tokens import issue
from core.spreadsheets import FORMULA_STARTS, safe_cell, unquote, write
from tests.reports.conftest import jobs_in_process  # noqa: F401 - a fixture
from tests.workflows.conftest import advance, build_world, draft
from units.models import Unit
from workflows import services
from workflows.models import State

# What a person may type (PostgreSQL refuses NUL, so "a\x00b" is only fed to the writer).
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "ok\u0005"]
EVERYTHING = [*HOSTILE, "a\x00b"]
NAMES = dict(
    zip(EVERYTHING, ["hyperlink", "plus", "minus", "at", "tab", "control", "nul"], strict=True)
)


def expected(value: str) -> set[str]:
    """How `value` may come back out of a sheet: cleaned and quoted, as typed or stripped (as
    the door stores a reason)."""
    return {safe_cell(value), safe_cell(value.strip())}


def cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


def assert_harmless(content: bytes, value: str) -> None:
    """No formula, no text a spreadsheet would run, no control character; and `value`, as
    expected(), really is in the file (so the test did reach the export)."""
    texts = []
    for cell in cells(content):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)
            assert not ILLEGAL_CHARACTERS_RE.search(cell.value), (cell.coordinate, cell.value)
            texts.append(cell.value)
    assert any(e in text for e in expected(value) for text in texts), (value, texts)


@pytest.fixture
def hostile_world(request, db):
    """The lifecycle world with `value` as the unit's name and in every free-text field of
    one registration, which the head sent back with `value` as the reason (so the value also
    is the title of the only model that left a step: the report's slowest)."""
    value = request.param
    world = build_world()
    Unit.objects.filter(pk=world.units["dept"].pk).update(name=value, short_name=value)
    world.units["dept"].refresh_from_db()
    initiative = draft(
        world,
        title=value,
        address=value,
        problem=value,
        implementers=value,
        expected_results=value,
    )
    initiative = advance(world, initiative, State.UNIT_REVIEW)
    services.perform(initiative.pk, "return", actor=world.head, comment=value)
    return world, value


hostile = pytest.mark.parametrize("hostile_world", HOSTILE, indirect=True, ids=NAMES.get)


def _job_file(client, url: str, data: dict, capture) -> bytes:
    from reports.models import ExportJob

    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    return b"".join(download.streaming_content)


@pytest.mark.parametrize("value", EVERYTHING, ids=NAMES.get)
@pytest.mark.parametrize("write_only", [False, True], ids=["sheet", "write-only"])
def test_the_writer_keeps_hostile_text_as_plain_text(value, write_only):
    book = Workbook(write_only=write_only)
    if write_only:
        ws = book.create_sheet("s")
        ws.append([safe_cell(value), safe_cell(42), safe_cell(None)])
    else:
        ws = book.active
        write(ws.cell(1, 1), value)
        write(ws.cell(1, 2), 42)
    out = io.BytesIO()
    book.save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A1"].data_type == "s"
    cleaned = re.sub(r"[\x00-\x08]", "", value)
    assert sheet["A1"].value == "'" * (value[0] in "=+-@\t") + cleaned
    assert unquote(sheet["A1"].value) == cleaned
    assert sheet["B1"].value == 42


@hostile
def test_the_report_export(
    hostile_world,
    client,
    django_capture_on_commit_callbacks,
    jobs_in_process,  # noqa: F811
):
    world, value = hostile_world
    client.force_login(world.leader)
    content = _job_file(
        client,
        reverse("reports:report_export"),
        {"period": "year", "year": world.year},
        django_capture_on_commit_callbacks,
    )
    assert_harmless(content, value)
    steps = load_workbook(io.BytesIO(content)).worksheets[2]
    assert expected(value) & {c.value for row in steps.iter_rows() for c in row}


@hostile
def test_the_registration_form_export(hostile_world, client):
    world, value = hostile_world
    client.force_login(world.staff)
    response = client.get(reverse("reports:form_xlsx", args=[world.units["dept"].pk, world.year]))
    assert response.status_code == 200
    assert_harmless(response.content, value)
    # The address is a cell of its own: quoted, and read back as typed by the form's import.
    assert expected(value) & {c.value for c in cells(response.content)}


@hostile
def test_the_committees_book_of_forms(
    hostile_world,
    client,
    django_capture_on_commit_callbacks,
    jobs_in_process,  # noqa: F811
):
    world, value = hostile_world
    client.force_login(world.reviewer)
    content = _job_file(
        client,
        reverse("reports:committee_forms"),
        {"year": world.year},
        django_capture_on_commit_callbacks,
    )
    assert_harmless(content, value)


@hostile
def test_the_audit_export_page(hostile_world, client):
    world, value = hostile_world
    client.force_login(world.auditor)
    response = client.get(reverse("workflows:audit_search"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_harmless(response.content, value)


@hostile
def test_the_audit_export_api(hostile_world):
    world, value = hostile_world
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue(world.auditor)[1]}")
    response = api.get("/api/v1/audit/export", {"type": "xlsx"})
    assert response.status_code == 200
    assert_harmless(response.content, value)


@pytest.mark.django_db
def test_a_hostile_address_survives_the_forms_round_trip(client):
    """The form's import reads back what the export quoted, as it was typed."""
    from reports import services as report_services

    world = build_world()
    draft(world, title="Mô hình A", address="=1+2 thôn Đông")
    client.force_login(world.staff)
    content = client.get(
        reverse("reports:form_xlsx", args=[world.units["dept"].pk, world.year])
    ).content
    assert "'=1+2 thôn Đông" in [c.value for c in cells(content)]
    rows = report_services.read_registration_form(io.BytesIO(content), "form.xlsx")
    assert [row.fields["address"] for row in rows] == ["=1+2 thôn Đông"]


def test_every_xlsx_writer_goes_through_core_spreadsheets():
    """A module that builds a workbook writes its cells through core.spreadsheets."""
    root = Path(__file__).resolve().parent.parent
    builders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {"tests", "core", ".venv", ".git"}:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bWorkbook\(", text):
            builders.append(str(relative))
            assert "core.spreadsheets" in text, relative
    assert sorted(builders) == ["plans/exports.py", "reports/exports.py", "workflows/exports.py"]
    # The blank files of the imports (units, people, past years) are built in core.workbooks,
    # which writes every cell through core.spreadsheets too.
    blank_files = (root / "core" / "workbooks.py").read_text(encoding="utf-8")
    assert "from .spreadsheets import write" in blank_files
    assert ".value =" not in blank_files
