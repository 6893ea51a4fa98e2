"""The whole lifecycle through the API alone, with tokens, as another system would drive it."""

from tests.workflows.conftest import full_points, pdf
from workflows.models import Initiative, State

from .conftest import registration


def test_the_whole_lifecycle_through_the_api(world, api):
    created = api("staff").post("/initiatives", registration(world))
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["state"] == "draft"
    assert set(created.json()["available_actions"]) == {"edit", "submit"}

    edited = api("staff").patch(f"/initiatives/{pk}", {"address": "Thôn 3, xã Tân Lập"})
    assert edited.status_code == 200, edited.json()
    assert edited.json()["address"] == "Thôn 3, xã Tân Lập"

    assert api("staff").act(pk, "submit").json()["state"] == "unit_review"
    inbox = api("head").get("/tasks/inbox").json()
    assert [t["initiative"] for t in inbox["results"]] == [pk]
    assert "approve" in inbox["results"][0]["actions"]
    detail = api("head").get(f"/initiatives/{pk}").json()
    assert "approve" in detail["available_actions"]
    assert len(detail["tasks"]) == 1

    assert api("head").act(pk, "approve").json()["state"] == "screening"
    queue = api("reviewer").get("/tasks/queue").json()["results"]
    inbox = api("reviewer").get("/tasks/inbox").json()["results"]
    assert pk in [t["initiative"] for t in queue + inbox]
    assert api("reviewer").act(pk, "accept").json()["state"] == "implementing"

    progress = api("staff").act(pk, "report_progress", {"text": "Quý I: 40 hộ"})
    assert progress.status_code == 200, progress.json()
    nominated = api("head").act(
        pk,
        "nominate",
        {"result": {"result_achieved": "120 hộ tham gia", "result_people_reached": 450}},
    )
    assert nominated.status_code == 200, nominated.json()
    assert nominated.json()["state"] == "scoring"

    points = {str(k): str(v) for k, v in full_points(world.campaign).items()}
    for member in ("member1", "member2"):
        scored = api(member).act(pk, "score", {"points": points, "score_comment": "Tốt"})
        assert scored.status_code == 200, scored.json()
    closed = api("leader").act(pk, "close_scoring")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["state"] == "deciding"
    assert closed.json()["total_score"] == "80.00"

    recognized = api("leader").act(
        pk,
        "recognize",
        {"decision_number": "12-QĐ/BDVTU", "decision_date": "15/10/2026", "decision_signer": "A"},
    )
    assert recognized.status_code == 200, recognized.json()
    assert recognized.json()["state"] == "recognized"

    commended = api("leader").act(
        pk,
        "commend",
        {
            "form": "bang_khen",
            "authority": "Chủ tịch UBND tỉnh",
            "decision_number": "70/QĐ-UBND",
            "decision_date": "2026-10-20",
            "signed_file": pdf("qd.pdf"),
        },
        fmt="multipart",
    )
    assert commended.status_code == 200, commended.json()
    assert commended.json()["state"] == "commended"
    assert commended.json()["commendation"]["decision_number"] == "70/QĐ-UBND"
    assert [r["text"] for r in commended.json()["progress_reports"]] == ["Quý I: 40 hộ"]
    assert commended.json()["available_actions"] == []

    timeline = api("auditor").get(f"/initiatives/{pk}/timeline").json()
    assert [e["action"] for e in timeline] == [
        "create",
        "edit",
        "submit",
        "approve",
        "accept",
        "report_progress",
        "nominate",
        "score",
        "score",
        "close_scoring",
        "recognize",
        "commend",
    ]
    assert all(e["request_id"] for e in timeline[1:])
    assert Initiative.objects.get(pk=pk).state == State.COMMENDED
    archive = api("head").get("/tasks/archive").json()["results"]
    assert {t["action"] for t in archive} == {"approve", "nominate"}


def test_return_needs_a_reason_and_says_so_in_the_error_shape(world, api):
    pk = api("staff").post("/initiatives", registration(world)).json()["id"]
    api("staff").act(pk, "submit")
    refused = api("head").act(pk, "return", {"comment": "  "})
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "reason_required"
    assert body["message"]
    assert "comment" in body["field_errors"]
    returned = api("head").act(pk, "return", {"comment": "Bổ sung địa chỉ"})
    assert returned.json()["state"] == "draft"


def test_register_with_evidence_files_as_multipart(world, api):
    body = {**registration(world), "attachments": [pdf("a.pdf"), pdf("b.pdf")]}
    created = api("staff").post("/initiatives", body, fmt="multipart")
    assert created.status_code == 201, created.json()
    assert sorted(a["original_name"] for a in created.json()["attachments"]) == ["a.pdf", "b.pdf"]
    refused = api("staff").post(
        "/initiatives", {**registration(world), "attachments": [pdf("x.exe")]}, fmt="multipart"
    )
    assert refused.status_code == 400


def test_the_audit_records_the_callers_request_id_and_ip(world, api):
    pk = api("staff").post("/initiatives", registration(world)).json()["id"]
    api("staff").act(pk, "submit", **{"X-Request-ID": "req-42"})
    entry = Initiative.objects.get(pk=pk).audit_entries.get(action="submit")
    assert entry.request_id == "req-42"
    assert entry.ip == "127.0.0.1"


def test_edit_links_the_model_it_replicates_when_visible(world, api):
    original = api("staff").post("/initiatives", registration(world)).json()["id"]
    # Another model of the unit (the same title would be refused as a duplicate).
    other = {**registration(world), "title": "Tổ công nghệ số cộng đồng ở thôn"}
    pk = api("staff").post("/initiatives", other).json()["id"]
    through_action = api("staff").act(
        pk, "edit", {"fields": {"kind": "replication", "replicates": original}}
    )
    assert through_action.status_code == 200, through_action.json()
    assert through_action.json()["replicates"] == original
    foreign = (
        api("b_staff")
        .post("/initiatives", {**registration(world), "unit": world.units["dept_b"].pk})
        .json()["id"]
    )
    hidden = api("staff").patch(f"/initiatives/{pk}", {"replicates": foreign})
    assert hidden.status_code == 400 and "replicates" in hidden.json()["field_errors"]
