"""Signing in resists guessing: a username is locked from an address after too many wrong
passwords (the login page and the API's token alike), passwords of digits only are refused,
every page carries a Content-Security-Policy, and with DEBUG off the API's schema and
documentation are for signed-in people only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dung-2026"
LOGIN = "/dang-nhap/"
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def people(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    return {
        name: User.objects.create_user(username=name, password=PASSWORD, full_name=name)
        for name in ("canbo", "giamdoc")
    }


def page_login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_login_page_locks_a_username_after_five_wrong_passwords(people):
    client = Client()
    answers = [page_login(client, "canbo", "sai").status_code for _ in range(6)]
    assert answers == [200, 200, 200, 200, 429, 429]
    right = page_login(client, "canbo", PASSWORD)
    assert right.status_code == 429 and not signed_in(client)
    page = right.content.decode()
    assert "Đã đăng nhập sai 5 lần" in page and "15 phút" in page


def test_the_token_endpoint_locks_a_username_after_five_wrong_passwords(people):
    api = APIClient()
    answers = [api.post(TOKEN, {"username": "canbo", "password": "sai"}) for _ in range(6)]
    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429, 429]
    right = api.post(TOKEN, {"username": "canbo", "password": PASSWORD})
    assert right.status_code == 429
    assert right.json() == {
        "code": "locked_out",
        "message": right.json()["message"],
        "field_errors": {},
    }
    assert "Đã đăng nhập sai 5 lần" in right.json()["message"]
    assert right["Retry-After"] == "900"
    english = api.post(
        TOKEN, {"username": "canbo", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 429 and "15 minutes" in english.json()["message"]


def test_the_page_and_the_api_share_the_count(people):
    client, api = Client(), APIClient()
    for _ in range(3):
        page_login(client, "canbo", "sai")
    for _ in range(2):
        api.post(TOKEN, {"username": "canbo", "password": "sai"})
    assert api.post(TOKEN, {"username": "canbo", "password": PASSWORD}).status_code == 429


def test_another_username_from_the_same_address_is_not_locked(people):
    client, api = Client(), APIClient()
    for _ in range(6):
        page_login(client, "canbo", "sai")
        api.post(TOKEN, {"username": "canbo", "password": "sai"})
    assert page_login(client, "giamdoc", PASSWORD).status_code == 302
    assert signed_in(client)
    token = api.post(TOKEN, {"username": "giamdoc", "password": PASSWORD})
    assert token.status_code == 200 and token.json()["token"]


def test_the_same_username_from_another_address_is_not_locked(people):
    for _ in range(6):
        page_login(Client(REMOTE_ADDR="10.0.0.1"), "canbo", "sai")
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    assert page_login(elsewhere, "canbo", PASSWORD).status_code == 302


def test_a_few_wrong_passwords_then_the_right_one_sign_in_and_start_the_count_again(people):
    client = Client()
    for _ in range(4):
        page_login(client, "canbo", "sai")
    assert page_login(client, "canbo", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        page_login(client, "canbo", "sai")
    assert page_login(client, "canbo", PASSWORD).status_code == 302


def test_a_password_of_digits_only_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_password("83920571")
    assert "password_entirely_numeric" in [e.code for e in refused.value.error_list]
    validate_password("dan-van-kheo-83920571")


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_every_page_carries_a_strict_content_security_policy(people):
    client = Client()
    login_page = _policy(client.get(LOGIN))
    client.force_login(people["canbo"])
    home = _policy(client.get("/"))
    for policy in (login_page, home):
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]  # no nonce asked for: no inline script
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_the_api_documentation_pages_have_their_own_looser_policy(people):
    client = Client()
    client.force_login(people["canbo"])
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        policy = _policy(client.get(url))
        assert policy["script-src"] == ["'self'"]
        assert "'unsafe-inline'" in policy["style-src"] and "blob:" in policy["worker-src"]


TEMPLATE_DIRS = [Path(django_settings.BASE_DIR) / "templates"] + [
    Path(django_settings.BASE_DIR) / app / "templates"
    for app in ("accounts", "units", "workflows", "notifications", "reports")
]


def test_templates_have_no_inline_script_or_style_without_a_nonce():
    """What the policy would block: inline <script>/<style>, on…= handlers, style="…",
    javascript: links. Such code goes into a static file (or gets the request's nonce)."""
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and "csp_nonce" not in tag:
                    found.append((path.name, tag))
            found += [(path.name, m) for m in re.findall(r"<style\b[^>]*>", text)]
            found += [(path.name, m) for m in re.findall(r"\son[a-z]+\s*=", text)]
            found += [(path.name, m) for m in re.findall(r"\sstyle\s*=", text)]
            found += [(path.name, m) for m in re.findall(r"javascript:", text)]
    assert not found


# ---------------------------------------------------------------------------------------------
# The API's schema and documentation


def test_with_debug_off_the_schema_and_docs_are_for_signed_in_people_only(people, settings):
    settings.DEBUG = False
    anonymous = Client()
    schema = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 401
    assert schema.json()["code"] == "not_authenticated"
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        answer = anonymous.get(url)
        assert answer.status_code == 302 and answer.url.startswith(LOGIN)
    token = APIClient().post(TOKEN, {"username": "canbo", "password": PASSWORD}).json()["token"]
    by_token = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/schema/")
    assert by_token.status_code == 200
    signed = Client()
    signed.force_login(people["canbo"])
    for url in ("/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"):
        assert signed.get(url).status_code == 200, url


def test_with_debug_on_the_schema_and_docs_are_open(settings, db):
    settings.DEBUG = True
    anonymous = Client()
    for url in ("/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"):
        assert anonymous.get(url).status_code == 200, url
