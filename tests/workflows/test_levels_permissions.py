"""Who may and who may not do the levels' actions (issue #15), row by row like
test_permissions' table, in the levels world: a commune model, its nomination at the province,
an earlier model under the commune's annual review. Outside one's scope is "not found"."""

from __future__ import annotations

import pytest

from workflows import services
from workflows.exceptions import NotAllowed, NotFound
from workflows.levels.reviews import open_review
from workflows.models import Initiative, State

from .conftest import REGISTRATION
from .levels_world import build_levels_world, open_campaign, recognised_at_commune

COMMUNE = {"x1_staff", "x1_head", "x1_reviewer", "x1_leader", "x1_member"}
PROVINCE = {"p_reviewer", "p_leader", "p_member", "p_staff", "p_head"}
ELSEWHERE = {"x2_staff", "x2_head", "x2_reviewer", "x2_leader", "n_reviewer", "n_leader"}
# Who sees the province's copy of a commune model: the province's committee, the model's unit,
# the commune committee that nominated it. Not the province's own units.
SEES_NOMINATION = (COMMUNE - {"x1_member"}) | {"p_reviewer", "p_leader", "p_member", "x1_member"}

# action: (subject, who may, who sees it (else not found), data)
LEVELS_TABLE = {
    "nominate_up": ("commune", {"x1_leader"}, COMMUNE, {}),
    "accept_nomination": ("nomination", {"p_reviewer"}, SEES_NOMINATION, {}),
    "return_nomination": ("nomination", {"p_reviewer"}, SEES_NOMINATION, {"comment": "Bổ sung"}),
    "report_state": ("earlier", {"x1_staff", "x1_head"}, COMMUNE, {"report": "Vẫn duy trì"}),
    "review": ("earlier", {"x1_leader"}, COMMUNE, {"outcome": "replicate", "comment": "Tốt"}),
}


@pytest.fixture
def lw(db):
    return build_levels_world()


def _subjects(lw) -> dict:
    model = recognised_at_commune(lw)
    services.perform(model.pk, "nominate_up", actor=lw.x1_leader)
    nomination = Initiative.objects.get(nominated_from=model)
    earlier = Initiative.objects.create(
        campaign=open_campaign(lw, "x1", lw.year - 1),
        unit=lw.units["hnd_x1"],
        year=lw.year - 1,
        state=State.RECOGNIZED,
        created_by=lw.x1_staff,
        **REGISTRATION,
    )
    open_review(committee=lw.units["bdv_x1"], actor=lw.x1_leader)
    return {
        "commune": recognised_at_commune(lw, title="Mô hình khác"),
        "nomination": nomination,
        "earlier": earlier,
    }


def test_who_may_and_who_may_not_take_each_levels_action(lw):
    subjects = _subjects(lw)
    everyone = COMMUNE | PROVINCE | ELSEWHERE
    for action, (subject, allowed, sees, data) in LEVELS_TABLE.items():
        initiative = subjects[subject]
        for name in sorted(everyone - allowed):
            expected = NotAllowed if name in sees else NotFound
            with pytest.raises(expected):
                services.perform(initiative.pk, action, actor=lw.people[name], **data)
        for name in sorted(allowed):
            done = services.perform(initiative.pk, action, actor=lw.people[name], **data)
            assert done.audit_entries.filter(action=action, actor=lw.people[name]).exists()
            if done.state != initiative.state:
                break
        if action == "accept_nomination":
            # The return row needs the nomination at screening again: a fresh one.
            fresh = recognised_at_commune(lw, title="Mô hình thứ ba")
            services.perform(fresh.pk, "nominate_up", actor=lw.x1_leader)
            subjects["nomination"] = Initiative.objects.get(nominated_from=fresh)
