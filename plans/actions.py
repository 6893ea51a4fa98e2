"""The actions of a committee's plan and of what units file (implementing plans and periodic
reports), each declared once for the engine (workflows.engine): labels, roles, reason, who is
told, the sentence. Pages, the API, the admin, the messages and the tests read these."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Role
from workflows.engine.actions import Action, Bar, Context, Registry

# Audiences, resolved by the kinds (plans.kinds).
COMMITTEE_LEADERS = "committee_leaders"
COMMITTEE_STAFF = "committee_staff"  # reviewers and leaders: who accept what units send
SUBMITTER = "submitter"
UNIT = "unit"  # the unit's staff and heads
UNIT_HEADS = "unit_heads"
TARGET_UNITS = "target_units"  # every unit a plan is issued to


class Submit(Action):
    def prepare(self, ctx: Context) -> dict:
        return {"by": ctx.principal}


class Issue(Action):
    """Numbers the plan in the committee's register and signs it; the units' filings are
    created by the kind's `finish` (plans.kinds.PlanKind), in the same transaction."""

    def prepare(self, ctx: Context) -> dict:
        from .services import allocate_number, check_issuable

        plan = ctx.subject
        today = timezone.localdate()
        check_issuable(plan, today=today)
        number, symbol = allocate_number(plan, actor=ctx.actor, issued_on=today)
        return {
            "number": number,
            "symbol": symbol,
            "issued_on": today,
            # The person's name as the service keeps it (accounts.User.full_name; Django's
            # first and last names are empty here, so get_full_name() gave the username).
            "signer": str(ctx.principal),
        }


def _submitted(filing, person) -> bool:
    """The person the filing was last submitted for, or the one who submitted it for them
    (a substitute: the latest "submit" entry's actor); either may not sign it."""
    if filing.submitted_by_id is None:
        return False
    if filing.submitted_by_id == person.pk:
        return True
    from workflows.models import AuditEntry

    last = (
        AuditEntry.objects.filter(subject_type="filing", subject_id=filing.pk, action="submit")
        .order_by("-seq")
        .values_list("actor_id", flat=True)
        .first()
    )
    return last == person.pk


NOT_SUBMITTER = Bar(
    "not_submitter",
    _submitted,
    _("Người trình không tự ký văn bản mình trình."),
)


class Sign(Action):
    def prepare(self, ctx: Context) -> dict:
        return {"by": ctx.principal, "now": timezone.now()}


class Accept(Action):
    def prepare(self, ctx: Context) -> dict:
        return {"now": timezone.now()}


class Return(Action):
    def prepare(self, ctx: Context) -> dict:
        return {"reason": ctx.comment}


PLAN_ACTIONS = Registry(
    [
        Submit(
            "submit",
            _("Trình lãnh đạo duyệt"),
            roles=[Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER],
            told=[COMMITTEE_LEADERS],
            message=_("Kế hoạch “%(title)s” được trình lãnh đạo Ban duyệt, ban hành."),
        ),
        Action(
            "send_back",
            _("Trả lại để sửa"),
            roles=[Role.COMMITTEE_LEADER],
            needs_reason=True,
            told=[SUBMITTER],
            message=_("Dự thảo kế hoạch “%(title)s” được trả lại để sửa."),
        ),
        Issue(
            "issue",
            _("Duyệt và ban hành"),
            roles=[Role.COMMITTEE_LEADER],
            told=[TARGET_UNITS],
            message=_(
                "Ban hành %(title)s; đơn vị xây dựng kế hoạch thực hiện và gửi Ban trước "
                "ngày %(deadline)s."
            ),
        ),
    ]
)

FILING_ACTIONS = Registry(
    [
        Submit(
            "submit",
            _("Trình thủ trưởng ký"),
            roles=[Role.UNIT_STAFF],
            told=[UNIT_HEADS],
            message=_("“%(title)s” được trình thủ trưởng ký (hạn %(due)s)."),
        ),
        Action(
            "send_back",
            _("Trả lại cán bộ soạn"),
            roles=[Role.UNIT_HEAD],
            needs_reason=True,
            told=[SUBMITTER],
            message=_("Thủ trưởng trả lại “%(title)s” để sửa."),
        ),
        Sign(
            "sign",
            _("Ký và gửi Ban"),
            roles=[Role.UNIT_HEAD],
            bars=[NOT_SUBMITTER],
            told=[COMMITTEE_STAFF],
            message=_("Đơn vị %(unit)s đã gửi “%(title)s”."),
        ),
        Accept(
            "accept",
            _("Tiếp nhận"),
            roles=[Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER],
            told=[UNIT],
            message=_("Ban đã tiếp nhận “%(title)s”."),
        ),
        Return(
            "return",
            _("Trả lại đơn vị"),
            method="give_back",
            roles=[Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER],
            needs_reason=True,
            told=[UNIT],
            message=_("Ban trả lại “%(title)s”; đơn vị sửa và gửi lại."),
        ),
    ]
)

# Reminders (plans.reminders) say these.
OTHER_MESSAGES = {
    "filing_deadline": _(
        "“%(title)s” của đơn vị %(unit)s cần gửi Ban trước ngày %(due)s (còn %(days)s ngày)."
    ),
    "filing_overdue": _("“%(title)s” của đơn vị %(unit)s đã quá hạn gửi Ban (%(due)s)."),
    "filing_escalation": _("Đơn vị %(unit)s chưa gửi “%(title)s”, quá hạn từ %(due)s."),
}

# Why someone is told → the title they see.
TITLES = {
    "plan_task": _("Việc cần làm: %(title)s"),
    "plan_unit": _("Kế hoạch, báo cáo của đơn vị: %(title)s"),
    "plan_returned": _("Văn bản bạn trình bị trả lại: %(title)s"),
    "plan_issued": _("Kế hoạch mới của Ban: %(title)s"),
    "filing_deadline": _("Sắp đến hạn gửi Ban: %(title)s"),
    "filing_overdue": _("Quá hạn gửi Ban: %(title)s"),
    "filing_escalation": _("Đơn vị chậm gửi Ban: %(title)s"),
}
