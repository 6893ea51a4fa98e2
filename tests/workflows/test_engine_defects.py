"""Regression tests for the engine's reported defects, driven only through the public doors:
the pages (Django's test client), the REST API (/api/v1/, by token) and the Django admin.

Set-up uses the models and the shared world (tests/workflows/conftest.py); every step under test
goes through a page, an API endpoint or an admin page, never through an internal function."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from tests.api.conftest import Api
from units.models import Membership, Role
from workflows.models import AuditEntry, Campaign, Delegation, Initiative, InitiativeTask

from .conftest import REGISTRATION, advance, draft, full_points

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Helpers: the doors


def api_of(user) -> Api:
    return Api(user)


def page_of(user) -> Client:
    """A signed-in browser; a server error comes back as a 500 response, not an exception."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def detail_url(initiative) -> str:
    return reverse("workflows:initiative_detail", args=[initiative.pk])


def action_url(initiative, action: str) -> str:
    return reverse("workflows:action", args=[initiative.pk, action])


def on_leave(principal, substitute):
    """`principal` names `substitute` for a week around today."""
    today = timezone.localdate()
    return Delegation.objects.create(
        principal=principal,
        substitute=substitute,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=7),
        reason="Nghỉ phép",
    )


def state_of(initiative) -> str:
    return Initiative.objects.values_list("state", flat=True).get(pk=initiative.pk)


def api_points(campaign, fraction: float = 0.8) -> dict:
    return {str(pk): str(v) for pk, v in full_points(campaign, fraction).items()}


def page_points(campaign, fraction: float = 0.8) -> dict:
    # Whole numbers: the score page reads localised decimals (a "," in Vietnamese).
    return {
        f"criterion_{c.pk}": str(int(c.max_points * Decimal(str(fraction))))
        for c in campaign.criteria.all()
    }


def scored_by_two(world):
    """An initiative in scoring on which member1 and member2 have scored (through the API)."""
    initiative = advance(world, draft(world), "scoring")
    for name, fraction in (("member1", 0.8), ("member2", 0.9)):
        response = api_of(world.people[name]).act(
            initiative.pk, "score", {"points": api_points(world.campaign, fraction)}
        )
        assert response.status_code == 200, response.json()
    return initiative


def open_task(initiative) -> InitiativeTask:
    return (
        InitiativeTask.objects.filter(
            initiative=initiative, status__in=(STATUS.NEW, STATUS.ASSIGNED)
        )
        .exclude(role="")
        .get()
    )


