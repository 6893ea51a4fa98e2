"""Delegation and separation of duties on the levels' actions (issue #15, found in review): a
substitute nominates for the commune's leader, a substitute accepts for the province's
reviewer, and a person who nominated for someone else may not screen the nomination at the
higher level in their own name."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import Api
from tests.workflows.conftest import person
from tests.workflows.test_engine_defects import on_leave
from units.models import Role
from workflows import services
from workflows.exceptions import NotAllowed
from workflows.models import Initiative

from .levels_world import build_levels_world, recognised_at_commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def lw(db):
    return build_levels_world()


def test_substitutes_nominate_and_accept_for_the_leader_and_the_reviewer(lw):
    model = recognised_at_commune(lw)
    deputy = person("pho_ban_x1", (lw.units["hnd_x1"], Role.UNIT_STAFF))
    on_leave(lw.x1_leader, deputy)
    r = Api(deputy).act(model.pk, "nominate_up")
    assert r.status_code == 200, r.json()
    nomination = Initiative.objects.get(nominated_from=model)
    entry = model.audit_entries.get(action="nominate_up")
    assert (entry.actor_id, entry.on_behalf_of_id) == (deputy.pk, lw.x1_leader.pk)

    stand_in = person("chuyen_vien_thay", (lw.units["bdv_x2"], Role.COMMITTEE_REVIEWER))
    on_leave(lw.p_reviewer, stand_in)
    page = Client()
    page.force_login(stand_in)
    assert page.get(f"/mo-hinh/{nomination.pk}/").status_code == 200
    r = Api(stand_in).act(nomination.pk, "accept_nomination")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "scoring"
    accepted = nomination.audit_entries.get(action="accept_nomination")
    assert (accepted.actor_id, accepted.on_behalf_of_id) == (stand_in.pk, lw.p_reviewer.pk)


def test_who_nominated_for_the_commune_leader_may_not_screen_it_at_the_province(lw):
    """One person, the commune leader's substitute and a reviewer of the province: the
    nomination records the leader as its submitter, so the bar on screening one's own
    submission did not stop its substitute."""
    model = recognised_at_commune(lw)
    both = person("ca_hai_cap", (lw.units["bdv_tu"], Role.COMMITTEE_REVIEWER))
    on_leave(lw.x1_leader, both)
    services.perform(model.pk, "nominate_up", actor=both)
    nomination = Initiative.objects.get(nominated_from=model)

    with pytest.raises(NotAllowed):
        services.perform(nomination.pk, "accept_nomination", actor=both)
    r = Api(both).act(nomination.pk, "accept_nomination")
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    assert "accept_nomination" not in Api(both).get(f"/initiatives/{nomination.pk}").json()[
        "available_actions"
    ]
    nomination.refresh_from_db()
    assert nomination.state == "screening"
    # Another reviewer of the province screens it.
    done = services.perform(nomination.pk, "accept_nomination", actor=lw.p_reviewer)
    assert done.state == "scoring"


def test_the_similar_titles_of_a_nomination_stay_in_the_callers_scope(lw):
    """A commune committee follows its nomination at the province, not what the province
    sends further up: the nomination's "similar titles" listed the province's own nomination
    of the same model to the centre."""
    model = recognised_at_commune(lw)
    services.perform(model.pk, "nominate_up", actor=lw.x1_leader)
    at_province = Initiative.objects.get(nominated_from=model)
    # The province's further nomination of it to the centre (its own dossier there).
    at_centre = Initiative.objects.create(
        campaign=lw.campaigns["n"],
        unit=at_province.unit,
        year=at_province.year,
        state="screening",
        title=at_province.title,
        field=at_province.field,
        nominated_from=at_province,
        nominated_by=lw.units["bdv_tu"],
        created_by=lw.p_leader,
    )
    assert Api(lw.x1_reviewer).get(f"/initiatives/{at_centre.pk}").status_code == 404
    shown = Api(lw.x1_reviewer).get(f"/initiatives/{at_province.pk}/similar").json()
    assert at_centre.pk not in [d["id"] for d in shown["duplicates"]]
    assert model.pk in [d["id"] for d in shown["duplicates"]]
    # The province's reviewer sees both copies, so both are listed for them.
    shown = Api(lw.p_reviewer).get(f"/initiatives/{at_province.pk}/similar").json()
    assert {at_centre.pk} <= {d["id"] for d in shown["duplicates"]}


def test_another_communes_review_and_nomination_are_not_found_on_the_pages(lw):
    """The annual review's page and the levels' pages answer outsiders as for nothing."""
    from django.urls import reverse

    from workflows.levels.reviews import open_review

    review = open_review(committee=lw.units["bdv_x1"], actor=lw.x1_leader)
    model = recognised_at_commune(lw)
    services.perform(model.pk, "nominate_up", actor=lw.x1_leader)
    nomination = Initiative.objects.get(nominated_from=model)
    for name in ("x2_leader", "x2_reviewer", "x2_staff", "p_staff"):
        page = Client()
        page.force_login(lw.people[name])
        assert page.get(reverse("workflows:annual_review", args=[review.pk])).status_code == 404
        assert page.get(f"/mo-hinh/{nomination.pk}/").status_code == 404, name
        r = page.post(reverse("workflows:open_review", args=[lw.units["bdv_x1"].pk]), {})
        assert r.status_code == 404, name
        assert Api(lw.people[name]).get(f"/reviews/{review.pk}").status_code == 404
    page = Client()
    page.force_login(lw.x1_reviewer)
    assert page.get(reverse("workflows:annual_review", args=[review.pk])).status_code == 200
