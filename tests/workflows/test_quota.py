"""Units under quota: who owes the committee a registration this year."""

import pytest

from workflows import selectors, services

from .conftest import draft


@pytest.mark.django_db
def test_quota_counts_sent_registrations_of_units_with_a_head(world):
    world.campaign.quota_per_unit = 1
    world.campaign.save()
    kept_as_draft = draft(world)
    assert kept_as_draft.state == "draft"

    standing = {row["unit"].code: row for row in selectors.quota_standing(world.campaign)}
    # Only units with a head carry a quota: the office and the other province's units do not.
    assert set(standing) == {"SNN", "SYT"}
    assert standing["SNN"]["registered"] == 0  # a draft is not a registration

    services.perform(kept_as_draft.pk, "submit", actor=world.staff)
    under = {row["unit"].code for row in selectors.quota_standing(world.campaign, under_only=True)}
    assert under == {"SYT"}
    standing = {row["unit"].code: row for row in selectors.quota_standing(world.campaign)}
    assert standing["SNN"] == {**standing["SNN"], "registered": 1, "missing": 0}
    assert standing["SYT"]["missing"] == 1


@pytest.mark.django_db
def test_quota_standing_costs_three_queries(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        selectors.quota_standing(world.campaign)
