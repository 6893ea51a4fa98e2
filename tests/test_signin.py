"""Signing in resists guessing: a username is locked from an address after too many wrong
passwords (the login page and the API's token alike), and passwords of digits only are
refused."""

from __future__ import annotations

import pytest
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
