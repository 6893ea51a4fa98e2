"""The English catalog (locale/en) translates the Vietnamese source strings.

Vietnamese is the source language and stays the default.
"""

import pytest
from django.conf import settings
from django.utils import translation

from units.models import Role
from workflows.models import State


def test_role_and_state_labels_in_english():
    with translation.override("en"):
        assert str(Role.UNIT_HEAD.label) == "Head of unit"
        assert str(Role.UNIT_STAFF.label) == "Data entry officer"
        assert str(Role.COUNCIL_MEMBER.label) == "Council member"
        assert str(Role.COMMITTEE_LEADER.label) == "Mass Mobilisation Committee leader"
        assert str(State.DRAFT.label) == "Draft"
        assert str(State.SCREENING.label) == "Committee screening"
        assert str(State.RECOGNIZED.label) == "Recognised"
        assert str(State.COMMENDED.label) == "Awarded"
        assert str(State.WITHDRAWN.label) == "Withdrawn"


def test_role_and_state_labels_in_vietnamese_are_the_source():
    with translation.override("vi"):
        assert str(Role.UNIT_HEAD.label) == "Thủ trưởng đơn vị"
        assert str(Role.COMMITTEE_LEADER.label) == "Lãnh đạo Ban Dân vận"
        assert str(State.DRAFT.label) == "Dự thảo"
        assert str(State.SCREENING.label) == "Ban Dân vận thẩm định"
        assert str(State.COMMENDED.label) == "Đã khen thưởng"


def test_every_label_has_an_english_translation():
    for choices in (Role, State):
        for member in choices:
            with translation.override("vi"):
                vi = str(member.label)
            with translation.override("en"):
                en = str(member.label)
            assert en != vi, f"{choices.__name__}.{member.name} is not translated"


@pytest.mark.django_db
def test_login_page_default_is_vietnamese(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_login_page_in_english_with_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Log in</h1>" in body
    assert "Username" in body
    assert "Đăng nhập" not in body
