"""Found in review of issues #13 and #15 (registration, similar titles, the admin's campaign)."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connections

from core.errors import Duplicate
from tests.workflows.test_engine_defects import campaign_change_url, campaign_form
from workflows import forms
from workflows.lifecycle.conditions import NEEDED_TO_SUBMIT, missing_registration_fields
from workflows.models import EDITABLE_FIELDS, REGISTRATION_FIELDS, AuditEntry, Initiative


def test_the_registration_page_reads_its_fields_from_the_model():
    """The page's fields, the API's and the door's were three lists to keep in step: the page
    now asks for the model's REGISTRATION_FIELDS (the first of EDITABLE_FIELDS), stars what
    the submit condition asks for, and that condition names the same fields."""
    assert EDITABLE_FIELDS[: len(REGISTRATION_FIELDS)] == REGISTRATION_FIELDS
    form = forms.RegistrationForm()
    asked = [name for name in form.fields if name != "attachments"]
    assert asked == list(REGISTRATION_FIELDS)
    starred = {name for name in REGISTRATION_FIELDS if str(form.fields[name].label).endswith("*")}
    assert starred == set(NEEDED_TO_SUBMIT)
    assert set(missing_registration_fields(Initiative(form="collective"))) == set(NEEDED_TO_SUBMIT)


pytestmark = pytest.mark.django_db


def test_one_admin_save_of_a_campaign_is_one_audit_entry(world, staff_leader):
    """The admin wrote the fields and the criteria of one save as two entries; one save is one
    change of the campaign, with everything it changed."""
    campaign = world.campaign
    seen = set(AuditEntry.objects.values_list("pk", flat=True))

    response = staff_leader.post(
        campaign_change_url(campaign),
        campaign_form(
            campaign, pass_mark="75", **{"criteria-0-name": "Tiêu chí đã sửa trong trang quản trị"}
        ),
    )

    assert response.status_code == 302, response.context and response.context["adminform"].errors
    new = list(AuditEntry.objects.exclude(pk__in=seen))
    assert len(new) == 1, [e.changes for e in new]
    assert set(new[0].changes) == {"pass_mark", "criteria"}
    assert new[0].action == "update_campaign" and new[0].actor_id == world.leader.pk
    assert campaign.criteria.filter(name="Tiêu chí đã sửa trong trang quản trị").exists()
    # A save that changes nothing writes nothing.
    campaign.refresh_from_db()
    staff_leader.post(campaign_change_url(campaign), campaign_form(campaign))
    assert AuditEntry.objects.exclude(pk__in=seen).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_title_at_once_cannot_both_pass_the_duplicate_check(
    on_postgres, monkeypatch
):
    """The duplicate check ran before the insert's transaction: two registrations of one title
    at the same moment (two API calls, two connections) both found "no duplicate" and both were
    created. Each now holds its unit's year from the check to its commit."""
    from tests.workflows.conftest import REGISTRATION, build_world
    from workflows import similar
    from workflows.services import create_initiative

    world = build_world()
    barrier = threading.Barrier(2)
    original = similar.duplicates

    def slow_duplicates(*args, **kwargs):
        found = original(*args, **kwargs)
        # Both checks meet here before either inserts, unless one waits for the other's
        # commit before checking (then the wait times out and the first goes on alone).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return found

    monkeypatch.setattr(similar, "duplicates", slow_duplicates)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register(person):
        try:
            create_initiative(
                unit=world.units["dept"],
                actor=person,
                year=world.year,
                check_similar=True,
                **{**REGISTRATION, "title": "Mô hình dân vận khéo đăng ký hai lần cùng lúc"},
            )
            result = "created"
        except Duplicate:
            result = "duplicate"
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=register, args=(p,)) for p in (world.staff, world.head)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert (
        Initiative.objects.filter(title="Mô hình dân vận khéo đăng ký hai lần cùng lúc").count()
        == 1
    )


def test_the_imports_check_and_write_under_the_same_hold(world, monkeypatch, client):
    """The form import and the history import take the unit's year (and the committee's) before
    their duplicate checks, inside the transaction that writes."""
    import io

    from django.db import connection
    from django.urls import reverse

    from reports.services import import_registration_form
    from tests.workflows.conftest import draft
    from tests.workflows.test_history import five_years, run
    from workflows import similar

    held: list[tuple[list, bool]] = []
    monkeypatch.setattr(
        similar, "hold_titles", lambda pairs: held.append((list(pairs), connection.in_atomic_block))
    )
    draft(world)
    held.clear()
    client.force_login(world.staff)
    form = client.get(reverse("reports:form_xlsx", args=[world.units["dept"].pk, world.year]))
    created = import_registration_form(
        io.BytesIO(form.content),
        filename="bieu.xlsx",
        unit=world.units["dept2"],
        actor=world.other_staff,
        year=world.year,
    )
    assert len(created) == 1
    assert held[0] == ([(world.units["dept2"].pk, world.year)], True)

    held.clear()
    run(world, five_years(world.year))
    pairs, atomic = held[0]
    bdv = world.units["bdv"].pk
    assert atomic and {(bdv, world.year - 5), (world.units["dept"].pk, world.year - 5)} <= set(
        pairs
    )