def finished_task(initiative) -> InitiativeTask:
    return (
        InitiativeTask.objects.filter(initiative=initiative, status=STATUS.DONE)
        .exclude(role="")
        .order_by("pk")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Defect 1: separation of duties is checked against the principal, not the person acting


def test_a_delegate_cannot_approve_what_they_submitted_through_the_api(world):
    """Defect 1: a staff member standing in for the head approves their own submission."""
    on_leave(world.head, world.staff)
    initiative = draft(world)
    staff = api_of(world.staff)
    assert staff.act(initiative.pk, "submit").status_code == 200
    assert state_of(initiative) == "unit_review"

    response = staff.act(initiative.pk, "approve")

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "not_allowed"
    assert state_of(initiative) == "unit_review"


def test_a_delegate_cannot_approve_what_they_submitted_through_the_pages(world):
    """Defect 1: the same self-approval through the action page."""
    on_leave(world.head, world.staff)
    initiative = draft(world)
    staff = page_of(world.staff)
    assert staff.post(action_url(initiative, "submit"), {"comment": ""}).status_code == 302
    assert state_of(initiative) == "unit_review"

    response = staff.post(action_url(initiative, "approve"), {"comment": "Đồng ý"})

    assert response.status_code == 403
    assert state_of(initiative) == "unit_review"


def test_a_scorer_standing_in_for_the_leader_cannot_close_scoring_through_the_api(world):
    """Defect 1 (committee side): a council member who scored closes scoring as the leader's
    substitute."""
    initiative = scored_by_two(world)
    on_leave(world.leader, world.member1)

    response = api_of(world.member1).act(initiative.pk, "close_scoring")

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "not_allowed"
    assert state_of(initiative) == "scoring"


def test_a_scorer_standing_in_for_the_leader_cannot_close_scoring_through_the_pages(world):
    """Defect 1 (committee side): the same through the close-scoring page."""
    initiative = scored_by_two(world)
    on_leave(world.leader, world.member1)

    response = page_of(world.member1).post(action_url(initiative, "close_scoring"), {"comment": ""})

    assert response.status_code == 403
    assert state_of(initiative) == "scoring"


def test_a_scorer_standing_in_for_the_leader_cannot_recognise_through_the_api(world):
    """Defect 1 (committee side): a council member who scored recognises as the leader's
    substitute."""
    initiative = advance(world, draft(world), "deciding")  # member1 and member2 scored
    on_leave(world.leader, world.member1)

    response = api_of(world.member1).act(
        initiative.pk,
        "recognize",
        {
            "decision_number": "12-QĐ/BDVTU",
            "decision_date": "15/10/2026",
            "decision_signer": "Nguyễn Văn A",
        },
    )

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "not_allowed"
    assert state_of(initiative) == "deciding"


# ---------------------------------------------------------------------------------------------
# Defect 2: a delegate from another unit sees the task but cannot open or act on it


def test_a_delegate_from_another_unit_can_open_and_approve_their_task_through_the_api(world):
    """Defect 2: the head of Sở Nông nghiệp names a staff member of Sở Y tế; the task is in
    their inbox but the initiative is 404 to them."""
    on_leave(world.head, world.other_staff)
    initiative = advance(world, draft(world), "unit_review")
    substitute = api_of(world.other_staff)
    inbox = substitute.get("/tasks/inbox").json()["results"]
    assert initiative.pk in [t["initiative"] for t in inbox]

    detail = substitute.get(f"/initiatives/{initiative.pk}")
    assert detail.status_code == 200, detail.json()
    assert "approve" in detail.json()["available_actions"]
    response = substitute.act(initiative.pk, "approve", {"comment": "Thay mặt thủ trưởng"})
    assert response.status_code == 200, response.json()
    assert state_of(initiative) == "screening"


def test_a_delegate_from_another_unit_can_open_and_approve_their_task_through_the_pages(world):
    """Defect 2: the same through the task list, the initiative page and the action page."""
    on_leave(world.head, world.other_staff)
    initiative = advance(world, draft(world), "unit_review")
    substitute = page_of(world.other_staff)
    tasks = substitute.get(reverse("workflows:tasks"))
    assert tasks.status_code == 200
    assert initiative.pk in [t.initiative_id for t in tasks.context["page"].object_list]

    assert substitute.get(detail_url(initiative)).status_code == 200
    assert substitute.get(action_url(initiative, "approve")).status_code == 200
    response = substitute.post(action_url(initiative, "approve"), {"comment": "Thay mặt"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(initiative)
    assert state_of(initiative) == "screening"


def test_a_delegate_from_outside_the_committee_can_open_and_accept_their_task_through_the_api(
    world,
):
    """Defect 2 (committee side): the committee's reviewer names a reviewer of another
    committee; the screening task is in their inbox but the initiative is 404 to them."""
    on_leave(world.reviewer, world.b_reviewer)
    initiative = advance(world, draft(world), "screening")
    substitute = api_of(world.b_reviewer)
    inbox = substitute.get("/tasks/inbox").json()["results"]
    assert initiative.pk in [t["initiative"] for t in inbox]

    assert substitute.get(f"/initiatives/{initiative.pk}").status_code == 200
    response = substitute.act(initiative.pk, "accept")
    assert response.status_code == 200, response.json()
    assert state_of(initiative) == "implementing"


# ---------------------------------------------------------------------------------------------
# Defect 3: the page and the API offer "score" to different people


def test_the_page_and_the_api_both_offer_score_to_a_council_members_substitute(world):
    """Defect 3: the API offers "score" to a council member's substitute, the page does not."""
    initiative = advance(world, draft(world), "scoring")
    on_leave(world.member1, world.reviewer)

    offered_by_api = (
        api_of(world.reviewer).get(f"/initiatives/{initiative.pk}").json()["available_actions"]
    )
    substitute = page_of(world.reviewer)
    page = substitute.get(detail_url(initiative))
    assert page.status_code == 200
    offered_by_page = [a.name for a in page.context["actions"]]

    assert "score" in offered_by_api
    assert sorted(offered_by_page) == sorted(offered_by_api)
    assert f'href="{action_url(initiative, "score")}"' in page.content.decode()
    # And the page lets the substitute score on the member's behalf.
    response = substitute.post(action_url(initiative, "score"), page_points(world.campaign))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(initiative=initiative, action="score")
    assert entry.actor_id == world.reviewer.pk and entry.on_behalf_of_id == world.member1.pk


# ---------------------------------------------------------------------------------------------
# Defect 4: claim, release and reassign check the task's state before its scope


@pytest.mark.parametrize("operation", ["claim", "release", "reassign"])
def test_an_outsider_gets_not_found_for_another_committees_task_open_or_finished(world, operation):
    """Defect 4: a leader of another committee learns from 409/403 that a task exists."""
    initiative = advance(world, draft(world), "unit_review")
    tasks = {"open": open_task(initiative), "finished": finished_task(initiative)}
    outsider = api_of(world.b_leader)
    body = {"to_user": world.head.pk} if operation == "reassign" else None

    answers = {
        kind: outsider.post(f"/tasks/{task.pk}/{operation}", body) for kind, task in tasks.items()
    }

    seen = {kind: (r.status_code, r.json().get("code")) for kind, r in answers.items()}
    assert seen == {"open": (404, "not_found"), "finished": (404, "not_found")}
    assert open_task(initiative).owner_id == world.head.pk


# ---------------------------------------------------------------------------------------------
# Defect 5: "not a member of the initiative's unit" ignores the unit's parents


@pytest.fixture
def office_model_in_scoring(world):
    """A model of Phòng Trồng trọt (under Sở Nông nghiệp) in scoring, and member3 also on the
    staff of Sở Nông nghiệp."""
    response = api_of(world.staff).post(
        "/initiatives", {"unit": world.units["office"].pk, "year": world.year, **REGISTRATION}
    )
    assert response.status_code == 201, response.json()
    initiative = advance(world, Initiative.objects.get(pk=response.json()["id"]), "scoring")
    Membership.objects.create(user=world.member3, unit=world.units["dept"], role=Role.UNIT_STAFF)
    return initiative


def test_a_council_member_on_a_parent_units_staff_cannot_score_its_sub_unit_through_the_api(
    world, office_model_in_scoring
):
    """Defect 5: a council member who belongs to the department scores its office's model."""
    initiative = office_model_in_scoring
    member = api_of(world.member3)

    assert "score" not in member.get(f"/initiatives/{initiative.pk}").json()["available_actions"]
    response = member.act(initiative.pk, "score", {"points": api_points(world.campaign)})
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "not_allowed"
    assert not initiative.scorecards.filter(member=world.member3).exists()


def test_a_council_member_on_a_parent_units_staff_cannot_score_its_sub_unit_through_the_pages(
    world, office_model_in_scoring
):
    """Defect 5: the same through the initiative page and the score page."""
    initiative = office_model_in_scoring
    member = page_of(world.member3)

    page = member.get(detail_url(initiative))
    assert "score" not in [a.name for a in page.context["actions"]]
    response = member.post(action_url(initiative, "score"), page_points(world.campaign))
    assert response.status_code == 403
    assert not initiative.scorecards.filter(member=world.member3).exists()


# ---------------------------------------------------------------------------------------------
# Defect 6: campaigns and criteria edited in the admin skip scope, audit and the criteria lock


def campaign_change_url(campaign) -> str:
    return reverse("admin:workflows_campaign_change", args=[campaign.pk])


def campaign_form(campaign, **changes) -> dict:
    """The admin change form of `campaign` as it stands, with `changes` applied."""
    data = {
        "committee": campaign.committee_id,
        "year": campaign.year,
        "title": campaign.title,
        "registration_deadline": campaign.registration_deadline.strftime("%d/%m/%Y"),
        "pass_mark": str(campaign.pass_mark),
        "council": [u.pk for u in campaign.council.all()],
    }
    for name in (
        "quorum",
        "quota_per_unit",
        "public_comment_days",
        "review_days",
        "screening_days",
        "scoring_days",
        "deciding_days",
        "commending_days",
    ):
        data[name] = str(getattr(campaign, name))
    if campaign.allow_late_registration:
        data["allow_late_registration"] = "on"
    criteria = list(campaign.criteria.order_by("position", "pk"))
    data.update(
        {
            "criteria-TOTAL_FORMS": str(len(criteria)),
            "criteria-INITIAL_FORMS": str(len(criteria)),
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000",
        }
    )
    for i, criterion in enumerate(criteria):
        data[f"criteria-{i}-id"] = str(criterion.pk)
        data[f"criteria-{i}-campaign"] = str(campaign.pk)
        data[f"criteria-{i}-position"] = str(criterion.position)
        data[f"criteria-{i}-name"] = criterion.name
        data[f"criteria-{i}-max_points"] = str(criterion.max_points)
    data.update(changes)
    return data


def test_admin_keeps_another_committees_campaign_from_a_staff_leader(world, staff_leader):
    """Defect 6a: a staff committee leader lists, opens and changes another committee's
    campaign in the admin."""
    other = world.other_campaign
    pass_mark = other.pass_mark

    listing = staff_leader.get(reverse("admin:workflows_campaign_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert campaign_change_url(world.campaign) in html  # their own committee's campaign
    assert campaign_change_url(other) not in html

    assert staff_leader.get(campaign_change_url(other)).status_code in (302, 403, 404)
    staff_leader.post(campaign_change_url(other), campaign_form(other, pass_mark="10"))
    assert Campaign.objects.get(pk=other.pk).pass_mark == pass_mark


def test_admin_does_not_let_criteria_change_once_a_score_sheet_exists(world, staff_leader):
    """Defect 6b: the criteria inline stays editable after the council has scored."""
    advance(world, draft(world), "deciding")  # two score sheets against the campaign's criteria
    campaign = world.campaign
    before = list(campaign.criteria.order_by("pk").values_list("pk", "name", "max_points"))

    page = staff_leader.get(campaign_change_url(campaign))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="criteria-0-name"' not in html
    assert 'name="criteria-0-max_points"' not in html

    staff_leader.post(
        campaign_change_url(campaign),
        campaign_form(
            campaign, **{"criteria-0-name": "Tiêu chí đã sửa", "criteria-0-max_points": "1"}
        ),
    )
    after = list(campaign.criteria.order_by("pk").values_list("pk", "name", "max_points"))
    assert after == before


def test_admin_campaign_change_is_audited(world, staff_leader):
    """Defect 6c: a campaign changed in the admin leaves no audit entry."""
    campaign = world.campaign
    seen = set(AuditEntry.objects.values_list("pk", flat=True))

    response = staff_leader.post(
        campaign_change_url(campaign), campaign_form(campaign, pass_mark="75")
    )

    assert response.status_code == 302, response.context and response.context["adminform"].errors
    assert Campaign.objects.get(pk=campaign.pk).pass_mark == Decimal("75")
    new = list(AuditEntry.objects.exclude(pk__in=seen))
    assert new, "the admin change wrote no audit entry"
    assert any("pass_mark" in json.dumps(e.changes, default=str) for e in new)
    assert all(e.actor_id == world.leader.pk for e in new)


# ---------------------------------------------------------------------------------------------
# Defect 7: a page action with a long X-Request-ID is a server error


def test_a_page_action_with_an_overlong_request_id_succeeds_and_stores_at_most_64_characters(
    world,
):
    """Defect 7: the pages pass X-Request-ID uncut to a 64-character column."""
    initiative = draft(world)

    response = page_of(world.staff).post(
        action_url(initiative, "submit"), {"comment": ""}, HTTP_X_REQUEST_ID="x" * 100
    )

    assert response.status_code == 302
    assert state_of(initiative) == "unit_review"
    entry = AuditEntry.objects.get(initiative=initiative, action="submit")
    assert 0 < len(entry.request_id) <= 64
