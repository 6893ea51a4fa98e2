"""The read endpoints beside the lifecycle: units, campaigns, audit and its export, notifications,
the committee report, who am I; and the two ways to sign in (token, session)."""

import csv
import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from notifications import delivery
from notifications.models import Notification, Outbox
from tests.workflows.conftest import advance, draft
from workflows.models import State

from .conftest import registration


def test_units_within_scope(world, api):
    staff = {u["code"]: u for u in api("staff").get("/units").json()["results"]}
    assert set(staff) == {"SNN", "SNN_P1"}
    assert staff["SNN_P1"]["parent"] == world.units["dept"].pk
    reviewer = {u["code"] for u in api("reviewer").get("/units", page_size=100).json()["results"]}
    assert {"SNN", "SYT", "SNN_P1"} <= reviewer and "SNN2" not in reviewer
    assert api("staff").get(f"/units/{world.units['dept_b'].pk}").status_code == 404
    committees = api("reviewer").get("/units", is_committee="true").json()["results"]
    assert [u["code"] for u in committees] == ["BDVTU"]


def test_campaigns_with_their_criteria(world, api):
    campaigns = api("staff").get("/campaigns").json()["results"]
    assert [c["id"] for c in campaigns] == [world.campaign.pk]
    detail = api("member1").get(f"/campaigns/{world.campaign.pk}").json()
    assert len(detail["criteria"]) == 6 and detail["max_total"] == "100.00"
    assert api("b_staff").get(f"/campaigns/{world.campaign.pk}").status_code == 404


def test_initiative_filters(world, api):
    advance(world, draft(world), State.UNIT_REVIEW)
    draft(world, form="individual", person_name="Nguyễn Thị B")
    results = api("auditor").get("/initiatives", state="unit_review").json()["results"]
    assert [i["state"] for i in results] == ["unit_review"]
    assert len(api("auditor").get("/initiatives", form="individual").json()["results"]) == 1
    assert api("auditor").get("/initiatives", year=world.year, field="kinh_te").json()["count"] == 2
    assert api("auditor").get("/initiatives", unit=world.units["dept2"].pk).json()["count"] == 0
    assert api("auditor").get("/initiatives", unit=world.units["province"].pk).json()["count"] == 2


