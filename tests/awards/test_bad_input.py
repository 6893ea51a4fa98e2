"""Bad input on the awards' endpoints (found in review: unknown keys were dropped without a
word, so `{"issued_on": …}` sent to create looked accepted and a misspelt `accept_unverifed`
silently refused nothing). Each is a 400 in the API's error shape naming the field; nothing
changes; another province's campaign or award is 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import services
from awards.models import Award
from tests.api.test_new_endpoints_bad_input import refused
from tests.awards.test_api import _client

from .conftest import scored

pytestmark = pytest.mark.django_db


def test_unknown_keys_wrong_types_and_missing_fields_are_refused(world):
    good, _weak = scored(world, over=1, under=0)
    api = _client(world.leader)
    body = {
        "campaign": world.campaign.pk,
        "kind": "recognition",
        "items": [{"initiative": good[0].pk}],
    }

    refused(
        api.post("/api/v1/awards", {**body, "issued_on": "15/10/2026"}, format="json"), "issued_on"
    )
    refused(
        api.post(
            "/api/v1/awards",
            {**body, "items": [{"initiative": good[0].pk, "points": 90}]},
            format="json",
        ),
        "items.0.points",
    )
    refused(api.post("/api/v1/awards", {**body, "items": "tất cả"}, format="json"), "items")
    refused(api.post("/api/v1/awards", {**body, "kind": "huy chương"}, format="json"), "kind")
    refused(
        api.post(
            "/api/v1/awards", {"campaign": world.campaign.pk, "kind": "recognition"}, format="json"
        ),
        "items",
    )
    assert Award.objects.count() == 0
    r = _client(world.b_leader).post("/api/v1/awards", body, format="json")
    assert r.status_code == 404 and r.json()["code"] == "not_found"

    award = services.create_award(
        actor=world.leader, campaign=world.campaign, kind="recognition", picks=[(good[0].pk, "")]
    )
    refused(api.post(f"/api/v1/awards/{award.pk}/issue", {"number": 5}, format="json"), "number")
    refused(
        api.post(f"/api/v1/awards/{award.pk}/issue", {"issued_on": "hôm nay"}, format="json"),
        "issued_on",
    )
    award.refresh_from_db()
    assert award.status == "draft" and award.registered_id is None
    services.issue_award(award.pk, actor=world.leader)

    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4 not really", content_type="application/pdf")
    r = api.post(
        f"/api/v1/awards/{award.pk}/record",
        {"signed_file": pdf, "accept_unverifed": "true"},
        format="multipart",
    )
    refused(r, "accept_unverifed")
    exe = SimpleUploadedFile("qd.exe", b"MZ", content_type="application/octet-stream")
    refused(
        api.post(f"/api/v1/awards/{award.pk}/record", {"signed_file": exe}, format="multipart"),
        "signed_file",
    )
    refused(api.post(f"/api/v1/awards/{award.pk}/record", {}, format="multipart"), "signed_file")
    award.refresh_from_db()
    assert award.status == "issued"
    good[0].refresh_from_db()
    assert good[0].state == "deciding"
    assert _client(world.b_leader).get(f"/api/v1/awards/{award.pk}").status_code == 404
    r = _client(world.b_leader).post(f"/api/v1/awards/{award.pk}/record", {"signed_file": pdf})
    assert r.status_code == 404


def test_the_leaders_substitute_prepares_issues_and_the_trail_names_the_leader(world):
    """Found in review: an award prepared or numbered by the leader's substitute was audited
    as the substitute's alone, without the leader they acted for."""
    from tests.workflows.conftest import person
    from tests.workflows.test_engine_defects import on_leave
    from units.models import Role
    from workflows.models import AuditEntry

    good, _weak = scored(world, over=2, under=0)
    deputy = person("pho_truong_ban", (world.units["office"], Role.UNIT_STAFF))
    on_leave(world.leader, deputy)
    api = _client(deputy)
    body = {
        "campaign": world.campaign.pk,
        "kind": "recognition",
        "items": [{"initiative": good[0].pk}],
    }
    created = api.post("/api/v1/awards", body, format="json")
    assert created.status_code == 201, created.json()
    award = created.json()["id"]
    assert api.post(f"/api/v1/awards/{award}/issue", {}, format="json").status_code == 200
    entries = AuditEntry.objects.filter(subject_type="award", subject_id=award)
    assert sorted(entries.values_list("action", flat=True)) == ["issue_award", "prepare_award"]
    assert {(e.actor_id, e.on_behalf_of_id) for e in entries} == {(deputy.pk, world.leader.pk)}
    # The leader's own entry names no one else.
    own = services.create_award(
        actor=world.leader, campaign=world.campaign, kind="recognition", picks=[(good[1].pk, "")]
    )
    entry = AuditEntry.objects.get(subject_type="award", subject_id=own.pk)
    assert (entry.actor_id, entry.on_behalf_of_id) == (world.leader.pk, None)
