import pytest
from django.core.management import call_command
from django.http import HttpRequest

from units.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_roles_of_the_signed_in_person(client):
    call_command("load_demo")
    # django-axes counts sign-ins per request: the test client's login() needs one to pass.
    assert client.login(request=HttpRequest(), username="giamdoc.snn", password=DEMO_PASSWORD)

    page = client.get("/").content.decode()

    assert "Thủ trưởng đơn vị" in page
    assert "Sở Nông nghiệp và Môi trường" in page
    assert "Ban Dân vận Tỉnh ủy" in page  # the committee that evaluates the department


def test_home_page_asks_for_login(client):
    response = client.get("/")
    assert response.status_code == 302
