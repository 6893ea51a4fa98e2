"""Who may do what: the role and scope half of DOMAIN.md's transition table.

The FSM declares each transition's `permission=` with the functions here; the door calls them
for the acting person and for anyone who delegated to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from units.models import Membership, Role


@dataclass(frozen=True)
class ActionSpec:
    name: str
    label: str
    roles: frozenset[str]
    needs_reason: bool = False
    # Separation of duties: who did these to the initiative may not do this one.
    not_by_submitter: bool = False
    not_by_scorer: bool = False


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in [
        ActionSpec("edit", _("Sửa"), frozenset({Role.UNIT_STAFF, Role.UNIT_HEAD})),
        ActionSpec("submit", _("Gửi thủ trưởng duyệt"), frozenset({Role.UNIT_STAFF})),
        ActionSpec(
            "approve",
            _("Duyệt, ký gửi Ban Dân vận"),
            frozenset({Role.UNIT_HEAD}),
            not_by_submitter=True,
        ),
        ActionSpec("return", _("Trả lại để sửa"), frozenset({Role.UNIT_HEAD}), needs_reason=True),
        ActionSpec(
            "accept",
            _("Chấp nhận đăng ký"),
            frozenset({Role.COMMITTEE_REVIEWER}),
            not_by_submitter=True,
        ),
        ActionSpec(
            "send_back",
            _("Trả lại đơn vị"),
            frozenset({Role.COMMITTEE_REVIEWER}),
            needs_reason=True,
        ),
        ActionSpec(
            "report_progress", _("Báo cáo tiến độ"), frozenset({Role.UNIT_STAFF, Role.UNIT_HEAD})
        ),
        ActionSpec("nominate", _("Đề nghị công nhận"), frozenset({Role.UNIT_HEAD})),
        ActionSpec("withdraw", _("Rút đăng ký"), frozenset({Role.UNIT_HEAD}), needs_reason=True),
        ActionSpec(
            "score", _("Chấm điểm"), frozenset({Role.COUNCIL_MEMBER}), not_by_submitter=True
        ),
        ActionSpec(
            "close_scoring",
            _("Kết thúc chấm điểm"),
            frozenset({Role.COMMITTEE_LEADER}),
            not_by_submitter=True,
            not_by_scorer=True,
        ),
        ActionSpec(
            "reopen_scoring",
            _("Mở lại chấm điểm"),
            frozenset({Role.COMMITTEE_LEADER}),
            needs_reason=True,
        ),
        ActionSpec(
            "recognize",
            _("Công nhận"),
            frozenset({Role.COMMITTEE_LEADER}),
            not_by_submitter=True,
            not_by_scorer=True,
        ),
        ActionSpec(
            "reject", _("Không công nhận"), frozenset({Role.COMMITTEE_LEADER}), needs_reason=True
        ),
        ActionSpec(
            "commend",
            _("Ghi nhận khen thưởng"),
            frozenset({Role.COMMITTEE_LEADER}),
            not_by_submitter=True,
            not_by_scorer=True,
        ),
    ]
}

UNIT_SIDE = frozenset({Role.UNIT_STAFF, Role.UNIT_HEAD})


def acting_role(initiative, user, action: str) -> Membership | None:
    """The membership through which `user` may do `action` to `initiative` (role and scope),
    or None. Separation of duties is checked too. One or two small indexed queries."""
    spec = ACTIONS[action]
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if spec.not_by_submitter and initiative.submitted_by_id == user.pk:
        return None
    if spec.not_by_scorer and initiative.scorecards.filter(member=user).exists():
        return None
    unit = initiative.unit
    unit_side = spec.roles & UNIT_SIDE
    committee_side = spec.roles - UNIT_SIDE
    memberships = Membership.objects.filter(
        user=user, is_active=True, unit__is_active=True
    ).select_related("unit")
    found = None
    if unit_side:
        found = (
            memberships.filter(role__in=unit_side, unit__path__in=unit.ancestor_paths())
            .order_by("-unit__depth")
            .first()
        )
    if found is None and committee_side:
        found = memberships.filter(
            role__in=committee_side, unit_id=initiative.campaign.committee_id
        ).first()
        if found is not None and found.role == Role.COUNCIL_MEMBER:
            # Council members score only their campaign's initiatives, never their own unit's.
            if not initiative.campaign.council.filter(pk=user.pk).exists():
                return None
            if Membership.objects.filter(user=user, unit_id=initiative.unit_id).exists():
                return None
    return found


def permission(action: str) -> Callable:
    """The FSM `permission=` callable for one action."""

    def check(instance, user) -> bool:
        return acting_role(instance, user, action) is not None

    check.__name__ = f"may_{action}"
    return check
