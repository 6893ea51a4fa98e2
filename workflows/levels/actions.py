"""The levels' actions, declared once and added to the registration lifecycle's registry
(workflows.lifecycle.actions): nominating up, the higher level's screening of a nomination,
and the annual review. Everything else about them (pages, API, admin, messages, audit) is read
from these entries like any other action's."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidData
from units.models import Role

from ..engine.actions import CHOICE, LONG_TEXT, NUMBER, Action, Bar, Context, Input
from ..lifecycle import audiences as told
from ..models import ModelReview, ReviewOutcome
from . import nominations, reviews

UNIT_SIDE = (Role.UNIT_STAFF, Role.UNIT_HEAD)


class NominateUp(Action):
    def prepare(self, ctx: Context) -> dict:
        campaign = nominations.target_campaign(ctx.subject, lock=True)
        nominations.check_nomination(ctx.subject, campaign)
        ctx.extra["target_campaign"] = campaign
        return {}

    def record(self, ctx: Context) -> None:
        campaign = ctx.extra["target_campaign"]
        nomination = nominations.create_nomination(ctx, campaign)
        ctx.extra["nomination"] = nomination
        ctx.changes["nominated_to"] = [
            None,
            {
                "initiative": nomination.pk,
                "campaign": campaign.pk,
                "committee": str(campaign.committee),
                "year": campaign.year,
            },
        ]


class ReportState(Action):
    on_history = True  # past years' recognised models are reviewed too

    def prepare(self, ctx: Context) -> dict:
        if not (ctx.data.get("report") or "").strip():
            raise InvalidData(
                _("Cần nêu tình hình duy trì của mô hình."),
                field_errors={"report": [_("Cần nêu tình hình duy trì của mô hình.")]},
            )
        ctx.extra["review"] = reviews.current_review(ctx.subject)
        return {}

    def record(self, ctx: Context) -> None:
        data = ctx.data
        entry, _created = ModelReview.objects.get_or_create(
            review=ctx.extra["review"], initiative=ctx.subject
        )
        before = {
            "report": entry.report,
            "people_reached": entry.people_reached,
            "funds_mobilised": entry.funds_mobilised and int(entry.funds_mobilised),
        }
        entry.report = data["report"].strip()
        entry.people_reached = data.get("people_reached")
        entry.funds_mobilised = data.get("funds_mobilised")
        entry.reported_by = ctx.actor
        entry.reported_at = timezone.now()
        entry.save()
        after = {
            "report": entry.report,
            "people_reached": entry.people_reached,
            "funds_mobilised": entry.funds_mobilised,
        }
        ctx.changes["review_report"] = [before, {**after, "year": ctx.extra["review"].year}]


class Review(Action):
    on_history = True  # past years' recognised models are reviewed too

    def prepare(self, ctx: Context) -> dict:
        outcome = ctx.data.get("outcome")
        if outcome not in ReviewOutcome.values:
            raise InvalidData(field_errors={"outcome": [_("Chọn kết quả đánh giá.")]})
        review = reviews.current_review(ctx.subject)
        ctx.extra["review"] = review
        return {"outcome": outcome, "year": review.year}

    def record(self, ctx: Context) -> None:
        entry, _created = ModelReview.objects.get_or_create(
            review=ctx.extra["review"], initiative=ctx.subject
        )
        entry.outcome = ctx.subject.review_outcome
        entry.comment = ctx.comment
        entry.decided_by = ctx.actor
        entry.decided_at = timezone.now()
        entry.save()


NOT_UNDER_REVIEW = gettext_lazy(
    "Ban Dân vận chưa mở đợt đánh giá hằng năm cho mô hình này (chỉ đánh giá các mô hình "
    "đã công nhận từ những năm trước)."
)


def level_actions(*, not_submitter: Bar) -> list[Action]:
    """The entries, given the lifecycle's separation-of-duties bar they share (whoever
    nominated a model may not screen it at the higher level, as whoever submitted may not)."""
    return [
        NominateUp(
            "nominate_up",
            gettext_lazy("Đề cử lên cấp trên"),
            roles=[Role.COMMITTEE_LEADER],
            told=[told.HIGHER_LEVEL, told.UNIT],
            applies=nominations.has_higher_level,
            not_applicable=nominations.top_level_message,
            message=gettext_lazy(
                "%(actor)s đã đề cử mô hình “%(title)s” lên Ban Dân vận cấp trên bình xét."
            ),
        ),
        Action(
            "accept_nomination",
            gettext_lazy("Chấp nhận đề cử"),
            roles=[Role.COMMITTEE_REVIEWER],
            bars=[not_submitter],
            told=[told.NEW_TASK_HOLDERS, told.UNIT],
            message=gettext_lazy(
                "%(actor)s đã chấp nhận đề cử mô hình “%(title)s”; hội đồng cấp trên chấm điểm."
            ),
            # Not a bulk action: the screening step's bulk action is the registrations' accept.
            applies=nominations.is_nomination,
        ),
        Action(
            "return_nomination",
            gettext_lazy("Trả lại cấp dưới"),
            roles=[Role.COMMITTEE_REVIEWER],
            needs_reason=True,
            told=[told.UNIT, told.PRIOR_ACTORS],
            message=gettext_lazy(
                "%(actor)s đã trả lại đề cử mô hình “%(title)s” cho Ban Dân vận cấp dưới."
            ),
            applies=nominations.is_nomination,
        ),
        ReportState(
            "report_state",
            gettext_lazy("Báo cáo tình hình duy trì"),
            roles=UNIT_SIDE,
            inputs=[
                Input(
                    "report",
                    LONG_TEXT,
                    gettext_lazy("Tình hình duy trì, hiệu quả hiện nay"),
                    True,
                    max_length=20000,
                    required_message=gettext_lazy("Cần nêu tình hình duy trì của mô hình."),
                ),
                Input("people_reached", NUMBER, gettext_lazy("Số người được hưởng lợi")),
                Input("funds_mobilised", NUMBER, gettext_lazy("Kinh phí huy động (đồng)")),
            ],
            told=[told.COMMITTEE_LEADERS],
            message=gettext_lazy("%(actor)s đã báo cáo tình hình duy trì mô hình “%(title)s”."),
            applies=reviews.under_review,
            not_applicable=NOT_UNDER_REVIEW,
        ),
        Review(
            "review",
            gettext_lazy("Đánh giá hằng năm"),
            roles=[Role.COMMITTEE_LEADER],
            needs_reason=True,
            inputs=[
                Input(
                    "outcome",
                    CHOICE,
                    gettext_lazy("Kết quả đánh giá"),
                    True,
                    choices=tuple(ReviewOutcome.choices),
                ),
            ],
            told=[told.UNIT],
            message=gettext_lazy("Mô hình “%(title)s” đã được đánh giá hằng năm (%(actor)s)."),
            applies=reviews.under_review,
            not_applicable=NOT_UNDER_REVIEW,
        ),
    ]
