"""The admin reads decisions and the register; it writes neither (only the services do)."""

import pytest
from django.urls import reverse

from accounts.models import User
from awards import services
from awards.models import Award

from .conftest import scored

pytestmark = pytest.mark.django_db


def test_the_admin_reads_awards_and_the_register_but_changes_nothing(client, world):
    good, _ = scored(world, over=1, under=0)
    award = services.create_award(
        actor=world.leader, campaign=world.campaign, kind="recognition", picks=[(good[0].pk, "")]
    )
    services.issue_award(award.pk, actor=world.leader)
    admin = User.objects.create_superuser(username="root", password="x", email="r@example.org")
    client.force_login(admin)
    listing = client.get(reverse("admin:awards_award_changelist"))
    assert listing.status_code == 200 and "1-QĐ/BDVTU" in listing.content.decode()
    change = client.get(reverse("admin:awards_award_change", args=[award.pk]))
    assert change.status_code == 200 and good[0].title in change.content.decode()
    assert client.get(reverse("admin:awards_award_add")).status_code == 403
    register = client.get(reverse("admin:documents_registereddocument_changelist"))
    assert register.status_code == 200 and "1-QĐ/BDVTU" in register.content.decode()
    client.post(reverse("admin:awards_award_change", args=[award.pk]), {"status": "recorded"})
    award.refresh_from_db()
    assert award.status == "issued"

    # A staff account of another province sees neither this award nor the registers.
    world.b_leader.is_staff = True
    world.b_leader.save()
    client.force_login(world.b_leader)
    assert "1-QĐ/BDVTU" not in client.get(reverse("admin:awards_award_changelist")).content.decode()
    assert client.get(reverse("admin:documents_registereddocument_changelist")).status_code == 403
    assert Award.objects.count() == 1
