"""A year of data for the reports, built through the door with a controlled clock, so that the
time spent in each step is known in advance and can be checked exactly."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django.utils import timezone

from tests.workflows.conftest import (
    REGISTRATION,
    World,
    build_world,
    draft,
    full_points,
    pdf,
)
from workflows import services
from workflows.models import Field, Form, Kind


def _step(world: World, initiative):
    """One step along the happy path from where `initiative` stands (as advance() does)."""
    i, w = initiative, world
    if i.state == "draft":
        return services.perform(i.pk, "submit", actor=w.staff)
    if i.state == "unit_review":
        return services.perform(i.pk, "approve", actor=w.head)
    if i.state == "screening":
        return services.perform(i.pk, "accept", actor=w.reviewer)
    if i.state == "implementing":
        result = {"result_achieved": "120 hộ tham gia", "result_people_reached": 450}
        return services.perform(i.pk, "nominate", actor=w.head, result=result)
    if i.state == "scoring":
        services.perform(i.pk, "score", actor=w.member1, points=full_points(w.campaign))
        services.perform(i.pk, "score", actor=w.member2, points=full_points(w.campaign, 0.9))
        return services.perform(i.pk, "close_scoring", actor=w.leader)
    if i.state == "deciding":
        return services.perform(
            i.pk,
            "recognize",
            actor=w.leader,
            decision_number="12-QĐ/BDVTU",
            decision_date="15/10/2026",
            decision_signer="Nguyễn Văn Ký",
        )
    return services.perform(
        i.pk,
        "commend",
        actor=w.leader,
        form="bang_khen",
        authority="Chủ tịch UBND tỉnh",
        decision_number="70/QĐ-UBND",
        decision_date="20/10/2026",
        signed_file=pdf("qd.pdf"),
    )


class Clock:
    def __init__(self, start: datetime.datetime):
        self.now = start

    def __call__(self) -> datetime.datetime:
        return self.now

    def tick(self, days: float) -> None:
        self.now += datetime.timedelta(days=days)


@dataclass
class YearOfData:
    world: World
    clock: Clock
    initiatives: dict = field(default_factory=dict)
    # (state, days spent in it) for every stay that ended: what the report must find.
    stays: list = field(default_factory=list)


def walk(data: YearOfData, initiative, to_state: str, days: list[float]):
    """Move `initiative` one step at a time to `to_state`, `days[i]` days after the last step,
    remembering how long it stayed in each state."""
    for spent in days:
        state = initiative.state
        data.clock.tick(spent)
        initiative = _step(data.world, initiative)
        data.stays.append((state, spent))
        if initiative.state == to_state:
            break
    assert initiative.state == to_state
    return initiative


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def year_of_data(db) -> YearOfData:
    world = build_world()
    year = world.year
    clock = Clock(timezone.make_aware(datetime.datetime(year, 1, 5, 9, 0)))
    data = YearOfData(world=world, clock=clock)
    with mock.patch("django.utils.timezone.now", clock):
        previous = services.create_campaign(
            actor=world.people["leader"],
            committee=world.units["bdv"],
            year=year - 1,
            registration_deadline=datetime.date(year - 1, 12, 31),
        )
        assert previous.year == year - 1
        i = data.initiatives
        i["a"] = draft(world, title="A — chợ nông sản sạch")
        i["a"] = walk(data, i["a"], "commended", [2, 3, 10, 30, 7, 8, 10])
        clock.tick(1)
        i["b"] = draft(
            world,
            title="B — người tổ trưởng tận tụy",
            field=Field.VAN_HOA_XA_HOI,
            form=Form.INDIVIDUAL,
            person_name="Trần Thị Bình",
            person_position="Tổ trưởng tổ dân phố",
        )
        i["b"] = walk(data, i["b"], "recognized", [1, 4, 6, 20, 5, 3])
        clock.tick(1)
        i["c"] = draft(
            world, title="C — nhân rộng chợ sạch", kind=Kind.REPLICATION, replicates=i["a"]
        )
        i["c"] = walk(data, i["c"], "implementing", [3, 2, 5])
        clock.tick(1)
        i["d"] = draft(world, title="D — tổ an ninh", field=Field.QUOC_PHONG_AN_NINH)
        clock.tick(1)
        i["e"] = draft(world, title="E — rút lại")
        i["e"] = walk(data, i["e"], "unit_review", [2])
        clock.tick(4)
        i["e"] = services.perform(i["e"].pk, "withdraw", actor=world.head, comment="Trùng lặp")
        data.stays.append(("unit_review", 4))
        clock.tick(1)
        i["f"] = services.create_initiative(
            unit=world.units["dept2"], actor=world.other_staff, year=year, **REGISTRATION
        )
        # Another committee's initiative never appears in this committee's report.
        i["other"] = services.create_initiative(
            unit=world.units["dept_b"], actor=world.b_staff, year=year, **REGISTRATION
        )
    # Last year's registration, made last year.
    last_year = Clock(timezone.make_aware(datetime.datetime(year - 1, 3, 1, 9, 0)))
    with mock.patch("django.utils.timezone.now", last_year):
        i["g"] = services.create_initiative(
            unit=world.units["dept"], actor=world.staff, year=year - 1, **REGISTRATION
        )
        last_year.tick(3)
        i["g"] = services.perform(i["g"].pk, "submit", actor=world.staff)
    return data


@pytest.fixture
def jobs_in_process():
    """Run export jobs in this process even when REDIS_URL is set (as in .ci/run), so a test
    can read the finished job. The job's code is the same; the real broker and worker path is
    exercised by tests/notifications/test_worker.py."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
