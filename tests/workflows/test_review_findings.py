"""Found in review of issues #13 and #15 (registration, similar titles, the admin's campaign)."""

from __future__ import annotations

import pytest

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
