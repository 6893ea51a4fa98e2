"""The announcement calendar (issue #15 part 3): reminders run backwards from the higher
campaign's announcement date to each lower committee that has not nominated yet."""

from __future__ import annotations

import datetime

import pytest

from notifications.messages import render
from notifications.models import Outbox
from workflows import services
from workflows.levels.reminders import nomination_deadline, remind_nominations
from workflows.models import Campaign

from .levels_world import build_levels_world, recognised_at_commune


@pytest.fixture
def lw(db):
    return build_levels_world()


def test_committees_that_have_not_nominated_are_reminded_once_before_the_deadline(lw, settings):
    settings.NOMINATION_REMINDER_DAYS = [30, 14, 7, 1]
    settings.NOMINATION_LEAD_DAYS = 30
    today = datetime.date(lw.year, 9, 1)
    province = Campaign.objects.get(pk=lw.campaigns["p"].pk)
    province.announcement_date = datetime.date(lw.year, 10, 15)
    province.save()
    assert nomination_deadline(province) == datetime.date(lw.year, 9, 15)

    # Commune 1 has nominated; commune 2 has not: only commune 2's leader is reminded.
    services.perform(recognised_at_commune(lw).pk, "nominate_up", actor=lw.x1_leader)
    assert remind_nominations(today=today) == [(province.pk, lw.units["bdv_x2"].pk)]
    [row] = Outbox.objects.filter(event="nomination_reminder")
    assert row.recipient == lw.x2_leader
    message = render(row, "vi")
    assert "15/09" in message.title and "15/10" in message.body
    assert message.url == "/cap-tren-cap-duoi/"
    # Once per threshold, whatever reruns; the next threshold reminds again.
    assert remind_nominations(today=today) == []
    assert remind_nominations(today=today + datetime.timedelta(days=8)) == [
        (province.pk, lw.units["bdv_x2"].pk)
    ]
    # After the deadline, nobody is reminded; the province reminds no one above it for the
    # centre's campaign that has no calendar.
    assert remind_nominations(today=datetime.date(lw.year, 9, 16)) == []
