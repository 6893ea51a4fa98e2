"""Levels through the API (issue #15): a commune's model climbs to the province, and the
province's to the centre, by the same actions; quota, deadline and scope hold at each level."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Outbox
from reports.selectors import search_public_models
from tests.workflows.conftest import REGISTRATION, full_points
from tests.workflows.levels_world import RECOGNIZE, build_levels_world, recognised_at_commune
from workflows.models import AuditEntry, Campaign, Initiative

from .conftest import Api


@pytest.fixture
def lw(db):
    return build_levels_world()


@pytest.fixture
def api(lw):
    clients: dict[str, Api] = {}

    def make(name: str) -> Api:
        if name not in clients:
            clients[name] = Api(lw.people[name])
        return clients[name]

    return make


def _told(initiative_id: int, event: str) -> dict[str, str]:
    return {
        row.recipient.username: row.reason
        for row in Outbox.objects.filter(subject_id=initiative_id, event=event)
        .exclude(recipient=None)
        .select_related("recipient")
    }


def climb(api, lw, lower_id: int, lower: str, higher: str) -> int:
    """`lower`'s leader nominates the model; `higher`'s reviewer, council and leader take it to
    recognition. Returns the higher level's initiative id. The same steps at every level."""
    nominated = api(f"{lower}_leader").act(
        lower_id, "nominate_up", {"comment": "Mô hình tiêu biểu"}
    )
    assert nominated.status_code == 200, nominated.json()
    body = nominated.json()
    assert body["state"] in ("recognized", "commended")  # it stays recognised at its level
    [up] = body["nominations"]
    assert up["committee"] == lw.campaigns[higher].committee_id
    assert up["state"] == "screening"
    pk = up["id"]

    # The higher level's reviewer holds the task and hears of it; the lower unit is told too.
    inbox = api(f"{higher}_reviewer").get("/tasks/inbox").json()["results"]
    assert pk in [t["initiative"] for t in inbox]
    assert _told(lower_id, "nominate_up")[f"{higher}_reviewer"] == "higher_level"

    seen = api(f"{higher}_reviewer").get(f"/initiatives/{pk}").json()
    assert seen["nominated_from"] == lower_id
    assert seen["available_actions"] == ["accept_nomination", "return_nomination"]
    # Whoever nominated it is barred from the higher level's steps, and cannot act there.
    assert api(f"{lower}_leader").act(pk, "accept_nomination").status_code in (403, 404)

    accepted = api(f"{higher}_reviewer").act(pk, "accept_nomination")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["state"] == "scoring"
    points = {str(k): str(v) for k, v in full_points(lw.campaigns[higher], 0.85).items()}
    scored = api(f"{higher}_member").act(pk, "score", {"points": points})
    assert scored.status_code == 200, scored.json()
    assert api(f"{higher}_leader").act(pk, "close_scoring").json()["state"] == "deciding"
    recognized = api(f"{higher}_leader").act(pk, "recognize", RECOGNIZE)
    assert recognized.status_code == 200, recognized.json()
    assert recognized.json()["state"] == "recognized"

    # Both levels were told of every step at the higher level.
    for event in ("accept_nomination", "close_scoring", "recognize"):
        told = _told(pk, event)
        assert told.get(f"{lower}_leader") == "lower_level", (event, told)
        assert told.get(f"{lower}_reviewer") == "lower_level", (event, told)
    # The lower level reads the result on its own model.
    back = api(f"{lower}_leader").get(f"/initiatives/{lower_id}").json()
    assert back["nominations"][0]["state"] == "recognized"
    # Both timelines show the link.
    assert (
        AuditEntry.objects.get(initiative_id=lower_id, action="nominate_up").changes[
            "nominated_to"
        ][1]["initiative"]
        == pk
    )
    assert AuditEntry.objects.get(initiative_id=pk, action="receive_nomination").changes[
        "nominated_from"
    ] == [None, lower_id]
    timeline = api(f"{lower}_leader").get(f"/initiatives/{pk}/timeline")
    assert timeline.status_code == 200
    return pk


