"""The registry's permission table through the pages, and its delegation rows through the pages
and the API: for every action, the people the registry allows succeed, everyone else in scope
gets 403, everyone outside gets 404; a substitute of an allowed person succeeds on their behalf
(the audit entry says so), a substitute of a refused person is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import issue
from workflows.models import AuditEntry, Delegation, Initiative

from .conftest import person
from .test_permissions import EVERYONE, OUTSIDE, TABLE, _ready

PAGE_ONLY_IN_FORM = {"edit"}  # edit's page is the registration form


def _page_data(world, action: str) -> dict:
    """The door's data as the action's page form posts it."""
    data = TABLE[action][2](world)
    posted = {}
    for key, value in data.items():
        if key == "points":
            posted.update({f"criterion_{pk}": str(v) for pk, v in value.items()})
        elif key == "result":
            posted.update(value)
        else:
            posted[key] = value
    return posted


def _post_page(client, user, initiative, action):
    client.force_login(user)
    if action == "edit":
        url = reverse("workflows:initiative_edit", args=[initiative.pk])
        fields = {
            name: getattr(initiative, name) or ""
            for name in ("field", "title", "form", "address", "problem", "implementers")
        }
        fields.update(expected_results=initiative.expected_results, kind=initiative.kind)
        return client.post(url, {**fields, "address": "Thôn 2"})
    url = reverse("workflows:action", args=[initiative.pk, action])
    return client.post(url, _page_data(client.world, action))


def _state(initiative) -> str:
    return Initiative.objects.values_list("state", flat=True).get(pk=initiative.pk)


@pytest.mark.parametrize("action", list(TABLE))
def test_who_may_and_who_may_not_through_the_pages(world, client, action):
    client.world = world
    state, allowed, _data = TABLE[action]
    initiative = _ready(world, action, state)
    for name in EVERYONE:
        if name in allowed:
            continue
        response = _post_page(client, world.people[name], initiative, action)
        assert response.status_code == (404 if name in OUTSIDE else 403), (name, action)
        assert _state(initiative) == state, f"{name} moved the initiative by {action}"
    for name in sorted(allowed):
        response = _post_page(client, world.people[name], initiative, action)
        assert response.status_code == 302, (name, action, response.content[:400])
        assert AuditEntry.objects.filter(
            initiative=initiative, action=action, actor=world.people[name]
        ).exists()
        if _state(initiative) != state:
            break


def _substitute_for(world, principal):
    """Someone from another province with no role here, named substitute for today."""
    substitute = person(f"sub_{principal.username}", (world.units["dept_b"], "unit_staff"))
    today = timezone.localdate()
    Delegation.objects.create(
        principal=principal,
        substitute=substitute,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    return substitute


def _api_post(user, initiative, action, data):
    client = APIClient()
    _token, key = issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    if "points" in data:
        data["points"] = {str(k): str(v) for k, v in data["points"].items()}
    return client.post(
        f"/api/v1/initiatives/{initiative.pk}/actions/{action}",
        data,
        format="multipart" if any(hasattr(v, "read") for v in data.values()) else "json",
    )


@pytest.mark.parametrize("door", ["page", "api"])
@pytest.mark.parametrize("action", [a for a in TABLE if a not in PAGE_ONLY_IN_FORM])
def test_a_substitute_acts_for_an_allowed_person_and_only_for_them(world, client, action, door):
    client.world = world
    state, allowed, data = TABLE[action]
    initiative = _ready(world, action, state)
    # A substitute of someone in scope who may not do it is refused like them (403)...
    refused = next(n for n in EVERYONE if n not in allowed and n not in OUTSIDE)
    stand_in = _substitute_for(world, world.people[refused])
    if door == "page":
        response = _post_page(client, stand_in, initiative, action)
    else:
        response = _api_post(stand_in, initiative, action, data(world))
    assert response.status_code == 403, (action, door, refused)
    assert _state(initiative) == state
    # ...and a substitute of an allowed person acts on their behalf.
    principal = world.people[sorted(allowed)[0]]
    substitute = _substitute_for(world, principal)
    if door == "page":
        response = _post_page(client, substitute, initiative, action)
        assert response.status_code == 302, (action, response.content[:400])
    else:
        response = _api_post(substitute, initiative, action, data(world))
        assert response.status_code == 200, (action, response.json())
    entry = AuditEntry.objects.filter(initiative=initiative, action=action).latest("seq")
    assert (entry.actor_id, entry.on_behalf_of_id) == (substitute.pk, principal.pk)
