"""Which committee evaluates a unit, and who sees what: fixed query counts, whatever the tree."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from units.models import Role, Unit, UnitKind
from units.selectors import (
    committee_of,
    committees_of,
    people_with_role_over,
    role_holder_ids,
    units_covered_by,
    visible_units,
)

from .helpers import member, unit

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def tree():
    """TU ─ BDVTU (committee), SO ─ SO_P1, XA ─ XA_CB1, XA_BDV (nested committee)."""
    tu = unit(None, "TU", kind=UnitKind.PARTY_COMMITTEE)
    units = {"TU": tu}
    units["BDVTU"] = unit(tu, "BDVTU", kind=UnitKind.MASS_MOBILISATION_BOARD, committee=True)
    units["SO"] = unit(tu, "SO", kind=UnitKind.DEPARTMENT)
    units["SO_P1"] = unit(units["SO"], "SO_P1")
    units["XA"] = unit(tu, "XA", kind=UnitKind.COMMUNE_PARTY_COMMITTEE)
    units["XA_CB1"] = unit(units["XA"], "XA_CB1", kind=UnitKind.PARTY_CELL)
    units["XA_BDV"] = unit(
        units["XA"], "XA_BDV", kind=UnitKind.MASS_MOBILISATION_BOARD, committee=True
    )
    return {code: Unit.objects.get(pk=u.pk) for code, u in units.items()}


def grow(tree, n: int = 3) -> None:
    """Add depth and breadth everywhere, including a deeper nested committee."""
    for i in range(n):
        office = unit(tree["SO_P1"], f"SO_P1_{i}")
        unit(office, f"SO_P1_{i}_T")
        cell = unit(tree["XA_CB1"], f"XA_CB1_{i}")
        unit(cell, f"XA_CB1_{i}_T")
        commune = unit(tree["TU"], f"XA_NEW{i}", kind=UnitKind.COMMUNE_PARTY_COMMITTEE)
        unit(commune, f"XA_NEW{i}_CB")
    deep = unit(tree["SO_P1"], "SO_P1_DEEP")
    unit(deep, "SO_P1_DEEP_BDV", committee=True)


def codes(qs) -> set[str]:
    return {u.code for u in qs}


def query_count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


# --- committee_of ----------------------------------------------------------------------------


def test_every_unit_is_evaluated_by_its_nearest_committee(tree):
    assert committee_of(tree["TU"]) == tree["BDVTU"]
    assert committee_of(tree["SO_P1"]) == tree["BDVTU"]
    assert committee_of(tree["BDVTU"]) == tree["BDVTU"]
    # The commune's own Ban Dân vận evaluates the commune and everything in it.
    assert committee_of(tree["XA"]) == tree["XA_BDV"]
    assert committee_of(tree["XA_CB1"]) == tree["XA_BDV"]


def test_a_tree_without_a_committee_has_no_evaluator():
    root = unit(None, "KHAC", kind=UnitKind.OTHER)
    child = unit(root, "KHAC_1")
    assert committee_of(root) is None
    assert committee_of(child) is None
    assert committees_of([root, child]) == {root.pk: None, child.pk: None}


def test_a_root_committee_evaluates_its_own_subtree():
    root = unit(None, "BDV_GOC", kind=UnitKind.MASS_MOBILISATION_BOARD, committee=True)
    child = unit(root, "BDV_GOC_1")
    assert committee_of(child) == root
    assert codes(units_covered_by(root)) == {"BDV_GOC", "BDV_GOC_1"}


def test_committees_of_agrees_with_committee_of_in_one_query(tree):
    units = list(Unit.objects.all())
    with CaptureQueriesContext(connection) as ctx:
        many = committees_of(units)
    assert len(ctx.captured_queries) == 1
    assert many == {u.pk: committee_of(u) for u in units}


def test_units_covered_leave_out_what_a_nested_committee_covers(tree):
    assert codes(units_covered_by(tree["BDVTU"])) == {"TU", "BDVTU", "SO", "SO_P1"}
    assert codes(units_covered_by(tree["XA_BDV"])) == {"XA", "XA_CB1", "XA_BDV"}


# --- visible_units ---------------------------------------------------------------------------


def test_committee_reviewer_sees_exactly_what_the_committee_covers_in_constant_queries(tree):
    reviewer = User.objects.create_user("chuyenvien")
    member(reviewer, tree["BDVTU"], Role.COMMITTEE_REVIEWER)

    small = query_count(lambda: list(visible_units(reviewer)))
    assert codes(visible_units(reviewer)) == codes(units_covered_by(tree["BDVTU"]))
    grow(tree)
    large = query_count(lambda: list(visible_units(reviewer)))

    assert codes(visible_units(reviewer)) == codes(units_covered_by(tree["BDVTU"]))
    assert "XA_CB1_0" not in codes(visible_units(reviewer))  # the commune's committee has it
    assert "SO_P1_0_T" in codes(visible_units(reviewer))
    assert large == small


def test_unit_head_sees_only_her_subtree_in_constant_queries(tree):
    head = User.objects.create_user("giamdoc")
    member(head, tree["SO"], Role.UNIT_HEAD)

    small = query_count(lambda: list(visible_units(head)))
    assert codes(visible_units(head)) == {"SO", "SO_P1"}
    grow(tree)
    large = query_count(lambda: list(visible_units(head)))

    assert codes(visible_units(head)) == {"SO", "SO_P1"} | {
        u.code for u in Unit.objects.filter(code__startswith="SO_P1_")
    }
    assert not codes(visible_units(head)) & {"TU", "XA", "BDVTU"}
    assert large == small


def test_a_person_without_roles_sees_nothing(tree):
    assert not visible_units(User.objects.create_user("nobody")).exists()


# --- people_with_role_over -------------------------------------------------------------------


@pytest.fixture
def people(tree):
    made = {}
    for username, code, role in [
        ("head.so", "SO", Role.UNIT_HEAD),
        ("head.tu", "TU", Role.UNIT_HEAD),
        ("head.xa", "XA", Role.UNIT_HEAD),
        ("staff.so", "SO", Role.UNIT_STAFF),
        ("reviewer.tu", "BDVTU", Role.COMMITTEE_REVIEWER),
        ("reviewer.xa", "XA_BDV", Role.COMMITTEE_REVIEWER),
        ("auditor.tu", "BDVTU", Role.AUDITOR),
        ("auditor.so", "SO", Role.AUDITOR),
    ]:
        user = User.objects.filter(username=username).first() or User.objects.create_user(username)
        member(user, tree[code], role)
        made[username] = user
    return made


def usernames(qs) -> list[str]:
    return [u.username for u in qs]


def test_heads_over_a_unit_are_those_of_the_unit_and_its_ancestors(tree, people):
    assert usernames(people_with_role_over(tree["SO_P1"], Role.UNIT_HEAD)) == ["head.so", "head.tu"]
    assert usernames(people_with_role_over(tree["XA_CB1"], Role.UNIT_HEAD)) == [
        "head.tu",
        "head.xa",
    ]


def test_reviewers_over_a_unit_are_those_of_its_nearest_committee(tree, people):
    assert usernames(people_with_role_over(tree["SO_P1"], Role.COMMITTEE_REVIEWER)) == [
        "reviewer.tu"
    ]
    assert usernames(people_with_role_over(tree["XA_CB1"], Role.COMMITTEE_REVIEWER)) == [
        "reviewer.xa"
    ]


def test_auditors_over_a_unit_come_from_its_ancestors_and_its_committee(tree, people):
    assert usernames(people_with_role_over(tree["SO_P1"], Role.AUDITOR)) == [
        "auditor.so",
        "auditor.tu",
    ]
    # The commune has its own committee, so the province committee's auditor is not over it.
    assert usernames(people_with_role_over(tree["XA_CB1"], Role.AUDITOR)) == []


def test_inactive_memberships_do_not_count(tree, people):
    people["head.so"].memberships.update(is_active=False)
    assert usernames(people_with_role_over(tree["SO_P1"], Role.UNIT_HEAD)) == ["head.tu"]


def test_people_with_role_over_costs_one_query_however_deep_the_unit(tree, people):
    shallow = query_count(lambda: list(people_with_role_over(tree["SO"], Role.COMMITTEE_REVIEWER)))
    grow(tree)
    deep_unit = Unit.objects.get(code="SO_P1_2_T")
    deep = query_count(lambda: list(people_with_role_over(deep_unit, Role.COMMITTEE_REVIEWER)))
    assert shallow == deep == 1
    assert query_count(lambda: list(people_with_role_over(deep_unit, Role.UNIT_HEAD))) == 1


def test_role_holder_ids_answer_as_people_with_role_over_for_every_unit_and_role(
    tree, people, on_postgres
):
    """The door's written-once statement and the queryset are one rule: same people, same
    order, for every unit (nested committees, deep units) and role, inactive people aside."""
    grow(tree)
    extra = User.objects.create_user("head.inactive", is_active=False)
    member(extra, tree["SO"], Role.UNIT_HEAD)
    member(User.objects.create_user("council.tu"), tree["BDVTU"], Role.COUNCIL_MEMBER)
    member(
        User.objects.create_user("leader.deep"),
        Unit.objects.get(code="SO_P1_DEEP_BDV"),
        Role.COMMITTEE_LEADER,
    )
    people["staff.so"].memberships.update(is_active=False)
    checked = 0
    for unit_ in Unit.objects.all():
        for role in Role.values:
            expected = list(people_with_role_over(unit_, role).values_list("pk", flat=True))
            assert role_holder_ids(unit_, role) == expected, (unit_.code, role)
            checked += bool(expected)
    assert checked > 20  # the comparison saw people, not only empty answers
