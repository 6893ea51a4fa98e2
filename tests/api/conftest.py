"""The API is driven with token auth (as a system would) over the lifecycle tests' world."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.tokens import issue
from tests.workflows.conftest import REGISTRATION, World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


class Api:
    """One person's token-authenticated client: api.get("/initiatives") → the response."""

    def __init__(self, user, language: str = "vi"):
        self.user = user
        self.client = APIClient()
        _token, key = issue(user)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, data=None, *, fmt: str = "json", **headers):
        return self.client.post(f"/api/v1{path}", data or {}, format=fmt, headers=headers)

    def patch(self, path: str, data=None):
        return self.client.patch(f"/api/v1{path}", data or {}, format="json")

    def act(self, initiative_id: int, action: str, data=None, *, fmt: str = "json", **headers):
        return self.post(f"/initiatives/{initiative_id}/actions/{action}", data, fmt=fmt, **headers)


@pytest.fixture
def api(world):
    """api("staff") → that person's client."""
    clients: dict[str, Api] = {}

    def make(name: str, language: str = "vi") -> Api:
        if (name, language) not in clients:
            clients[name, language] = Api(world.people[name], language)
        return clients[name, language]

    return make


def registration(world: World) -> dict:
    return {"unit": world.units["dept"].pk, "year": world.year, **REGISTRATION}
