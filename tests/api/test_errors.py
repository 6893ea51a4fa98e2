"""One error shape for everything a client can get wrong, in the caller's language."""

import pytest

from tests.workflows.conftest import advance, draft
from workflows.models import State

SHAPE = {"code", "message", "field_errors"}


def _shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == code
    assert body["message"]
    return body


def test_malformed_json_is_400(world, api):
    client = api("staff").client
    response = client.post(
        "/api/v1/initiatives", data='{"unit": 1,', content_type="application/json"
    )
    _shape(response, 400, "malformed")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"unit": "một"}, "unit"),
        ({"unit": 1, "year": "năm nay"}, "year"),
        ({"unit": 1, "field": "khong_co"}, "field"),
        ({"unit": 1, "start_date": "31/02/2026"}, "start_date"),
        ({"unit": [1, 2]}, "unit"),
    ],
)
def test_wrong_types_are_400_with_field_errors(world, api, body, field):
    errors = _shape(api("staff").post("/initiatives", body), 400, "invalid")["field_errors"]
    assert field in errors


def test_wrong_types_in_action_data(world, api):
    initiative = advance(world, draft(world), State.SCORING)
    bad = api("member1").act(initiative.pk, "score", {"points": "mười"})
    assert "points" in _shape(bad, 400, "invalid")["field_errors"]
    nested = api("member1").act(initiative.pk, "score", {"points": {"1": "NaN"}})
    assert "points.1" in _shape(nested, 400, "invalid")["field_errors"]
    missing = api("member1").act(initiative.pk, "score", {"points": {}})
    assert _shape(missing, 400, "invalid")["field_errors"]


def test_not_authenticated_is_401(world, client):
    response = client.get("/api/v1/initiatives")
    _shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")
    bad_token = client.get("/api/v1/initiatives", HTTP_AUTHORIZATION="Token nope")
    _shape(bad_token, 401, "not_authenticated")


def test_forbidden_not_found_and_conflict(world, api):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    _shape(api("staff").act(initiative.pk, "approve"), 403, "not_allowed")
    _shape(api("b_head").act(initiative.pk, "approve"), 404, "not_found")
    _shape(api("head").act(initiative.pk, "nominate"), 409, "wrong_state")
    _shape(api("head").act(initiative.pk, "fly"), 404, "unknown_action")
    _shape(api("head").get("/no-such-endpoint"), 404, "not_found")
    _shape(api("head").get("/initiatives/123456789012345678"), 404, "not_found")


def test_messages_follow_the_callers_language(world, api):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    vi = _shape(api("head", "vi").act(initiative.pk, "return", {}), 400, "reason_required")
    en = _shape(api("head", "en").act(initiative.pk, "return", {}), 400, "reason_required")
    assert vi["message"].startswith("Cần nêu lý do")
    assert en["message"].startswith("A reason is required")


def test_out_of_range_and_odd_filters_are_400_not_500(world, api):
    for params in (
        {"year": "99999999999999999999"},
        {"unit": "1e400"},
        {"state": "nowhere"},
        {"page": "0"},
    ):
        response = api("auditor").get("/initiatives", **params)
        assert response.status_code in (400, 404), (params, response.content)
        assert set(response.json()) == SHAPE
    assert api("auditor").get("/audit", actor="9" * 30).status_code == 200
    assert api("auditor").get("/tasks/inbox", unit="9" * 30).status_code == 400
