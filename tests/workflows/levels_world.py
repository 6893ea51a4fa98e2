"""A world with levels (DOMAIN.md "Levels"): a national committee above a province, the
province's Ban Dân vận, and two communes each with its own Ban Dân vận. Nothing in the code
knows these are levels: they are committees in a tree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from units.models import Role, Unit, UnitKind
from workflows import services

from .conftest import REGISTRATION, full_points, person


@dataclass
class LevelsWorld:
    year: int
    units: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    campaigns: dict = field(default_factory=dict)

    def __getattr__(self, name):
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


# Per committee: (prefix of its people's names, unit key).
COMMITTEES = {"n": "bdv_tw", "p": "bdv_tu", "x1": "bdv_x1", "x2": "bdv_x2"}


def build_levels_world() -> LevelsWorld:
    year = timezone.localdate().year
    u = {}
    u["centre"] = Unit.add_root(code="TW", name="Trung ương", kind=UnitKind.PARTY_COMMITTEE)
    u["bdv_tw"] = u["centre"].add_child(
        code="BDVTW",
        name="Ban Dân vận Trung ương",
        kind=UnitKind.MASS_MOBILISATION_BOARD,
        is_committee=True,
    )
    u["province"] = Unit.objects.get(pk=u["centre"].pk).add_child(
        code="TUA", name="Tỉnh ủy A", kind=UnitKind.PARTY_COMMITTEE
    )
    u["bdv_tu"] = u["province"].add_child(
        code="BDVTUA",
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy A",
        kind=UnitKind.MASS_MOBILISATION_BOARD,
        is_committee=True,
    )
    u["dept"] = Unit.objects.get(pk=u["province"].pk).add_child(
        code="SNNA", name="Sở Nông nghiệp A", kind=UnitKind.DEPARTMENT
    )
    for key, name in (("x1", "Đảng ủy xã Mai Châu"), ("x2", "Đảng ủy xã Tân Lạc")):
        u[key] = Unit.objects.get(pk=u["province"].pk).add_child(
            code=key.upper(), name=name, kind=UnitKind.COMMUNE_PARTY_COMMITTEE
        )
        u[f"bdv_{key}"] = u[key].add_child(
            code=f"BDV{key.upper()}",
            name=f"Ban Dân vận {name}",
            kind=UnitKind.MASS_MOBILISATION_BOARD,
            is_committee=True,
        )
        u[f"hnd_{key}"] = Unit.objects.get(pk=u[key].pk).add_child(
            code=f"HND{key.upper()}",
            name=f"Hội Nông dân {name[9:]}",
            kind=UnitKind.MASS_ORGANISATION,
        )

    p = {}
    for prefix, key in COMMITTEES.items():
        committee = u[key]
        p[f"{prefix}_reviewer"] = person(f"{prefix}_reviewer", (committee, Role.COMMITTEE_REVIEWER))
        p[f"{prefix}_leader"] = person(f"{prefix}_leader", (committee, Role.COMMITTEE_LEADER))
        p[f"{prefix}_member"] = person(f"{prefix}_member", (committee, Role.COUNCIL_MEMBER))
    for key in ("x1", "x2"):
        p[f"{key}_staff"] = person(f"{key}_staff", (u[f"hnd_{key}"], Role.UNIT_STAFF))
        p[f"{key}_head"] = person(f"{key}_head", (u[f"hnd_{key}"], Role.UNIT_HEAD))
    p["p_staff"] = person("p_staff", (u["dept"], Role.UNIT_STAFF))
    p["p_head"] = person("p_head", (u["dept"], Role.UNIT_HEAD))

    world = LevelsWorld(year=year, units=u, people=p)
    for prefix in COMMITTEES:
        world.campaigns[prefix] = open_campaign(world, prefix, year)
    return world


def open_campaign(world: LevelsWorld, prefix: str, year: int, **fields):
    return services.create_campaign(
        actor=world.people[f"{prefix}_leader"],
        committee=world.units[COMMITTEES[prefix]],
        year=year,
        registration_deadline=datetime.date(year, 12, 31),
        allow_late_registration=True,
        quorum=1,
        council=[world.people[f"{prefix}_member"]],
        **fields,
    )


RECOGNIZE = {"decision_number": "05-QĐ/BDV", "decision_date": "01/09/2026", "decision_signer": "A"}


def recognised_at_commune(world: LevelsWorld, commune: str = "x1", **fields):
    """A commune unit's model walked from draft to recognised by its commune committee."""
    staff, head = world.people[f"{commune}_staff"], world.people[f"{commune}_head"]
    initiative = services.create_initiative(
        unit=world.units[f"hnd_{commune}"],
        actor=staff,
        year=world.year,
        **{**REGISTRATION, **fields},
    )
    pk = initiative.pk
    services.perform(pk, "submit", actor=staff)
    services.perform(pk, "approve", actor=head)
    services.perform(pk, "accept", actor=world.people[f"{commune}_reviewer"])
    services.perform(pk, "nominate", actor=head, result={"result_achieved": "200 hộ tham gia"})
    campaign = world.campaigns[commune]
    services.perform(
        pk, "score", actor=world.people[f"{commune}_member"], points=full_points(campaign, 0.9)
    )
    services.perform(pk, "close_scoring", actor=world.people[f"{commune}_leader"])
    return services.perform(pk, "recognize", actor=world.people[f"{commune}_leader"], **RECOGNIZE)
