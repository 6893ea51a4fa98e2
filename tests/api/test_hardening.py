"""The API's hardening: it always answers in its error shape (parser errors, deep nesting,
oversized bodies, too many fields, odd paths, unhandled exceptions); an action's answer cannot
fail after its commit; an Idempotency-Key is tied to its request and serialises its retries;
API tokens expire, are new on each sign-in and can be revoked."""

from __future__ import annotations

import datetime
import json
import logging
import threading
import time
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from tests.workflows.conftest import advance, build_world, draft
from workflows import api as workflows_api
from workflows import services
from workflows.models import AuditEntry, IdempotencyKey, State

SHAPE = {"code", "message", "field_errors"}
TOKEN = "/api/v1/auth/token"
PASSWORD = "mat-khau-dung-2026"


def _shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == SHAPE, body
    assert body["code"] == code, body
    assert body["message"]
    return body


def _sign_in_token(user) -> str:
    user.set_password(PASSWORD)
    user.save()
    response = APIClient().post(TOKEN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


# ---------------------------------------------------------------------------------------------
# A. Always the error shape


def test_deeply_nested_json_is_400_malformed(world, api):
    client = api("staff").client
    deep = "[" * 100000 + "]" * 100000
    _shape(
        client.post("/api/v1/initiatives", data=deep, content_type="application/json"),
        400,
        "malformed",
    )
    initiative = draft(world)
    nested = '{"fields": ' + '{"a": ' * 500 + "1" + "}" * 500 + ', "comment": "x"}'
    _shape(
        client.post(
            f"/api/v1/initiatives/{initiative.pk}/actions/edit",
            data=nested,
            content_type="application/json",
        ),
        400,
        "malformed",
    )


def test_an_oversized_body_is_413(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    client = api("staff").client
    big = json.dumps({"unit": 1, "title": "x" * 5000})
    _shape(
        client.post("/api/v1/initiatives", data=big, content_type="application/json"),
        413,
        "too_large",
    )
    form = client.post(
        "/api/v1/initiatives",
        data=urlencode({"unit": "1", "title": "x" * 5000}),
        content_type="application/x-www-form-urlencoded",
    )
    _shape(form, 413, "too_large")
    multipart = client.post(
        "/api/v1/initiatives", {"unit": "1", "title": "x" * 5000}, format="multipart"
    )
    _shape(multipart, 413, "too_large")


def test_too_many_fields_is_400(world, api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client = api("staff").client
    fields = "&".join(f"f{i}=1" for i in range(50))
    response = client.post(
        "/api/v1/initiatives", data=fields, content_type="application/x-www-form-urlencoded"
    )
    _shape(response, 400, "too_many_fields")
    multipart = client.post(
        "/api/v1/initiatives", {f"f{i}": "1" for i in range(50)}, format="multipart"
    )
    _shape(multipart, 400, "too_many_fields")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/initiatives%0A", "/api/v1/%0A", "/api/v1/me%0Ax", "/api/v2/initiatives", "/api/"],
)
def test_odd_and_unknown_paths_are_404_in_the_shape(world, api, path):
    _shape(api("staff").client.get(path), 404, "not_found")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unhandled_exception_is_a_logged_500_in_the_shape(
    world, api, monkeypatch, caplog, settings, debug
):
    settings.DEBUG = debug

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr("accounts.api.memberships_of", broken)
    client = api("staff").client
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/me")
    body = _shape(response, 500, "server_error")
    assert "boom" not in body["message"]
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_html_error_pages_under_the_api_become_the_shape(world, api, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = api("staff").client.get("/api/v1/me", HTTP_HOST="evil.example")
    _shape(response, 400, "bad_request")


def test_database_connections_are_health_checked():
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("key", ["", "k-rollback"])
def test_an_answer_that_fails_after_the_action_rolls_the_action_back(world, api, monkeypatch, key):
    initiative = draft(world)
    real = workflows_api._detail
    calls = {"n": 0}

    def fails_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(workflows_api, "_detail", fails_once)
    staff = api("staff")
    staff.client.raise_request_exception = False
    headers = {"Idempotency-Key": key} if key else {}
    _shape(staff.act(initiative.pk, "submit", **headers), 500, "server_error")
    initiative.refresh_from_db()
    assert initiative.state == State.DRAFT
    assert not AuditEntry.objects.filter(initiative=initiative, action="submit").exists()
    assert not IdempotencyKey.objects.exists()
    retry = staff.act(initiative.pk, "submit", **headers)
    assert retry.status_code == 200, retry.content
    assert retry.json()["state"] == State.UNIT_REVIEW


# ---------------------------------------------------------------------------------------------
# B. Idempotency-Key: tied to its request, retries wait for the first


def test_the_same_key_with_another_body_is_422(world, api):
    initiative = advance(world, draft(world), State.IMPLEMENTING)
    staff = api("staff")
    first = staff.act(
        initiative.pk, "report_progress", {"text": "Tháng 4"}, **{"Idempotency-Key": "p"}
    )
    assert first.status_code == 200
    same = staff.act(
        initiative.pk, "report_progress", {"text": "Tháng 4"}, **{"Idempotency-Key": "p"}
    )
    assert same.status_code == 200 and same["Idempotent-Replayed"] == "true"
    other = staff.act(
        initiative.pk, "report_progress", {"text": "Tháng 5"}, **{"Idempotency-Key": "p"}
    )
    _shape(other, 422, "idempotency_key_mismatch")
    assert [r.text for r in initiative.progress_reports.all()] == ["Tháng 4"]


def test_files_count_in_the_request_by_content(world, api):
    initiative = advance(world, draft(world), State.IMPLEMENTING)
    staff = api("staff")

    def report(content: bytes):
        upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n" + content, "application/pdf")
        return staff.act(
            initiative.pk,
            "report_progress",
            {"text": "Quý I", "attachments": [upload]},
            fmt="multipart",
            **{"Idempotency-Key": "files"},
        )

    assert report(b"a" * 100).status_code == 200
    assert report(b"a" * 100)["Idempotent-Replayed"] == "true"
    _shape(report(b"b" * 100), 422, "idempotency_key_mismatch")
    assert initiative.progress_reports.count() == 1


@pytest.mark.postgres
def test_concurrent_requests_with_one_key_act_once_and_answer_alike(
    transactional_db, on_postgres, monkeypatch
):
    world = build_world()
    initiative = draft(world)
    token = _sign_in_token(world.staff)
    real_perform = services.perform

    def slow_perform(*args, **kwargs):
        result = real_perform(*args, **kwargs)
        time.sleep(0.5)  # still inside the transaction: the other request arrives meanwhile
        return result

    monkeypatch.setattr(services, "perform", slow_perform)
    answers: list = []
    barrier = threading.Barrier(2)

    def send() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        try:
            answers.append(
                client.post(
                    f"/api/v1/initiatives/{initiative.pk}/actions/submit",
                    {},
                    format="json",
                    headers={"Idempotency-Key": "together"},
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200], [a.content for a in answers]
    assert answers[0].json() == answers[1].json()
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert AuditEntry.objects.filter(initiative=initiative, action="submit").count() == 1
    assert IdempotencyKey.objects.filter(key="together").count() == 1


# ---------------------------------------------------------------------------------------------
# C. Tokens expire, are new on each sign-in and can be revoked


def _person(username: str = "canbo") -> User:
    return User.objects.create_user(username=username, password=PASSWORD, full_name=username)


def _sign_in(username: str = "canbo"):
    return APIClient().post(TOKEN, {"username": username, "password": PASSWORD})


def _me(token: str):
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me")


@pytest.mark.django_db
def test_each_sign_in_gives_a_new_token_that_expires(settings, monkeypatch):
    settings.API_TOKEN_TTL_HOURS = 2
    _person()
    first, second = _sign_in(), _sign_in()
    assert first.status_code == second.status_code == 200
    assert first.json()["token"] != second.json()["token"]
    expires = datetime.datetime.fromisoformat(first.json()["expires_at"])
    assert abs(expires - (timezone.now() + datetime.timedelta(hours=2))).total_seconds() < 60
    token = first.json()["token"]
    assert _me(token).status_code == 200
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=3))
    _shape(_me(token), 401, "token_expired")
    # Signing in again works, even from a client that still sends the expired token.
    again = APIClient(HTTP_AUTHORIZATION=f"Token {token}").post(
        TOKEN, {"username": "canbo", "password": PASSWORD}
    )
    assert again.status_code == 200 and _me(again.json()["token"]).status_code == 200


@pytest.mark.django_db
def test_a_person_revokes_this_token_one_of_theirs_or_all_of_them():
    _person()
    _person("giamdoc")
    a, b, c, d = (_sign_in().json()["token"] for _ in range(4))
    others = _sign_in("giamdoc").json()["token"]
    with_b = APIClient(HTTP_AUTHORIZATION=f"Token {b}")
    mine = with_b.get("/api/v1/auth/tokens").json()
    assert sorted(t["prefix"] for t in mine) == sorted(t[:8] for t in (a, b, c, d))
    assert [t["prefix"] for t in mine if t["current"]] == [b[:8]]
    assert b not in str(mine)  # keys are never shown again
    # This token (signing out).
    assert APIClient(HTTP_AUTHORIZATION=f"Token {a}").delete(TOKEN).status_code == 204
    _shape(_me(a), 401, "not_authenticated")
    assert _me(b).status_code == 200
    # One of mine, by its id; another person's is not found.
    c_id = next(t["id"] for t in mine if t["prefix"] == c[:8])
    assert with_b.delete(f"/api/v1/auth/tokens/{c_id}").status_code == 204
    _shape(_me(c), 401, "not_authenticated")
    others_id = APIClient(HTTP_AUTHORIZATION=f"Token {others}").get("/api/v1/auth/tokens")
    _shape(with_b.delete(f"/api/v1/auth/tokens/{others_id.json()[0]['id']}"), 404, "not_found")
    _shape(with_b.delete(f"/api/v1/auth/tokens/{'9' * 30}"), 404, "not_found")
    # All of mine.
    assert with_b.delete("/api/v1/auth/tokens").status_code == 204
    _shape(_me(b), 401, "not_authenticated")
    _shape(_me(d), 401, "not_authenticated")
    assert _me(others).status_code == 200


@pytest.mark.django_db
def test_a_password_change_revokes_the_persons_tokens():
    person = _person()
    _person("giamdoc")
    token, others = _sign_in().json()["token"], _sign_in("giamdoc").json()["token"]
    person.set_password("mat-khau-moi-2026")
    person.save()
    _shape(_me(token), 401, "not_authenticated")
    assert _me(others).status_code == 200


@pytest.mark.django_db
def test_an_administrator_lists_and_revokes_tokens():
    _person()
    token = _sign_in().json()["token"]
    admin = User.objects.create_superuser("quantri", password="x")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/accounts/apitoken/")
    assert page.status_code == 200
    rows = list(page.context["cl"].result_list)
    assert len(rows) == 1 and rows[0].user.username == "canbo"
    assert token not in page.content.decode()  # only a hash of the key is stored
    client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [rows[0].pk]})
    assert not apps.get_model("accounts", "ApiToken").objects.exists()
    _shape(_me(token), 401, "not_authenticated")
    # Or every token of the people selected in the users' list.
    token = _sign_in().json()["token"]
    person = User.objects.get(username="canbo")
    client.post(
        "/admin/accounts/user/", {"action": "revoke_tokens", "_selected_action": [person.pk]}
    )
    _shape(_me(token), 401, "not_authenticated")
    assert client.get("/admin/accounts/user/").status_code == 200
