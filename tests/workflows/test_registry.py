"""Every action in the registry reaches every door: the pages, the API schema, the admin and
the messages. A new entry missing from any of them fails here."""

from pathlib import Path

from django.urls import reverse

from notifications.messages import SENTENCES
from workflows.admin import BULK_ACTIONS, REASON_ACTIONS, InitiativeAdmin
from workflows.engine.inputs import form_class, serializer_class
from workflows.lifecycle.actions import ACTIONS, action_label
from workflows.models import Initiative

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_every_action_has_a_page_and_a_derived_form():
    for action in ACTIONS.values():
        if action.on_page:
            assert reverse("workflows:action", args=[1, action.name])
            form = form_class(action, Initiative)
            assert "comment" in form.base_fields
            for item in action.inputs:
                if item.kind not in ("points", "model_fields"):
                    assert item.name in form.base_fields, (action.name, item.name)
        else:
            assert action.name == "edit"  # the registration form is its page
            assert reverse("workflows:initiative_edit", args=[1])


def test_every_action_is_an_operation_of_the_api_schema_with_its_own_body():
    schema = SCHEMA.read_text(encoding="utf-8")
    for action in ACTIONS.values():
        assert f"/api/v1/initiatives/{{id}}/actions/{action.name}:" in schema, action.name
        body = serializer_class(action, Initiative)
        assert body.__name__ in schema, action.name
        assert {i.name for i in action.inputs} | {"comment"} == set(body().fields)


def test_every_action_is_offered_in_the_admin(db, rf):
    from django.contrib.admin.sites import site

    linked = {
        a.name for a in ACTIONS.values() if a.inputs and not a.needs_reason
    }  # InitiativeAdmin.action_pages links these
    assert set(BULK_ACTIONS) | set(REASON_ACTIONS) | linked == set(ACTIONS)
    request = rf.get("/")
    request.user = type("Super", (), {"is_superuser": True, "has_perm": lambda *a: True})()
    offered = InitiativeAdmin(Initiative, site).get_actions(request)
    assert {f"{name}_selected" for name in BULK_ACTIONS} <= set(offered)


def test_every_action_that_tells_someone_has_its_sentence_and_label():
    for action in ACTIONS.values():
        assert action_label(action.name) == str(action.label)
        if action.told:
            assert action.name in SENTENCES, action.name
            assert SENTENCES[action.name] is action.message
