"""Idempotency-Key: a retried action returns the first result instead of acting twice."""

from tests.workflows.conftest import advance, draft
from workflows.models import IdempotencyKey, State


def test_a_retry_with_the_same_key_returns_the_first_result(world, api):
    initiative = draft(world)
    first = api("staff").act(initiative.pk, "submit", **{"Idempotency-Key": "k-1"})
    assert first.status_code == 200
    retry = api("staff").act(initiative.pk, "submit", **{"Idempotency-Key": "k-1"})
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert initiative.audit_entries.filter(action="submit").count() == 1
    # Without the key the same request is a new attempt, and the state has moved: 409.
    assert api("staff").act(initiative.pk, "submit").status_code == 409


def test_the_key_is_per_user(world, api):
    initiative = advance(world, draft(world), State.IMPLEMENTING)
    staff = api("staff").act(
        initiative.pk, "report_progress", {"text": "Tháng 4"}, **{"Idempotency-Key": "same"}
    )
    head = api("head").act(
        initiative.pk, "report_progress", {"text": "Tháng 5"}, **{"Idempotency-Key": "same"}
    )
    assert staff.status_code == head.status_code == 200
    assert initiative.progress_reports.count() == 2


def test_reusing_a_key_for_another_request_is_refused(world, api):
    first, second = draft(world), draft(world)
    api("staff").act(first.pk, "submit", **{"Idempotency-Key": "k-2"})
    other_initiative = api("staff").act(second.pk, "submit", **{"Idempotency-Key": "k-2"})
    assert other_initiative.status_code == 400
    assert other_initiative.json()["code"] == "idempotency_key_reused"
    other_action = api("staff").act(
        first.pk, "edit", {"fields": {"address": "X"}}, **{"Idempotency-Key": "k-2"}
    )
    assert other_action.status_code == 400
    second.refresh_from_db()
    assert second.state == State.DRAFT


def test_a_failed_action_keeps_no_key_so_the_corrected_retry_runs(world, api):
    initiative = advance(world, draft(world), State.UNIT_REVIEW)
    refused = api("head").act(initiative.pk, "return", {}, **{"Idempotency-Key": "k-3"})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.filter(key="k-3").exists()
    done = api("head").act(
        initiative.pk, "return", {"comment": "Sửa"}, **{"Idempotency-Key": "k-3"}
    )
    assert done.status_code == 200 and done.json()["state"] == State.DRAFT
    stored = IdempotencyKey.objects.get(key="k-3")
    assert (stored.action, stored.initiative_id, stored.status_code) == (
        "return",
        initiative.pk,
        200,
    )


def test_a_key_too_long_is_bad_input(world, api):
    initiative = draft(world)
    response = api("staff").act(initiative.pk, "submit", **{"Idempotency-Key": "x" * 256})
    assert response.status_code == 400
    initiative.refresh_from_db()
    assert initiative.state == State.DRAFT