def test_audit_search_and_export(world, api):
    initiative = advance(world, draft(world), State.SCREENING)
    entries = api("auditor").get("/audit", action="approve").json()["results"]
    assert [(e["action"], e["initiative"]) for e in entries] == [("approve", initiative.pk)]
    assert api("auditor").get("/audit", actor="head").json()["count"] == 1
    exported = api("auditor").get("/audit/export", type="csv")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert exported.streaming  # never built whole in memory
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 3  # header, then create, submit, approve
    xlsx = api("auditor").get("/audit/export", type="xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api("auditor").get("/audit/export", type="pdf").status_code == 400


@pytest.mark.parametrize("who", ["staff", "head", "reviewer", "leader", "member1", "b_staff"])
def test_only_auditors_search_or_export_the_audit_trail(world, api, who):
    initiative = advance(world, draft(world), State.SCREENING)
    for path in ("/audit", "/audit/export", "/audit/export?type=xlsx"):
        response = api(who).get(path)
        assert response.status_code == 403, (who, path)
        assert response.json()["code"] == "permission_denied"
    for path in ("/audit", "/audit/export"):
        assert api("auditor").get(path).status_code == 200
    # An initiative's own history stays readable for whoever may see the initiative.
    timeline = api(who).get(f"/initiatives/{initiative.pk}/timeline")
    assert timeline.status_code == (404 if who == "b_staff" else 200)
    # The pages follow the same rules: the audit search is the auditor's, the history is shown
    # on the initiative's page to the same people.
    client = Client()
    client.force_login(world.people[who])
    assert client.get("/nhat-ky/").status_code == 403
    detail = client.get(f"/mo-hinh/{initiative.pk}/")
    assert detail.status_code == (404 if who == "b_staff" else 200)
    if who != "b_staff":
        assert [e["action"] for e in timeline.json()] == ["create", "submit", "approve"]


def test_signed_out_callers_get_401_from_the_audit_trail(world, client):
    assert client.get("/api/v1/audit").status_code == 401


def test_an_excel_export_past_the_cap_asks_to_narrow_the_filters(world, api, monkeypatch):
    from workflows import exports

    advance(world, draft(world), State.SCREENING)  # create, submit, approve
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    response = api("auditor").get("/audit/export", type="xlsx")
    assert response.status_code == 400
    assert response.json()["code"] == "export_too_large"
    assert "Hãy thu hẹp bộ lọc" in response.json()["message"]
    assert api("auditor").get("/audit/export", type="xlsx", action="approve").status_code == 200
    assert api("auditor").get("/audit/export", type="csv").status_code == 200  # no cap


def test_notifications_list_and_mark_read(world, api):
    advance(world, draft(world), State.SCREENING)
    delivery.deliver_rows(Outbox.objects.values_list("pk", flat=True))
    mine = api("staff").get("/notifications").json()
    assert mine["count"] == Notification.objects.filter(recipient=world.staff).count() > 0
    assert api("staff").get("/notifications/unread-count").json()["unread"] == mine["count"]
    first = mine["results"][0]["id"]
    others = list(Notification.objects.exclude(recipient=world.staff).values_list("pk", flat=True))
    marked = api("staff").post("/notifications/mark-read", {"ids": [first, *others]}).json()
    assert marked["marked"] == 1  # another person's notification is not touched
    assert api("staff").get("/notifications", unread="true").json()["count"] == mine["count"] - 1
    assert api("staff").post("/notifications/mark-all-read").json()["unread"] == 0
    assert Notification.objects.exclude(recipient=world.staff).filter(read_at=None).count() == len(
        others
    )


def test_committee_report(world, api):
    advance(world, draft(world), State.IMPLEMENTING)
    report = api("leader").get("/reports/committee", committee=world.units["bdv"].pk)
    assert report.status_code == 200, report.json()
    assert report.json()["total"] == 1
    by_state = {row["key"]: row["count"] for row in report.json()["by_state"]}
    assert by_state["implementing"] == 1
    assert (
        api("staff").get("/reports/committee", committee=world.units["bdv"].pk).status_code == 404
    )


def test_me(world, api):
    me = api("leader").get("/me").json()
    assert me["username"] == "leader"
    assert [(m["unit"], m["role"]) for m in me["memberships"]] == [
        (world.units["bdv"].pk, "committee_leader")
    ]


def test_a_system_gets_a_token_with_username_and_password(world):
    client = APIClient()
    token = client.post("/api/v1/auth/token", {"username": "staff", "password": "x"}).json()
    assert token["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert client.get("/api/v1/me").json()["username"] == "staff"
    wrong = APIClient().post("/api/v1/auth/token", {"username": "staff", "password": "no"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid"


def test_session_sign_in_works_and_needs_csrf_for_writes(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.staff)
    assert client.get("/api/v1/initiatives").status_code == 200
    refused = client.post("/api/v1/initiatives", registration(world), format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_a_committee_leader_opens_a_campaign(world, api):
    body = {
        "committee": world.units["bdv"].pk,
        "year": world.year + 1,
        "pass_mark": "75",
        "quorum": 2,
        "council": [world.member1.pk, world.member2.pk],
        "criteria": [
            {"name": "Hiệu quả", "max_points": "60"},
            {"name": "Lan tỏa", "max_points": 40},
        ],
    }
    created = api("leader").post("/campaigns", body)
    assert created.status_code == 201, created.json()
    assert [c["name"] for c in created.json()["criteria"]] == ["Hiệu quả", "Lan tỏa"]
    assert created.json()["registration_deadline"] == f"{world.year + 1}-03-31"
    again = api("leader").post("/campaigns", body)
    assert again.status_code == 400 and again.json()["field_errors"]
    assert api("reviewer").post("/campaigns", body).status_code == 403
    other = api("b_leader").post("/campaigns", body)
    assert other.status_code == 400 and "committee" in other.json()["field_errors"]
    strangers = api("leader").post(
        "/campaigns", {**body, "year": world.year + 2, "council": [world.b_member.pk]}
    )
    assert strangers.status_code == 400 and "council" in strangers.json()["field_errors"]
    default = api("leader").post(
        "/campaigns", {"committee": world.units["bdv"].pk, "year": world.year + 3}
    )
    assert default.status_code == 201 and default.json()["max_total"] == "100.00"
