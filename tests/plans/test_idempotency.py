"""Plans' and filings' actions through the API honour Idempotency-Key as initiatives' do
(workflows.idempotent): a retry is answered from the first result, a key reused for another
request is refused, a refused action keeps no key."""

from __future__ import annotations

import pytest

from plans import services
from plans.models import Filing
from tests.api.conftest import Api
from tests.workflows.conftest import draft
from workflows.models import AuditEntry, IdempotencyKey

from .conftest import draft_plan

pytestmark = pytest.mark.postgres


def _plan(world):
    return draft_plan(world, targets=("dept", "dept2"))


def _entries(subject_type: str, pk: int, action: str) -> int:
    return AuditEntry.objects.filter(
        subject_type=subject_type, subject_id=pk, action=action
    ).count()


def test_a_retried_plan_and_filing_action_acts_once_and_answers_alike(world):
    plan = _plan(world)
    reviewer, leader = Api(world.reviewer), Api(world.leader)

    first = reviewer.post(f"/plans/{plan.pk}/actions/submit", **{"Idempotency-Key": "p-1"})
    retry = reviewer.post(f"/plans/{plan.pk}/actions/submit", **{"Idempotency-Key": "p-1"})
    assert first.status_code == retry.status_code == 200, retry.json()
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert _entries("plan", plan.pk, "submit") == 1
    # Without the key a second submit is a new attempt on a plan that has moved: 409.
    assert reviewer.post(f"/plans/{plan.pk}/actions/submit").status_code == 409

    issued = leader.post(f"/plans/{plan.pk}/actions/issue", **{"Idempotency-Key": "p-2"})
    again = leader.post(f"/plans/{plan.pk}/actions/issue", **{"Idempotency-Key": "p-2"})
    assert issued.status_code == again.status_code == 200
    assert again.json()["number"] == issued.json()["number"] == 1
    assert Filing.objects.filter(plan=plan).count() == 2  # the units' filings opened once

    filing = Filing.objects.get(plan=plan, unit=world.units["dept"])
    staff = Api(world.staff)
    sent = staff.post(f"/filings/{filing.pk}/actions/submit", **{"Idempotency-Key": "f-1"})
    resent = staff.post(f"/filings/{filing.pk}/actions/submit", **{"Idempotency-Key": "f-1"})
    assert sent.status_code == resent.status_code == 200
    assert resent.json()["state"] == "signing" and resent["Idempotent-Replayed"] == "true"
    assert _entries("filing", filing.pk, "submit") == 1
    stored = IdempotencyKey.objects.get(user=world.staff, key="f-1")
    assert (stored.initiative_id, stored.subject_type, stored.subject_id) == (
        None,
        "filing",
        filing.pk,
    )


def test_a_key_reused_for_another_request_is_refused_and_a_refusal_keeps_no_key(world):
    plan = _plan(world)
    services.perform_plan(plan.pk, "submit", actor=world.reviewer)
    services.perform_plan(plan.pk, "issue", actor=world.leader)
    mine = Filing.objects.get(plan=plan, unit=world.units["dept"])
    staff = Api(world.staff)
    r = staff.post(f"/filings/{mine.pk}/actions/submit", **{"Idempotency-Key": "k"})
    assert r.status_code == 200

    # The same key on an initiative, or on another action: refused, nothing done.
    initiative = draft(world)
    other = staff.post(f"/initiatives/{initiative.pk}/actions/submit", **{"Idempotency-Key": "k"})
    assert other.status_code == 400 and other.json()["code"] == "idempotency_key_reused"
    assert "văn bản số" in other.json()["message"]
    initiative.refresh_from_db()
    assert initiative.state == "draft"

    # A refused return (no reason) keeps no key; the corrected retry with it acts; the same
    # key with another reason is refused as another request.
    services.perform_filing(mine.pk, "sign", actor=world.head)
    reviewer = Api(world.reviewer)
    url = f"/filings/{mine.pk}/actions/return"
    refused = reviewer.post(url, {}, **{"Idempotency-Key": "r"})
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    assert not IdempotencyKey.objects.filter(key="r").exists()
    done = reviewer.post(url, {"comment": "Thiếu thời gian"}, **{"Idempotency-Key": "r"})
    assert done.status_code == 200 and done.json()["state"] == "draft"
    other_body = reviewer.post(url, {"comment": "Khác"}, **{"Idempotency-Key": "r"})
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_mismatch"
    assert _entries("filing", mine.pk, "return") == 1
    too_long = reviewer.post(url, {"comment": "x"}, **{"Idempotency-Key": "x" * 256})
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json()["field_errors"]
