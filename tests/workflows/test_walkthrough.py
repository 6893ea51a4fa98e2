"""What a user tripped over on the first real walk-through (each failed before its fix)."""

from django.urls import reverse
from django.utils import translation

from tests.api.conftest import Api
from workflows import services
from workflows.models import State

from .conftest import advance, draft


def test_default_criteria_are_stored_in_vietnamese_whatever_the_creators_language(world, client):
    with translation.override("en"):
        campaign = services.create_campaign(
            actor=world.leader, committee=world.units["bdv"], year=world.year + 1
        )
    names = list(campaign.criteria.values_list("name", flat=True))
    with translation.override("vi"):
        from workflows.models import DEFAULT_CRITERIA

        assert names == [str(n) for n, _p in DEFAULT_CRITERIA]
    assert campaign.title.startswith("Phong trào thi đua")
    # The leader's page in English pre-fills the criteria in Vietnamese too.
    client.force_login(world.leader)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("workflows:campaign_create")).content.decode()
    assert names[0] in page


def test_the_whole_result_report_is_on_the_models_page(world, client):
    initiative = advance(world, draft(world), State.IMPLEMENTING)
    services.perform(
        initiative.pk,
        "nominate",
        actor=world.head,
        result={
            "result_achieved": "120 hộ",
            "result_people_reached": 300,
            "result_funds_mobilised": 25000000,
            "result_lessons": "Dựa vào dân",
        },
    )
    client.force_login(world.head)
    page = client.get(reverse("workflows:initiative_detail", args=[initiative.pk]))
    body = page.content.decode()
    assert "Kinh phí huy động" in body and "25.000.000" in body
    assert "Bài học kinh nghiệm" in body and "Dựa vào dân" in body


def test_the_admin_carries_the_services_name(admin_client):
    body = admin_client.get("/admin/").content.decode()
    assert "Dân vận khéo" in body
    assert "Trang quản trị cho Django" not in body and "Django administration" not in body


def test_points_read_the_same_way_everywhere_on_the_score_page(world, client):
    initiative = advance(world, draft(world), State.SCORING)
    client.force_login(world.member1)
    body = client.get(reverse("workflows:action", args=[initiative.pk, "score"])).content.decode()
    assert "100,00" not in body and ",00" not in body
    assert "/ 100 ·" in body


def test_an_unknown_key_in_an_actions_body_is_named(world):
    initiative = advance(world, draft(world), State.IMPLEMENTING)
    response = Api(world.head).act(initiative.pk, "nominate", {"result": {"achieved": "x"}})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "result.achieved" in body["field_errors"], body
    assert "result_achieved" in body["field_errors"]["result.achieved"][0]
    response = Api(world.head).act(initiative.pk, "nominate", {"reslt": {}})
    assert "reslt" in response.json()["field_errors"]
    # A missing required value names its field.
    response = Api(world.head).act(initiative.pk, "nominate", {"result": {}})
    assert response.status_code == 400
    assert "result_achieved" in response.json()["field_errors"], response.json()


def test_the_report_api_defaults_to_the_callers_only_committee(world):
    response = Api(world.leader).get("/reports/committee")
    assert response.status_code == 200, response.json()
    assert response.json()["committee"] == world.units["bdv"].pk
    # Someone who reads no committee's report is told to choose one.
    response = Api(world.staff).get("/reports/committee")
    assert response.status_code == 400 and "committee" in response.json()["field_errors"]
