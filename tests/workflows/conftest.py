"""A small realistic world: two provinces, each with its Ban Dân vận, units, and one person
per role; campaign for the current year with a three-member council (quorum 2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from units.models import Membership, Role, Unit, UnitKind
from workflows import services
from workflows.models import Field


@dataclass
class World:
    year: int
    campaign: object
    other_campaign: object
    units: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)

    def __getattr__(self, name):
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


def person(username: str, *roles: tuple[Unit, str]) -> User:
    user = User.objects.create_user(username=username, password="x", full_name=username.title())
    for unit, role in roles:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def build_world() -> World:
    year = timezone.localdate().year
    province = Unit.add_root(code="TU", name="Tỉnh ủy A", kind=UnitKind.PARTY_COMMITTEE)
    bdv = province.add_child(
        code="BDVTU",
        name="Ban Dân vận Tỉnh ủy A",
        kind=UnitKind.MASS_MOBILISATION_BOARD,
        is_committee=True,
    )
    dept = province.add_child(code="SNN", name="Sở Nông nghiệp", kind=UnitKind.DEPARTMENT)
    office = dept.add_child(code="SNN_P1", name="Phòng Trồng trọt", kind=UnitKind.OFFICE)
    dept2 = province.add_child(code="SYT", name="Sở Y tế", kind=UnitKind.DEPARTMENT)
    other = Unit.add_root(code="TU2", name="Tỉnh ủy B", kind=UnitKind.PARTY_COMMITTEE)
    bdv2 = other.add_child(
        code="BDVTU2",
        name="Ban Dân vận Tỉnh ủy B",
        kind=UnitKind.MASS_MOBILISATION_BOARD,
        is_committee=True,
    )
    dept_b = other.add_child(code="SNN2", name="Sở Nông nghiệp B", kind=UnitKind.DEPARTMENT)

    p = {}
    p["staff"] = person("staff", (dept, Role.UNIT_STAFF))
    p["head"] = person("head", (dept, Role.UNIT_HEAD))
    p["office_staff"] = person("office_staff", (office, Role.UNIT_STAFF))
    p["other_head"] = person("other_head", (dept2, Role.UNIT_HEAD))
    p["other_staff"] = person("other_staff", (dept2, Role.UNIT_STAFF))
    p["reviewer"] = person("reviewer", (bdv, Role.COMMITTEE_REVIEWER))
    p["leader"] = person("leader", (bdv, Role.COMMITTEE_LEADER))
    p["member1"] = person("member1", (bdv, Role.COUNCIL_MEMBER))
    p["member2"] = person("member2", (bdv, Role.COUNCIL_MEMBER))
    p["member3"] = person("member3", (bdv, Role.COUNCIL_MEMBER))
    p["auditor"] = person("auditor", (bdv, Role.AUDITOR))
    p["b_reviewer"] = person("b_reviewer", (bdv2, Role.COMMITTEE_REVIEWER))
    p["b_leader"] = person("b_leader", (bdv2, Role.COMMITTEE_LEADER))
    p["b_member"] = person("b_member", (bdv2, Role.COUNCIL_MEMBER))
    p["b_head"] = person("b_head", (dept_b, Role.UNIT_HEAD))
    p["b_staff"] = person("b_staff", (dept_b, Role.UNIT_STAFF))

    deadline = datetime.date(year, 12, 31)
    campaign = services.create_campaign(
        actor=p["leader"],
        committee=bdv,
        year=year,
        registration_deadline=deadline,
        quorum=2,
        council=[p["member1"], p["member2"], p["member3"]],
    )
    other_campaign = services.create_campaign(
        actor=p["b_leader"],
        committee=bdv2,
        year=year,
        registration_deadline=deadline,
        quorum=1,
        council=[p["b_member"]],
    )
    units = {
        "province": province,
        "bdv": bdv,
        "dept": dept,
        "office": office,
        "dept2": dept2,
        "other": other,
        "bdv2": bdv2,
        "dept_b": dept_b,
    }
    return World(year=year, campaign=campaign, other_campaign=other_campaign, units=units, people=p)


@pytest.fixture
def world(db) -> World:
    return build_world()


REGISTRATION = dict(
    field=Field.KINH_TE,
    title="Mô hình “Dân vận khéo” hỗ trợ nông dân chuyển đổi số",
    address="Xã Tân Lập, huyện A",
    problem="Nông dân khó tiếp cận thị trường trực tuyến",
    implementers="Phòng Trồng trọt phối hợp Hội Nông dân xã",
    expected_results="100 hộ bán hàng qua sàn thương mại điện tử",
)


def pdf(name: str = "minh-chung.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, content_type="application/pdf")


def full_points(campaign, fraction: float = 0.8) -> dict:
    return {c.pk: round(float(c.max_points) * fraction, 2) for c in campaign.criteria.all()}


def draft(world: World, **overrides):
    return services.create_initiative(
        unit=world.units["dept"],
        actor=world.staff,
        year=world.year,
        **{**REGISTRATION, **overrides},
    )


def advance(world: World, initiative, to_state: str):
    """Walk an initiative through the happy path until it reaches `to_state`."""
    steps = [
        ("unit_review", lambda i: services.perform(i.pk, "submit", actor=world.staff)),
        ("screening", lambda i: services.perform(i.pk, "approve", actor=world.head)),
        ("implementing", lambda i: services.perform(i.pk, "accept", actor=world.reviewer)),
        (
            "scoring",
            lambda i: services.perform(
                i.pk,
                "nominate",
                actor=world.head,
                result={"result_achieved": "120 hộ tham gia", "result_people_reached": 450},
            ),
        ),
        (
            "deciding",
            lambda i: (
                services.perform(
                    i.pk, "score", actor=world.member1, points=full_points(world.campaign)
                ),
                services.perform(
                    i.pk, "score", actor=world.member2, points=full_points(world.campaign, 0.9)
                ),
                services.perform(i.pk, "close_scoring", actor=world.leader),
            )[-1],
        ),
        (
            "recognized",
            lambda i: services.perform(
                i.pk,
                "recognize",
                actor=world.leader,
                decision_number="12-QĐ/BDVTU",
                decision_date="15/10/2026",
                decision_signer="Nguyễn Văn A",
            ),
        ),
        (
            "commended",
            lambda i: services.perform(
                i.pk,
                "commend",
                actor=world.leader,
                form="bang_khen",
                authority="Chủ tịch UBND tỉnh",
                decision_number="70/QĐ-UBND",
                decision_date="20/10/2026",
                signed_file=pdf("qd.pdf"),
            ),
        ),
    ]
    for _state, step in steps:
        if initiative.state == to_state:
            break
        initiative = step(initiative)
    assert initiative.state == to_state
    return initiative


@pytest.fixture
def staff_leader(world):
    """The leader of Ban Dân vận Tỉnh ủy A, with admin access to campaigns and criteria."""
    from django.contrib.auth.models import Permission
    from django.test import Client

    leader = world.leader
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    leader.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="workflows",
            content_type__model__in=["campaign", "criterion"],
        )
    )
    client = Client(raise_request_exception=False)
    client.force_login(leader)
    return client
