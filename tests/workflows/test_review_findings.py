"""Found in review of issues #13 and #15 (registration, similar titles, the admin's campaign)."""

from __future__ import annotations

import pytest

from workflows import forms
from workflows.lifecycle.conditions import NEEDED_TO_SUBMIT, missing_registration_fields
from workflows.models import EDITABLE_FIELDS, REGISTRATION_FIELDS, Initiative


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
