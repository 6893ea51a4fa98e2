"""The API's hardening: it always answers in its error shape (parser errors, deep nesting,
oversized bodies, too many fields, odd paths, unhandled exceptions); an action's answer cannot
fail after its commit; an Idempotency-Key is tied to its request and serialises its retries;
API tokens expire, are new on each sign-in and can be revoked."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings

from tests.workflows.conftest import draft
from workflows import api as workflows_api
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
