"""DOMAIN.md's transition table, row by row: who may and who may not do each action.

People (see conftest): staff/head of the initiative's unit (Sở Nông nghiệp); office_staff of a
unit under it (scope does not reach up); other_head/other_staff of a sibling unit; the
committee's reviewer, leader, council members and auditor; and province B's people, who lie
outside the committee and must get "not found".
"""

import pytest

from units.models import Role
from workflows import services
from workflows.exceptions import NotAllowed, NotFound
from workflows.lifecycle.actions import ACTIONS
from workflows.models import State

from .conftest import REGISTRATION, advance, draft, full_points, pdf
from .test_levels_permissions import LEVELS_TABLE

EVERYONE = [
    "staff",
    "head",
    "office_staff",
    "other_head",
    "other_staff",
    "reviewer",
    "leader",
    "member1",
    "auditor",
    "b_reviewer",
    "b_leader",
    "b_member",
    "b_head",
    "b_staff",
]
OUTSIDE = {
    "other_head",
    "other_staff",
    "office_staff",
    "b_reviewer",
    "b_leader",
    "b_member",
    "b_head",
    "b_staff",
}

# Each person's role in the initiative's scope (province B's people and the units outside the
# subtree hold roles too, but out of scope: they must get "not found").
ROLE_OF = {
    "staff": Role.UNIT_STAFF,
    "head": Role.UNIT_HEAD,
    "reviewer": Role.COMMITTEE_REVIEWER,
    "leader": Role.COMMITTEE_LEADER,
    "member1": Role.COUNCIL_MEMBER,
    "auditor": Role.AUDITOR,
}


def who_may(action: str) -> set[str]:
    """Generated from the registry: the people in scope whose role the action names."""
    return {name for name, role in ROLE_OF.items() if role in ACTIONS[action].roles}


# action: (state it starts from, who may (the registry's), the data it needs)
TABLE = {
    "edit": (State.DRAFT, who_may("edit"), lambda w: {"fields": {"address": "Thôn 2"}}),
    "submit": (State.DRAFT, who_may("submit"), lambda w: {}),
    "approve": (State.UNIT_REVIEW, who_may("approve"), lambda w: {}),
    "return": (State.UNIT_REVIEW, who_may("return"), lambda w: {"comment": "Sửa lại"}),
    "accept": (State.SCREENING, who_may("accept"), lambda w: {}),
    "send_back": (State.SCREENING, who_may("send_back"), lambda w: {"comment": "Bổ sung"}),
    "report_progress": (
        State.IMPLEMENTING,
        who_may("report_progress"),
        lambda w: {"text": "Quý I: 30 hộ"},
    ),
    "nominate": (
        State.IMPLEMENTING,
        who_may("nominate"),
        lambda w: {"result": {"result_achieved": "Đạt 120 hộ"}},
    ),
    "withdraw": (State.IMPLEMENTING, who_may("withdraw"), lambda w: {"comment": "Dừng"}),
    "score": (State.SCORING, who_may("score"), lambda w: {"points": full_points(w.campaign)}),
    "close_scoring": (State.SCORING, who_may("close_scoring"), lambda w: {}),
    "reopen_scoring": (
        State.DECIDING,
        who_may("reopen_scoring"),
        lambda w: {"comment": "Chấm lại"},
    ),
    "recognize": (
        State.DECIDING,
        who_may("recognize"),
        lambda w: {
            "decision_number": "5-QĐ",
            "decision_date": "01/10/2026",
            "decision_signer": "B",
        },
    ),
    "reject": (State.DECIDING, who_may("reject"), lambda w: {"comment": "Chưa đạt"}),
    "commend": (
        State.RECOGNIZED,
        who_may("commend"),
        lambda w: {
            "form": "giay_khen",
            "authority": "UBND",
            "decision_number": "9/QĐ",
            "decision_date": "02/10/2026",
            "signed_file": pdf(),
        },
    ),
}


def test_the_table_covers_every_registered_action():
    # The levels' actions have their own table, in a world with levels.
    assert set(TABLE) | set(LEVELS_TABLE) == set(ACTIONS)
    assert all(TABLE[name][1] for name in TABLE), "an action nobody in scope may do"


def _ready(world, action, state):
    if action == "close_scoring":
        initiative = advance(world, draft(world), State.SCORING)
        for member in (world.member1, world.member2):
            services.perform(
                initiative.pk, "score", actor=member, points=full_points(world.campaign)
            )
        return initiative
    return advance(world, draft(world), state)


@pytest.mark.parametrize("action", list(TABLE))
def test_who_may_and_who_may_not(world, action):
    state, allowed, data = TABLE[action]
    initiative = _ready(world, action, state)
    for name in EVERYONE:
        if name in allowed:
            continue
        expected = NotFound if name in OUTSIDE else NotAllowed
        with pytest.raises(expected):
            services.perform(initiative.pk, action, actor=world.people[name], **data(world))
        initiative.refresh_from_db()
        assert initiative.state == state, f"{name} moved the initiative by {action}"
    for name in sorted(allowed):
        done = services.perform(initiative.pk, action, actor=world.people[name], **data(world))
        assert done.audit_entries.filter(action=action, actor=world.people[name]).exists()
        if done.state != state:
            break  # a real transition: the other allowed people would act on a moved initiative


def test_council_member_may_not_score_their_own_units_initiative(world):
    world.member2.memberships.create(unit=world.units["dept"], role="unit_staff")
    initiative = advance(world, draft(world), State.SCORING)
    with pytest.raises(NotAllowed):
        services.perform(
            initiative.pk, "score", actor=world.member2, points=full_points(world.campaign)
        )


def test_a_council_member_outside_this_campaigns_council_may_not_score(world):
    world.campaign.council.remove(world.member3)
    initiative = advance(world, draft(world), State.SCORING)
    with pytest.raises(NotAllowed):
        services.perform(
            initiative.pk, "score", actor=world.member3, points=full_points(world.campaign)
        )


def test_a_leader_who_scored_may_not_decide(world):
    world.campaign.council.add(world.leader)
    world.leader.memberships.create(unit=world.units["bdv"], role="council_member")
    initiative = advance(world, draft(world), State.SCORING)
    services.perform(initiative.pk, "score", actor=world.leader, points=full_points(world.campaign))
    services.perform(
        initiative.pk, "score", actor=world.member1, points=full_points(world.campaign)
    )
    with pytest.raises(NotAllowed):
        services.perform(initiative.pk, "close_scoring", actor=world.leader)


def test_unit_head_of_a_parent_unit_reaches_the_subtree(world):
    initiative = services.create_initiative(
        unit=world.units["office"], actor=world.office_staff, year=world.year, **REGISTRATION
    )
    initiative = services.perform(initiative.pk, "submit", actor=world.office_staff)
    assert services.perform(initiative.pk, "approve", actor=world.head).state == State.SCREENING


def test_member_cannot_score_twice(world):
    from workflows.exceptions import Conflict

    initiative = advance(world, draft(world), State.SCORING)
    services.perform(
        initiative.pk, "score", actor=world.member1, points=full_points(world.campaign)
    )
    with pytest.raises(Conflict):
        services.perform(
            initiative.pk, "score", actor=world.member1, points=full_points(world.campaign)
        )