@pytest.mark.postgres
def test_the_similar_titles_lookup_is_answered_by_a_trigram_index(world, on_postgres):
    """The suggestion query scanned every published and in-scope model; a GIN trigram index
    on the title answers its `%` filter, and the ranking is unchanged."""
    from django.db import connection

    from tests.workflows.conftest import draft
    from workflows import similar

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'workflows_initiative' "
            "AND indexdef LIKE %s",
            ["%gin_trgm_ops%"],
        )
        assert [row[0] for row in cursor.fetchall()] != []
    mine = draft(world, title="Chợ nông sản sạch của hội nông dân")
    theirs = draft(world, title="Chợ nông sản sạch ở phường")
    # Another unit's model, published (recognised): a source anyone may be shown.
    Initiative.objects.filter(pk=theirs.pk).update(unit=world.units["dept2"], state="recognized")
    found = similar.replication_sources(
        mine.title, actor=world.staff, unit=mine.unit, year=mine.year, exclude_pk=mine.pk
    )
    assert [s.initiative.pk for s in found] == [theirs.pk]

    qs = (
        similar.Initiative.objects.filter(
            similar.TrigramSimilar(similar.F("title"), similar.Value(mine.title))
        )
        .order_by()
        .values("pk")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "workflows_initiative_title_trgm" in plan, plan


def test_who_submitted_for_the_staff_member_may_not_approve_it_as_head(world):
    """The unit's head stands in for its staff member and sends the registration for them:
    the registration named only the staff member as its sender, so the bar on approving
    one's own submission let the head approve what they had sent themselves."""
    from django.test import Client

    from tests.api.conftest import Api
    from tests.workflows.conftest import draft, person
    from tests.workflows.test_engine_defects import on_leave
    from units.models import Role
    from workflows import services
    from workflows.exceptions import NotAllowed

    initiative = draft(world)
    # A second head of the unit, so the sign-off waits in the heads' queue.
    second = person("head2", (world.units["dept"], Role.UNIT_HEAD))
    on_leave(world.staff, world.head)
    services.perform(initiative.pk, "submit", actor=world.head)
    initiative.refresh_from_db()
    assert (initiative.submitted_by_id, initiative.submitted_via_id) == (
        world.staff.pk,
        world.head.pk,
    )

    with pytest.raises(NotAllowed):
        services.perform(initiative.pk, "approve", actor=world.head)
    api = Api(world.head)
    r = api.act(initiative.pk, "approve")
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    assert "approve" not in api.get(f"/initiatives/{initiative.pk}").json()["available_actions"]
    page = Client()
    page.force_login(world.head)
    r = page.post(f"/mo-hinh/{initiative.pk}/thao-tac/approve/", {"comment": "Đồng ý"})
    assert r.status_code == 403
    assert Initiative.objects.get(pk=initiative.pk).state == "unit_review"

    # The other head signs it off.
    assert services.perform(initiative.pk, "approve", actor=second).state == "screening"


def test_the_staff_member_who_submitted_themself_records_no_substitute(world):
    from tests.workflows.conftest import draft
    from workflows import services

    initiative = draft(world)
    services.perform(initiative.pk, "submit", actor=world.staff)
    initiative.refresh_from_db()
    assert (initiative.submitted_by_id, initiative.submitted_via_id) == (world.staff.pk, None)
    assert services.perform(initiative.pk, "approve", actor=world.head).state == "screening"


def test_a_sole_head_who_sent_it_for_staff_leaves_the_sign_off_in_the_queue(world):
    """The unit's only head sends the registration for its staff member: the sign-off task
    went to that head's inbox, where nobody could act on it; it now waits in the heads' queue,
    and a head added later claims it and signs it off."""
    from tests.workflows.conftest import draft, person
    from tests.workflows.test_engine_defects import on_leave
    from units.models import Role
    from workflows import services
    from workflows.models import InitiativeTask

    initiative = draft(world)
    on_leave(world.staff, world.head)
    services.perform(initiative.pk, "submit", actor=world.head)
    task = InitiativeTask.objects.get(process__initiative=initiative, finished__isnull=True)
    assert task.owner_id is None

    deputy = person("pho_giam_doc", (world.units["dept"], Role.UNIT_HEAD))
    services.claim_task(task.pk, actor=deputy)
    assert services.perform(initiative.pk, "approve", actor=deputy).state == "screening"
