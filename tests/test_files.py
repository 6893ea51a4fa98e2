"""Attachments and export files leave the service only through views that apply their object's
access rule: an attachment to whoever may see its initiative (workflows.access.can_see, with
delegation), an export to whoever asked for it. Nothing serves /media/, with DEBUG on or off;
stored names are random; production hands the bytes to nginx (X-Accel-Redirect); old exports
are removed and their jobs marked expired."""

from __future__ import annotations

import datetime
import importlib
import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.conftest import Api
from tests.reports.conftest import jobs_in_process  # noqa: F401 - a fixture
from tests.workflows.conftest import advance, build_world, draft, pdf
from workflows.models import Attachment, Delegation, State

LOGIN = reverse("login")


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def debug_urls():
    """The URLconf as `make run` builds it: with DEBUG on when config.urls is imported."""
    import config.urls

    with override_settings(DEBUG=True):
        clear_url_caches()
        importlib.reload(config.urls)
        yield
    clear_url_caches()
    importlib.reload(config.urls)


def _initiative_with(world, *names: str):
    return draft(world, attachments=[pdf(name) for name in names])


def _link(client, initiative, name: str) -> str:
    """The link the initiative's page gives for the attachment called `name`."""
    page = client.get(reverse("workflows:initiative_detail", args=[initiative.pk]))
    assert page.status_code == 200
    found = re.findall(r'href="([^"]+)"[^>]*>' + re.escape(name) + "<", page.content.decode())
    assert found, f"no link to {name} on the page"
    return found[0]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _media(name: str) -> str:
    return "/media/" + name


# ---------------------------------------------------------------------------------------------
# Attachments through the page


@pytest.mark.parametrize("who", ["staff", "head", "reviewer", "auditor"])
def test_a_person_in_scope_downloads_the_attachment_under_its_own_name(world, client, who):
    initiative = _initiative_with(world, "minh-chung.pdf")
    attachment = initiative.attachments.get()
    client.force_login(world.people[who])
    response = client.get(_link(client, initiative, "minh-chung.pdf"))
    assert response.status_code == 200
    assert _body(response) == attachment.file.open("rb").read()
    assert response["Content-Disposition"] == 'attachment; filename="minh-chung.pdf"'


def test_a_vietnamese_file_name_comes_back_encoded_as_rfc_5987(world, client):
    name = "Quyết định công nhận.pdf"
    initiative = _initiative_with(world, name)
    client.force_login(world.staff)
    response = client.get(_link(client, initiative, name))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"


@pytest.mark.parametrize("outsider", ["b_staff", "b_reviewer", "other_staff"])
def test_an_outsider_gets_404_for_every_way_to_the_file(world, client, debug_urls, outsider):
    initiative = _initiative_with(world, "minh-chung.pdf")
    attachment = initiative.attachments.get()
    client.force_login(world.staff)
    link = _link(client, initiative, "minh-chung.pdf")
    client.force_login(world.people[outsider])
    assert client.get(link).status_code == 404
    assert client.get(_media(attachment.file.name)).status_code == 404


def test_the_page_link_is_for_the_initiative_it_names(world, client):
    mine = _initiative_with(world, "minh-chung.pdf")
    other = _initiative_with(world, "khac.pdf")
    client.force_login(world.staff)
    attachment = mine.attachments.get()
    link = _link(client, mine, "minh-chung.pdf")
    assert link == reverse("workflows:attachment", args=[mine.pk, attachment.pk])
    assert client.get(link).status_code == 200
    wrong = reverse("workflows:attachment", args=[other.pk, attachment.pk])
    assert client.get(wrong).status_code == 404


def test_anonymous_is_sent_to_the_login_page(world, client):
    initiative = _initiative_with(world, "minh-chung.pdf")
    client.force_login(world.staff)
    link = _link(client, initiative, "minh-chung.pdf")
    client.logout()
    response = client.get(link)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_delegate_gets_the_file_while_the_delegation_runs(world, client):
    initiative = _initiative_with(world, "minh-chung.pdf")
    client.force_login(world.staff)
    link = _link(client, initiative, "minh-chung.pdf")
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        principal=world.head,
        substitute=world.other_staff,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    client.force_login(world.other_staff)
    assert client.get(link).status_code == 200
    Delegation.objects.filter(pk=delegation.pk).update(
        starts_on=today - datetime.timedelta(days=9), ends_on=today - datetime.timedelta(days=1)
    )
    assert client.get(link).status_code == 404