def test_a_commune_model_climbs_to_the_province_and_the_province_to_the_centre(lw, api):
    # Draft → recognised at the commune, through the API.
    created = api("x1_staff").post(
        "/initiatives", {"unit": lw.units["hnd_x1"].pk, "year": lw.year, **REGISTRATION}
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert api("x1_staff").act(pk, "submit").status_code == 200
    assert api("x1_head").act(pk, "approve").status_code == 200
    assert api("x1_reviewer").act(pk, "accept").status_code == 200
    assert (
        api("x1_head")
        .act(pk, "nominate", {"result": {"result_achieved": "200 hộ"}})
        .json()["state"]
        == "scoring"
    )
    points = {str(k): str(v) for k, v in full_points(lw.campaigns["x1"], 0.9).items()}
    assert api("x1_member").act(pk, "score", {"points": points}).status_code == 200
    assert api("x1_leader").act(pk, "close_scoring").status_code == 200
    commune = api("x1_leader").act(pk, "recognize", RECOGNIZE).json()
    assert commune["state"] == "recognized"
    assert "nominate_up" in commune["available_actions"]

    at_province = climb(api, lw, pk, "x1", "p")

    # Scope across levels: the commune sees its model at the province, not the province's
    # other dossiers; the other commune sees neither; the model's unit follows it.
    own = (
        api("p_staff")
        .post("/initiatives", {"unit": lw.units["dept"].pk, "year": lw.year, **REGISTRATION})
        .json()["id"]
    )
    assert api("x1_reviewer").get(f"/initiatives/{at_province}").status_code == 200
    assert api("x1_staff").get(f"/initiatives/{at_province}").status_code == 200
    assert api("x1_leader").get(f"/initiatives/{own}").status_code == 404
    listed = [r["id"] for r in api("x1_leader").get("/initiatives").json()["results"]]
    assert at_province in listed and own not in listed
    for outsider in ("x2_leader", "x2_reviewer", "x2_staff"):
        assert api(outsider).get(f"/initiatives/{pk}").status_code == 404
        assert api(outsider).get(f"/initiatives/{at_province}").status_code == 404
        assert api(outsider).act(at_province, "recognize", RECOGNIZE).status_code == 404
    # The commune's leader cannot act at the province (not a province role).
    assert api("x1_leader").act(at_province, "reject", {"comment": "x"}).status_code == 403

    # The province nominates it on to the centre: the same steps, no other code.
    at_centre = climb(api, lw, at_province, "p", "n")
    assert Initiative.objects.get(pk=at_centre).nominated_by == lw.units["bdv_tu"]
    assert api("x2_leader").get(f"/initiatives/{at_centre}").status_code == 404
    assert api("p_staff").get(f"/initiatives/{at_centre}").status_code == 404
    # The public list shows the model once, at the highest level that recognised it; the
    # lower levels' pages stay public.
    assert [i.pk for i in search_public_models()] == [at_centre]
    assert Client().get(f"/cong-khai/{pk}/").status_code == 200
    # At the top there is nowhere further to go, and it says so.
    assert (
        "nominate_up"
        not in api("n_leader").get(f"/initiatives/{at_centre}").json()["available_actions"]
    )
    top = api("n_leader").act(at_centre, "nominate_up")
    assert top.status_code == 409
    assert "cấp cao nhất" in top.json()["message"]


def test_a_nomination_over_the_quota_or_after_the_deadline_is_refused(lw, api):
    first, second = recognised_at_commune(lw), recognised_at_commune(lw, title="Mô hình thứ hai")
    Campaign.objects.filter(pk=lw.campaigns["p"].pk).update(nomination_quota=1)
    assert api("x1_leader").act(first.pk, "nominate_up").status_code == 200
    again = api("x1_leader").act(first.pk, "nominate_up")
    assert again.status_code == 400 and "đã được đề cử" in again.json()["message"]
    over = api("x1_leader").act(second.pk, "nominate_up")
    assert over.status_code == 400
    assert over.json()["code"] == "condition_failed"
    assert "1/1" in over.json()["message"] and "tối đa" in over.json()["message"]
    # The other commune has its own quota.
    other = recognised_at_commune(lw, "x2")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Campaign.objects.filter(pk=lw.campaigns["p"].pk).update(nomination_deadline=yesterday)
    late = api("x2_leader").act(other.pk, "nominate_up")
    assert late.status_code == 400
    assert "quá hạn đề cử" in late.json()["message"]
    assert yesterday.strftime("%d/%m/%Y") in late.json()["message"]
    # Nothing was written by the refusals.
    assert Initiative.objects.filter(campaign=lw.campaigns["p"]).count() == 1


def test_the_higher_level_returns_a_nomination_and_the_place_in_the_quota_comes_back(lw, api):
    model = recognised_at_commune(lw)
    Campaign.objects.filter(pk=lw.campaigns["p"].pk).update(nomination_quota=1)
    up = api("x1_leader").act(model.pk, "nominate_up").json()["nominations"][0]["id"]
    no_reason = api("p_reviewer").act(up, "return_nomination")
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    returned = api("p_reviewer").act(up, "return_nomination", {"comment": "Thiếu minh chứng"})
    assert returned.json()["state"] == "returned"
    told = _told(up, "return_nomination")
    assert told["x1_reviewer"] == "lower_level" and "x1_leader" in told
    # The unit's own actions do not apply to a nomination (withdraw, accept, send back).
    assert api("p_reviewer").act(up, "accept").status_code == 409
    again = api("x1_leader").act(model.pk, "nominate_up")
    assert again.status_code == 200, again.json()
