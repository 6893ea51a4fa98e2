"""load_demo builds the demo province once; running it again changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.http import HttpRequest

from units import demo
from units.models import Membership, Role, Unit, UnitKind
from units.selectors import committee_of

pytestmark = pytest.mark.django_db
User = get_user_model()


def snapshot() -> tuple[int, int, int, list[str]]:
    return (
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        list(Unit.objects.order_by("path").values_list("code", flat=True)),
    )


def test_load_demo_twice_changes_nothing_and_demo_logins_work():
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")

    assert snapshot() == first
    for username in ("admin", "giamdoc.snn", "chuyenvien.bdv", "hoidong3.bdv", "kiemtra.bdv"):
        # django-axes counts sign-ins per request: authenticate() needs one.
        signed_in = authenticate(HttpRequest(), username=username, password=demo.DEMO_PASSWORD)
        assert signed_in is not None


def test_load_demo_does_not_reset_a_changed_password():
    call_command("load_demo")
    user = User.objects.get(username="canbo.snn")
    user.set_password("mat-khau-moi-2026")
    user.save()

    call_command("load_demo")

    changed = authenticate(HttpRequest(), username="canbo.snn", password="mat-khau-moi-2026")
    assert changed is not None


def test_demo_province_has_the_layout_other_apps_rely_on():
    call_command("load_demo")

    root = Unit.objects.get(code=demo.PROVINCE_CODE)
    assert root.is_root() and root.name == "Tỉnh ủy Hòa Bình"
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 12
    assert Unit.objects.filter(kind=UnitKind.COMMUNE_PARTY_COMMITTEE).count() >= 20
    assert Unit.objects.filter(kind=UnitKind.MASS_ORGANISATION).count() == 4
    assert Unit.objects.filter(path__startswith=root.path).count() == Unit.objects.count()
    for commune in Unit.objects.filter(kind=UnitKind.COMMUNE_PARTY_COMMITTEE):
        assert commune.get_children().filter(kind=UnitKind.PARTY_CELL).count() == 2
    snn = Unit.objects.get(code="SNNMT")
    assert committee_of(snn).code == demo.PROVINCE_COMMITTEE_CODE
    assert committee_of(Unit.objects.get(code="XA01_CB1")).code == demo.COMMUNE_COMMITTEE_CODE
    assert committee_of(Unit.objects.get(code="XA02_CB1")).code == demo.PROVINCE_COMMITTEE_CODE

    assert User.objects.get(username="admin").is_superuser
    assert demo.DEMO_USERS[Role.COUNCIL_MEMBER] == ("hoidong1.bdv", "hoidong2.bdv", "hoidong3.bdv")
    for person in demo.DEMO_PEOPLE:
        if person.role:
            assert Membership.objects.filter(
                user__username=person.username, unit__code=person.unit_code, role=person.role
            ).exists()
            membership = Membership.objects.get(user__username=person.username)
            membership.full_clean()  # committee roles sit in committee units


BUILDER_CALLS: list[str] = []


def extra_builder() -> str:
    BUILDER_CALLS.append("extra")
    return "extra done"


def test_load_demo_runs_the_builders_other_apps_add(monkeypatch, capsys):
    BUILDER_CALLS.clear()
    monkeypatch.setattr(
        demo, "DEMO_BUILDERS", [*demo.DEMO_BUILDERS, "tests.units.test_demo.extra_builder"]
    )

    call_command("load_demo")

    assert BUILDER_CALLS == ["extra"]
    assert "extra done" in capsys.readouterr().out
    assert Unit.objects.filter(code=demo.PROVINCE_CODE).exists()