def test_nothing_serves_media_even_with_debug_on(world, client, debug_urls):
    initiative = _initiative_with(world, "minh-chung.pdf")
    attachment = initiative.attachments.get()
    assert default_storage.exists(attachment.file.name)
    client.force_login(world.staff)  # even the uploader
    assert client.get(_media(attachment.file.name)).status_code == 404
    client.logout()
    assert client.get(_media(attachment.file.name)).status_code == 404


def test_stored_names_are_random_not_the_original_name(world):
    initiative = _initiative_with(world, "bao-cao-mat.pdf", "bao-cao-mat.pdf")
    names = [a.file.name for a in initiative.attachments.all()]
    assert len(set(names)) == 2
    for name in names:
        assert "bao-cao-mat" not in name
        assert name.startswith("attachments/") and name.endswith(".pdf")
    assert {a.original_name for a in initiative.attachments.all()} == {"bao-cao-mat.pdf"}


def test_a_row_stored_under_the_old_naming_still_downloads(world, client):
    initiative = draft(world)
    old_name = default_storage.save("attachments/2025/01/ke-hoach.pdf", ContentFile(b"%PDF-old"))
    Attachment.objects.create(
        initiative=initiative,
        purpose=Attachment.Purpose.EVIDENCE,
        file=old_name,
        original_name="ke-hoach.pdf",
        size=8,
        uploaded_by=world.staff,
    )
    client.force_login(world.head)
    response = client.get(_link(client, initiative, "ke-hoach.pdf"))
    assert response.status_code == 200
    assert _body(response) == b"%PDF-old"


def test_a_file_missing_from_the_disk_is_not_found(world, client):
    initiative = _initiative_with(world, "minh-chung.pdf")
    client.force_login(world.staff)
    link = _link(client, initiative, "minh-chung.pdf")
    default_storage.delete(initiative.attachments.get().file.name)
    assert client.get(link).status_code == 404


def test_the_signed_commendation_is_served_by_the_same_rule(world, client, debug_urls):
    initiative = advance(world, draft(world), State.COMMENDED)
    signed = initiative.commendation.signed_file
    client.force_login(world.reviewer)
    page = client.get(reverse("workflows:initiative_detail", args=[initiative.pk]))
    links = re.findall(r'href="([^"]+)"[^>]*>qd\.pdf<', page.content.decode())
    assert links
    for link in set(links):
        response = client.get(link)
        assert response.status_code == 200
        assert _body(response) == signed.file.open("rb").read()
    client.force_login(world.b_leader)
    for link in set(links):
        assert client.get(link).status_code == 404
    assert client.get(_media(signed.file.name)).status_code == 404


# ---------------------------------------------------------------------------------------------
# Attachments through the API


def test_the_api_gives_each_attachment_a_url_that_applies_the_same_rule(world):
    initiative = _initiative_with(world, "minh-chung.pdf")
    attachment = initiative.attachments.get()
    detail = Api(world.staff).get(f"/initiatives/{initiative.pk}")
    assert detail.status_code == 200
    (listed,) = detail.json()["attachments"]
    url = listed["url"]
    response = Api(world.reviewer).client.get(url)
    assert response.status_code == 200
    assert _body(response) == attachment.file.open("rb").read()
    assert response["Content-Disposition"] == 'attachment; filename="minh-chung.pdf"'

    outsider = Api(world.b_reviewer).client.get(url)
    assert outsider.status_code == 404
    assert outsider.json()["code"] == "not_found"
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401


def test_the_api_delegate_gets_the_file(world):
    initiative = _initiative_with(world, "minh-chung.pdf")
    url = Api(world.staff).get(f"/initiatives/{initiative.pk}").json()["attachments"][0]["url"]
    today = timezone.localdate()
    Delegation.objects.create(
        principal=world.reviewer, substitute=world.b_staff, starts_on=today, ends_on=today
    )
    assert Api(world.b_staff).client.get(url).status_code == 200


# ---------------------------------------------------------------------------------------------
# Export files


