"""The register over the API: ten parallel requests get ten numbers, in order, none twice and
none skipped; a person who may not issue for the unit gets 404."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from accounts.models import User
from units.models import Membership, Role, Unit, UnitKind


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_api_requests_get_ten_numbers(on_postgres):
    province = Unit.add_root(code="TU", name="Tỉnh ủy A", kind=UnitKind.PARTY_COMMITTEE)
    bdv = province.add_child(
        code="BDV", name="Ban Dân vận", short_name="BDVTU", kind=UnitKind.MASS_MOBILISATION_BOARD
    )
    people = []
    for i in range(10):
        user = User.objects.create_user(username=f"p{i}", password="x")
        Membership.objects.create(user=user, unit=bdv, role=Role.COMMITTEE_LEADER)
        people.append(user)
    outsider = User.objects.create_user(username="outsider", password="x")
    barrier = threading.Barrier(len(people))
    answers: list = []
    lock = threading.Lock()

    def post(person, i):
        client = APIClient()
        client.force_authenticate(person)
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/documents/register",
                {"issuer": bdv.pk, "kind": "plan", "title": f"Kế hoạch {i}"},
                format="json",
            )
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(p, i)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [code for code, _ in answers] == [201] * 10, answers
    assert sorted(body["number"] for _, body in answers) == list(range(1, 11))
    assert {body["symbol"] for _, body in answers} == {f"{n}-KH/BDVTU" for n in range(1, 11)}

    reader = APIClient()
    reader.force_authenticate(people[0])
    listed = reader.get("/api/v1/documents/register", {"issuer": bdv.pk}).json()
    assert [row["number"] for row in listed] == list(range(1, 11))
    stranger = APIClient()
    stranger.force_authenticate(outsider)
    assert stranger.get("/api/v1/documents/register", {"issuer": bdv.pk}).status_code == 404
    refused = stranger.post(
        "/api/v1/documents/register",
        {"issuer": bdv.pk, "kind": "plan", "title": "X"},
        format="json",
    )
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
