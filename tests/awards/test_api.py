"""The same decision through the API: candidates, a draft, its number, the document, the
signed file recorded; errors in the API's shape; outsiders 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.documents.pki import alter_one_byte, sign_pdf
from workflows.models import State

from .conftest import docx_text, scored

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_decision_through_the_api(world, trusted_root):
    good, weak = scored(world, over=2, under=1)
    api = _client(world.leader)
    candidates = api.get(
        "/api/v1/awards/candidates", {"campaign": world.campaign.pk, "kind": "recognition"}
    ).json()
    assert {(c["id"], c["preselected"]) for c in candidates} == {
        (good[0].pk, True),
        (good[1].pk, True),
        (weak[0].pk, False),
    }
    body = {
        "campaign": world.campaign.pk,
        "kind": "recognition",
        "items": [{"initiative": good[0].pk}, {"initiative": weak[0].pk}],
    }
    refused = api.post("/api/v1/awards", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert f"reason_{weak[0].pk}" in refused.json()["field_errors"]

    body["items"][1]["override_reason"] = "Vùng đặc biệt khó khăn"
    created = api.post("/api/v1/awards", body, format="json")
    assert created.status_code == 201, created.json()
    award = created.json()
    assert award["status"] == "draft" and award["number"] is None
    assert [i["initiative"] for i in award["items"]] == [good[0].pk, weak[0].pk]

    issued = api.post(
        f"/api/v1/awards/{award['id']}/issue", {"issued_on": "2026-10-15"}, format="json"
    )
    assert issued.status_code == 200 and issued.json()["number"] == "1-QĐ/BDVTU"
    again = api.post(f"/api/v1/awards/{award['id']}/issue", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"

    document = api.get(f"/api/v1/awards/{award['id']}/document.docx")
    paragraphs, tables = docx_text(document.content)
    assert [row[1] for row in tables[-1][1:]] == [good[0].title, weak[0].title]
    printed = api.get(f"/api/v1/awards/{award['id']}/document.pdf").content

    signed = sign_pdf(printed, trusted_root)
    altered = api.post(
        f"/api/v1/awards/{award['id']}/record",
        {"signed_file": SimpleUploadedFile("qd.pdf", alter_one_byte(signed))},
        format="multipart",
    )
    assert altered.status_code == 400 and "signed_file" in altered.json()["field_errors"]
    recorded = api.post(
        f"/api/v1/awards/{award['id']}/record",
        {"signed_file": SimpleUploadedFile("qd.pdf", signed)},
        format="multipart",
    )
    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["status"] == "recorded"
    assert recorded.json()["signature_verdict"] == "valid"
    assert [i["state"] for i in recorded.json()["items"]] == [State.RECOGNIZED] * 2

    certificate = api.get(f"/api/v1/initiatives/{good[0].pk}/certificate")
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
    # The unit sees its own model's certificate; another province does not.
    assert (
        _client(world.staff).get(f"/api/v1/initiatives/{good[0].pk}/certificate").status_code == 200
    )
    assert (
        _client(world.b_staff).get(f"/api/v1/initiatives/{good[0].pk}/certificate").status_code
        == 404
    )

    for outsider in (world.b_leader, world.staff):
        other = _client(outsider)
        assert other.get(f"/api/v1/awards/{award['id']}").status_code == 404
        assert other.get(f"/api/v1/awards/{award['id']}/document.pdf").status_code == 404
        assert other.get("/api/v1/awards", {"campaign": world.campaign.pk}).json() == []
        assert other.post("/api/v1/awards", body, format="json").status_code == 404
    reviewer = _client(world.reviewer)
    assert reviewer.get(f"/api/v1/awards/{award['id']}").status_code == 200
    body["items"] = [{"initiative": good[1].pk}]
    forbidden = reviewer.post("/api/v1/awards", body, format="json")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "not_allowed"