def _export(client, world, capture):
    from reports.models import ExportJob

    client.force_login(world.leader)
    with capture(execute=True):
        response = client.post(reverse("reports:report_export"), {"period": "year"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    return job


@pytest.mark.usefixtures("jobs_in_process")
def test_only_the_asker_gets_the_export(
    world, client, debug_urls, django_capture_on_commit_callbacks
):
    job = _export(client, world, django_capture_on_commit_callbacks)
    assert "bao-cao" not in job.file.name and job.file.name.startswith("exports/")
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert reverse("reports:job_download", args=[job.pk]) in page
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert _body(download) == job.file.open("rb").read()
    assert re.fullmatch(
        r'attachment; filename="bao-cao-bdvtu-\d{6}-\d{6}\.xlsx"', download["Content-Disposition"]
    )
    # Another person of the same committee, who may read the same report: not theirs.
    client.force_login(world.reviewer)
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
    assert client.get(_media(job.file.name)).status_code == 404
    client.logout()
    assert client.get(_media(job.file.name)).status_code == 404
    response = client.get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


@pytest.mark.usefixtures("jobs_in_process")
def test_with_x_accel_the_server_hands_the_file_to_nginx(
    world, client, settings, django_capture_on_commit_callbacks
):
    job = _export(client, world, django_capture_on_commit_callbacks)
    initiative = _initiative_with(world, "Quyết định.pdf")
    attachment = initiative.attachments.get()
    settings.FILES_X_ACCEL_REDIRECT_PREFIX = "/protected/"

    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["X-Accel-Redirect"] == "/protected/" + job.file.name
    assert _body(download) == b""
    assert download["Content-Disposition"].startswith('attachment; filename="bao-cao-')

    client.force_login(world.staff)
    response = client.get(_link(client, initiative, "Quyết định.pdf"))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected/" + quote(attachment.file.name)
    assert _body(response) == b""
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''Quy%E1%BA%BFt" in response["Content-Disposition"]
    # Still the same rule.
    client.force_login(world.b_staff)
    assert "X-Accel-Redirect" not in client.get(_link_as(world, initiative)).headers


def _link_as(world, initiative) -> str:
    from django.test import Client

    insider = Client()
    insider.force_login(world.staff)
    return _link(insider, initiative, "Quyết định.pdf")


@pytest.mark.usefixtures("jobs_in_process")
def test_old_export_files_are_removed_and_the_page_says_so(
    world, client, settings, django_capture_on_commit_callbacks
):
    from reports.models import ExportJob

    old = _export(client, world, django_capture_on_commit_callbacks)
    old_name = old.file.name
    ExportJob.objects.filter(pk=old.pk).update(
        finished=timezone.now() - datetime.timedelta(hours=25)
    )
    recent = ExportJob.objects.create(kind="report", requested_by=world.leader, params={})
    recent.file.save("bao-cao.xlsx", ContentFile(b"recent"), save=False)
    recent.status = ExportJob.Status.DONE
    recent.finished = timezone.now() - datetime.timedelta(hours=23)
    recent.save()

    settings.EXPORT_FILES_KEEP_HOURS = 24
    call_command("expire_exports")

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert old.status == "expired" and not old.file
    assert recent.status == "done" and default_storage.exists(recent.file.name)
    page = client.get(reverse("reports:job", args=[old.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tệp đã hết hạn" in text
    assert reverse("reports:job_download", args=[old.pk]) not in text
    assert 'http-equiv="refresh"' not in text
    assert client.get(reverse("reports:job_download", args=[old.pk])).status_code == 404
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("reports:job", args=[old.pk])).content.decode()
    assert "The file has expired: exported files are kept for 24 hours" in english

    # The limit is a setting; the task is callable directly.
    from reports.tasks import expire_exports

    recent_name = recent.file.name
    settings.EXPORT_FILES_KEEP_HOURS = 1
    expire_exports()
    recent.refresh_from_db()
    assert recent.status == "expired" and not default_storage.exists(recent_name)


def test_the_cleanup_runs_on_beat():
    from django.conf import settings

    from config.celery import app

    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "reports.expire_exports" in tasks
    app.loader.import_default_modules()
    assert "reports.expire_exports" in app.tasks


# ---------------------------------------------------------------------------------------------
# The admin links through the same views


@pytest.mark.usefixtures("jobs_in_process")
def test_the_admin_never_links_to_media(world, client, django_capture_on_commit_callbacks):
    from accounts.models import User

    job = _export(client, world, django_capture_on_commit_callbacks)
    initiative = _initiative_with(world, "minh-chung.pdf")
    attachment = initiative.attachments.get()
    client.force_login(User.objects.create_superuser("root", password="x"))
    page = client.get(reverse("admin:workflows_initiative_change", args=[initiative.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("workflows:attachment", args=[initiative.pk, attachment.pk]) in text
    assert "/media/" not in text
    page = client.get(reverse("admin:reports_exportjob_change", args=[job.pk]))
    assert page.status_code == 200
    assert "/media/" not in page.content.decode()
