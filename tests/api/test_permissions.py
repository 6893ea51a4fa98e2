"""DOMAIN.md's transition table again, through the API: for each action, the allowed roles
succeed; everyone else gets 403, or 404 when the initiative lies outside their scope (its
existence does not leak). Reading follows the same scope."""

import pytest

from tests.workflows.conftest import full_points
from tests.workflows.test_permissions import EVERYONE, OUTSIDE, TABLE, _ready

MULTIPART = {"commend"}


def _payload(world, action) -> dict:
    data = TABLE[action][2](world)
    if "points" in data:
        data["points"] = {str(k): str(v) for k, v in data["points"].items()}
    return data


@pytest.mark.parametrize("action", list(TABLE))
def test_who_may_and_who_may_not_through_the_api(world, api, action):
    state, allowed, _data = TABLE[action]
    initiative = _ready(world, action, state)
    fmt = "multipart" if action in MULTIPART else "json"
    for name in EVERYONE:
        if name in allowed:
            continue
        response = api(name).act(initiative.pk, action, _payload(world, action), fmt=fmt)
        expected = 404 if name in OUTSIDE else 403
        assert response.status_code == expected, (name, response.json())
        assert response.json()["code"] == ("not_found" if expected == 404 else "not_allowed")
        initiative.refresh_from_db()
        assert initiative.state == state, f"{name} moved the initiative by {action}"
    for name in sorted(allowed):
        response = api(name).act(initiative.pk, action, _payload(world, action), fmt=fmt)
        assert response.status_code == 200, (name, response.json())
        assert initiative.audit_entries.filter(action=action, actor=world.people[name]).exists()
        if response.json()["state"] != state:
            break


def test_reading_follows_the_same_scope(world, api):
    initiative = _ready(world, "accept", "screening")
    for name in EVERYONE:
        detail = api(name).get(f"/initiatives/{initiative.pk}")
        timeline = api(name).get(f"/initiatives/{initiative.pk}/timeline")
        listed = [i["id"] for i in api(name).get("/initiatives").json()["results"]]
        if name in OUTSIDE:
            assert detail.status_code == timeline.status_code == 404, name
            assert detail.json() == api(name).get("/initiatives/999999").json()
            assert initiative.pk not in listed
        else:
            assert detail.status_code == timeline.status_code == 200, name
            assert initiative.pk in listed


def test_available_actions_are_the_callers(world, api):
    initiative = _ready(world, "accept", "screening")
    assert api("reviewer").get(f"/initiatives/{initiative.pk}").json()["available_actions"] == [
        "accept",
        "send_back",
    ]
    assert api("head").get(f"/initiatives/{initiative.pk}").json()["available_actions"] == [
        "withdraw"
    ]
    assert api("auditor").get(f"/initiatives/{initiative.pk}").json()["available_actions"] == []


def test_only_unit_people_register_and_only_in_their_units(world, api):
    from .conftest import registration

    assert api("reviewer").post("/initiatives", registration(world)).status_code == 403
    # A unit outside the caller's scope does not exist for them: a field error, no leak.
    outside = {**registration(world), "unit": world.units["dept_b"].pk}
    refused = api("staff").post("/initiatives", outside)
    assert refused.status_code == 400
    assert "unit" in refused.json()["field_errors"]


def test_tasks_claim_and_release(world, api):
    # Two heads over the unit: the approval task waits in the queue until one claims it.
    from units.models import Membership, Role

    Membership.objects.create(user=world.other_head, unit=world.units["dept"], role=Role.UNIT_HEAD)
    initiative = _ready(world, "approve", "unit_review")
    queue = api("head").get("/tasks/queue").json()["results"]
    task_id = next(t["id"] for t in queue if t["initiative"] == initiative.pk)
    assert api("b_head").post(f"/tasks/{task_id}/claim").status_code == 404
    assert api("staff").post(f"/tasks/{task_id}/claim").status_code == 403
    claimed = api("head").post(f"/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.json()["owner"] == world.head.pk
    again = api("other_head").post(f"/tasks/{task_id}/claim")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert [t["id"] for t in api("head").get("/tasks/inbox").json()["results"]] == [task_id]
    assert api("other_head").post(f"/tasks/{task_id}/release").status_code == 403
    released = api("head").post(f"/tasks/{task_id}/release")
    assert released.status_code == 200 and released.json()["owner"] is None


def test_scores_by_member_and_points_keys(world, api):
    initiative = _ready(world, "score", "scoring")
    points = {str(k): v for k, v in full_points(world.campaign).items()}
    assert api("member1").act(initiative.pk, "score", {"points": points}).status_code == 200
    twice = api("member1").act(initiative.pk, "score", {"points": points})
    assert twice.status_code == 409


def test_score_is_offered_once_to_each_member(world, api):
    initiative = _ready(world, "score", "scoring")
    path = f"/initiatives/{initiative.pk}"
    assert api("member1").get(path).json()["available_actions"] == ["score"]
    points = {str(k): v for k, v in full_points(world.campaign).items()}
    after = api("member1").act(initiative.pk, "score", {"points": points}).json()
    assert after["available_actions"] == []
    assert api("member2").get(path).json()["available_actions"] == ["score"]


def test_the_committee_flags_an_open_case_which_blocks_commendation(world, api):
    initiative = _ready(world, "commend", "recognized")
    path = f"/initiatives/{initiative.pk}/open-case"
    assert api("staff").post(path, {"open_case": True, "comment": "Đơn thư"}).status_code == 403
    assert api("b_leader").post(path, {"open_case": True, "comment": "X"}).status_code == 404
    assert api("reviewer").post(path, {"open_case": True}).status_code == 400
    flagged = api("reviewer").post(path, {"open_case": True, "comment": "Có đơn khiếu nại"})
    assert flagged.status_code == 200 and flagged.json()["has_open_case"] is True
    data = {**TABLE["commend"][2](world)}
    refused = api("leader").act(initiative.pk, "commend", data, fmt="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "condition_failed"


def test_a_leader_reassigns_a_task(world, api):
    from units.models import Membership, Role

    Membership.objects.create(
        user=world.member3, unit=world.units["bdv"], role=Role.COMMITTEE_REVIEWER
    )
    initiative = _ready(world, "accept", "screening")
    task = initiative.tasks.get(status="NEW", role="committee_reviewer")
    path = f"/tasks/{task.pk}/reassign"
    assert api("reviewer").post(path, {"to_user": world.member3.pk}).status_code == 403
    assert api("b_leader").post(path, {"to_user": world.member3.pk}).status_code == 404
    wrong = api("leader").post(path, {"to_user": world.staff.pk})
    assert wrong.status_code == 400 and "to_user" in wrong.json()["field_errors"]
    done = api("leader").post(path, {"to_user": world.member3.pk})
    assert done.status_code == 200 and done.json()["owner"] == world.member3.pk
