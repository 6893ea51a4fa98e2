"""The lifecycle tests' world (two provinces) with the first province's committee covering 20
units that answer its plans: the world's Sở Nông nghiệp, its Phòng Trồng trọt, Sở Y tế, and 17
more departments, each with a staff member and a head."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.workflows.conftest import World, build_world, person
from units.models import Role, UnitKind

EXTRA = 17


def build_plans_world() -> World:
    world = build_world()
    province = world.units["province"]
    units = [world.units["dept"], world.units["office"], world.units["dept2"]]
    for i in range(1, EXTRA + 1):
        unit = province.add_child(code=f"S{i:02d}", name=f"Sở số {i:02d}", kind=UnitKind.DEPARTMENT)
        world.people[f"s{i:02d}"] = person(f"s{i:02d}", (unit, Role.UNIT_STAFF))
        world.people[f"h{i:02d}"] = person(f"h{i:02d}", (unit, Role.UNIT_HEAD))
        units.append(unit)
    world.units["twenty"] = units
    return world


def staff_and_head(world: World, unit) -> tuple:
    """Who drafts and who signs for each of the twenty units."""
    code = unit.code
    if code == "SNN":
        return world.staff, world.head
    if code == "SNN_P1":
        return world.office_staff, world.head
    if code == "SYT":
        return world.other_staff, world.other_head
    return world.people[f"s{code[1:]}"], world.people[f"h{code[1:]}"]


@pytest.fixture
def pw(db) -> World:
    return build_plans_world()


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def draft_plan(world, *, title: str = "Kế hoạch thử", targets=("dept",), **more):
    """A committee plan drafted by the reviewer: one ongoing task, to the named units."""
    from plans import services

    return services.create_plan(
        actor=world.reviewer,
        committee=world.units["bdv"],
        title=title,
        deadline=in_days(5),
        tasks=[{"content": "Việc 1", "ongoing": True}],
        targets=[world.units[name].pk for name in targets],
        **more,
    )


TASKS = [
    {
        "content": "Quán triệt, triển khai Kế hoạch đến cán bộ, đảng viên",
        "ongoing": True,
        "expected_output": "Hội nghị quán triệt",
    },
    {
        "content": "Xây dựng, đăng ký mô hình “Dân vận khéo” năm 2026",
        "starts_on": "01/04/2026",
        "ends_on": "30/04/2026",
        "expected_output": "Danh sách mô hình đăng ký",
    },
]


@pytest.fixture
def world(db) -> World:
    """The lifecycle tests' world as it is (three units answer the first committee)."""
    return build_world()
