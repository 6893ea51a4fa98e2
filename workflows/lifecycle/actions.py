"""Every action of the registration lifecycle, declared once (ARCHITECTURE.md, "The engine").

Each entry says: its label, the FSM transition it runs, the roles that may do it, the
separation-of-duties bars (checked for the person acting and for the one on whose behalf),
whether it needs a reason, its inputs (the page form and the API body are derived from them),
who is told and the sentence they read. The task an action completes is the flow node whose
routes name it (workflows.flows). Pages, the API, the admin, the messages, the lifecycle
picture and the tests read ACTIONS; the door runs `prepare` and `record`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidData
from units.models import Role

from ..engine.actions import (
    CHOICE,
    DATE,
    FILE,
    FILES,
    LONG_TEXT,
    MODEL_FIELDS,
    POINTS,
    TEXT,
    Action,
    Bar,
    Context,
    Input,
    Registry,
)
from ..levels.actions import level_actions
from ..levels.nominations import is_not_nomination
from ..models import (
    EDITABLE_FIELDS,
    RESULT_FIELDS,
    Attachment,
    Commendation,
    CommendationForm,
    ProgressReport,
    Score,
    Scorecard,
)
from ..recording import apply_fields, attach, parse_date, validate_upload
from . import audiences as told

# ---------------------------------------------------------------------------------------------
# Separation of duties


def _submitted(initiative, person) -> bool:
    """Whoever submitted the registration: on whose behalf it was sent, or their substitute
    who sent it. A nomination records the lower leader as its submitter and whoever pressed
    the button (the leader, or their substitute) as its creator: neither may screen, score or
    decide it at the higher level."""
    if person.pk is not None and person.pk in (
        initiative.submitted_by_id,
        initiative.submitted_via_id,
    ):
        return True
    return initiative.nominated_from_id is not None and initiative.created_by_id == person.pk


def _scored(initiative, person) -> bool:
    return initiative.scorecards.filter(member_id=person.pk).exists()


NOT_SUBMITTER = Bar(
    "not_submitter",
    _submitted,
    gettext_lazy("Người đã gửi đăng ký không được tự duyệt, thẩm định hay chấm điểm."),
)
NOT_SCORER = Bar(
    "not_scorer",
    _scored,
    gettext_lazy("Thành viên đã chấm điểm không được tự quyết định công nhận."),
)

# ---------------------------------------------------------------------------------------------
# Inputs shared by several actions

ATTACHMENTS = Input("attachments", FILES, gettext_lazy("Tệp đính kèm"))
DECISION_NUMBER = Input("decision_number", TEXT, gettext_lazy("Số quyết định"), True, max_length=60)
DECISION_DATE = Input("decision_date", DATE, gettext_lazy("Ngày quyết định"), True)


def _criteria(initiative) -> list:
    return [(c.pk, c.name, c.max_points) for c in initiative.campaign.criteria.all()]


# ---------------------------------------------------------------------------------------------
# Actions with their own data


class Edit(Action):
    def prepare(self, ctx: Context) -> dict:
        apply_fields(ctx.subject, ctx.data.get("fields") or {}, EDITABLE_FIELDS)
        return {}

    def record(self, ctx: Context) -> None:
        _attach_all(ctx, Attachment.Purpose.EVIDENCE)


class Submit(Action):
    def prepare(self, ctx: Context) -> dict:
        via = ctx.actor if ctx.actor.pk != ctx.principal.pk else None
        return {"by": ctx.principal, "via": via}


class ReportProgress(Action):
    def prepare(self, ctx: Context) -> dict:
        if not (ctx.data.get("text") or "").strip() and not ctx.data.get("attachments"):
            raise InvalidData(
                _("Cần nhập nội dung hoặc đính kèm tệp báo cáo tiến độ."),
                field_errors={"text": [_("Cần nhập nội dung báo cáo.")]},
            )
        return {}

    def record(self, ctx: Context) -> None:
        _attach_all(ctx, Attachment.Purpose.PROGRESS)
        text = (ctx.data.get("text") or "").strip()
        if text:
            ProgressReport.objects.create(initiative=ctx.subject, text=text, author=ctx.actor)
            ctx.changes["progress_report"] = [None, text]


class Nominate(Action):
    def prepare(self, ctx: Context) -> dict:
        result = {k: v for k, v in (ctx.data.get("result") or {}).items() if v is not None}
        apply_fields(ctx.subject, result, RESULT_FIELDS)
        return {}

    def record(self, ctx: Context) -> None:
        _attach_all(ctx, Attachment.Purpose.RESULT)


class ScoreAction(Action):
    def record(self, ctx: Context) -> None:
        initiative, member = ctx.subject, ctx.principal
        criteria = list(initiative.campaign.criteria.all())
        given = {str(k): v for k, v in (ctx.data.get("points") or {}).items()}
        errors, values = {}, {}
        for criterion in criteria:
            raw = given.get(str(criterion.pk))
            try:
                value = Decimal(str(raw).replace(",", ".")) if raw not in (None, "") else None
            except InvalidOperation:
                value = None
            if value is None:
                errors[f"criterion_{criterion.pk}"] = [_("Cần chấm điểm tiêu chí này.")]
            elif not value.is_finite() or not (0 <= value <= criterion.max_points):
                errors[f"criterion_{criterion.pk}"] = [
                    _("Điểm phải từ 0 đến %(max)s.") % {"max": criterion.max_points}
                ]
            else:
                values[criterion] = value.quantize(Decimal("0.01"))
        if set(given) - {str(c.pk) for c in criteria}:
            errors["points"] = [_("Có tiêu chí không thuộc đợt thi đua này.")]
        if errors:
            raise InvalidData(_("Phiếu chấm chưa hợp lệ."), field_errors=errors)
        total = sum(values.values(), Decimal(0))
        card = Scorecard.objects.create(
            initiative=initiative,
            round=initiative.scoring_round,
            member=member,
            total=total,
            comment=(ctx.data.get("score_comment") or "").strip(),
        )
        Score.objects.bulk_create(
            Score(scorecard=card, criterion=c, points=v) for c, v in values.items()
        )
        ctx.changes["scorecard"] = [
            None,
            {
                "member": member.pk,
                "round": card.round,
                "total": str(total),
                "points": {str(c.pk): str(v) for c, v in values.items()},
            },
        ]


class CloseScoring(Action):
    def prepare(self, ctx: Context) -> dict:
        initiative = ctx.subject
        totals = list(
            initiative.scorecards.filter(round=initiative.scoring_round).values_list(
                "total", flat=True
            )
        )
        mean = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01")) if totals else None
        return {"total": mean}


class Recognize(Action):
    def prepare(self, ctx: Context) -> dict:
        initiative, data = ctx.subject, ctx.data
        errors = {}
        number = (data.get("decision_number") or "").strip()
        signer = (data.get("decision_signer") or "").strip()
        date = parse_date(data.get("decision_date"))
        override = (data.get("override_reason") or "").strip()
        if not number:
            errors["decision_number"] = [_("Cần nhập số quyết định công nhận.")]
        if date is None:
            errors["decision_date"] = [_("Cần nhập ngày quyết định hợp lệ (dd/mm/yyyy).")]
        if not signer:
            errors["decision_signer"] = [_("Cần nhập người ký quyết định.")]
        total = initiative.total_score
        if (total is None or total < initiative.campaign.pass_mark) and not override:
            errors["override_reason"] = [
                _(
                    "Điểm bình quân %(total)s dưới điểm đạt %(pass)s: "
                    "cần nêu lý do nếu vẫn công nhận."
                )
                % {
                    "total": total if total is not None else "—",
                    "pass": initiative.campaign.pass_mark,
                }
            ]
        if errors:
            raise InvalidData(field_errors=errors)
        return {
            "number": number,
            "date": date,
            "signer": signer,
            "override_reason": override,
            "at": timezone.now(),
        }


class Commend(Action):
    def prepare(self, ctx: Context) -> dict:
        data, errors = ctx.data, {}
        if data.get("form") not in CommendationForm.values:
            errors["form"] = [_("Chọn hình thức khen thưởng.")]
        if not (data.get("authority") or "").strip():
            errors["authority"] = [_("Cần nhập cơ quan, người quyết định khen thưởng.")]
        if not (data.get("decision_number") or "").strip():
            errors["decision_number"] = [_("Cần nhập số quyết định khen thưởng.")]
        if parse_date(data.get("decision_date")) is None:
            errors["decision_date"] = [_("Cần nhập ngày quyết định hợp lệ (dd/mm/yyyy).")]
        if not data.get("signed_file"):
            errors["signed_file"] = [_("Cần đính kèm tệp quyết định đã ký.")]
        else:
            try:
                validate_upload(data["signed_file"])
            except InvalidData as exc:
                errors["signed_file"] = [str(exc.message)]
        if errors:
            raise InvalidData(field_errors=errors)
        return {}

    def record(self, ctx: Context) -> None:
        data = ctx.data
        signed = attach(
            ctx.subject, data["signed_file"], Attachment.Purpose.COMMENDATION, ctx.actor
        )
        commendation = Commendation.objects.create(
            initiative=ctx.subject,
            form=data["form"],
            authority=data["authority"].strip(),
            decision_number=data["decision_number"].strip(),
            decision_date=parse_date(data["decision_date"]),
            signed_file=signed,
            proposal_number=(data.get("proposal_number") or "").strip(),
            recorded_by=ctx.actor,
        )
        ctx.changes["commendation"] = [
            None,
            {
                "form": commendation.form,
                "authority": commendation.authority,
                "decision_number": commendation.decision_number,
                "decision_date": commendation.decision_date.isoformat(),
                "file": signed.original_name,
            },
        ]


def _attach_all(ctx: Context, purpose) -> None:
    for upload in ctx.data.get("attachments") or ():
        attachment = attach(ctx.subject, upload, purpose, ctx.actor)
        ctx.changes.setdefault("attachments", [None, []])[1].append(attachment.original_name)


# ---------------------------------------------------------------------------------------------
# The registry

UNIT_SIDE = (Role.UNIT_STAFF, Role.UNIT_HEAD)

ACTIONS = Registry(
    [
        Edit(
            "edit",
            gettext_lazy("Sửa"),
            roles=UNIT_SIDE,
            inputs=[
                Input(
                    "fields",
                    MODEL_FIELDS,
                    gettext_lazy("Các trường sửa"),
                    model_fields=EDITABLE_FIELDS,
                    api_serializer="workflows.serializers.InitiativeFieldsSerializer",
                ),
                ATTACHMENTS,
            ],
            on_page=False,  # the registration form is its page
        ),
        Submit(
            "submit",
            gettext_lazy("Gửi thủ trưởng duyệt"),
            roles=[Role.UNIT_STAFF],
            told=[told.NEW_TASK_HOLDERS, told.UNIT],
            message=gettext_lazy(
                "%(actor)s đã gửi mô hình “%(title)s” để thủ trưởng đơn vị duyệt."
            ),
        ),
        Action(
            "approve",
            gettext_lazy("Duyệt, ký gửi Ban Dân vận"),
            roles=[Role.UNIT_HEAD],
            bars=[NOT_SUBMITTER],
            told=[told.NEW_TASK_HOLDERS, told.UNIT],
            message=gettext_lazy(
                "%(actor)s đã duyệt và gửi mô hình “%(title)s” lên Ban Dân vận thẩm định."
            ),
            bulk=True,
        ),
        Action(
            "return",
            gettext_lazy("Trả lại để sửa"),
            roles=[Role.UNIT_HEAD],
            method="return_to_unit",  # `return` is a Python keyword
            needs_reason=True,
            told=[told.SUBMITTER, told.NEW_TASK_HOLDERS, told.UNIT, told.PRIOR_ACTORS],
            message=gettext_lazy(
                "%(actor)s đã trả lại mô hình “%(title)s” để đơn vị sửa, bổ sung."
            ),
        ),
        Action(
            "accept",
            gettext_lazy("Chấp nhận đăng ký"),
            roles=[Role.COMMITTEE_REVIEWER],
            bars=[NOT_SUBMITTER],
            told=[told.NEW_TASK_HOLDERS, told.UNIT],
            message=gettext_lazy(
                "%(actor)s đã tiếp nhận đăng ký mô hình “%(title)s”; đơn vị triển khai thực hiện."
            ),
            bulk=True,
            applies=is_not_nomination,  # a nomination: accept_nomination, return_nomination
        ),
        Action(
            "send_back",
            gettext_lazy("Trả lại đơn vị"),
            roles=[Role.COMMITTEE_REVIEWER],
            needs_reason=True,
            told=[told.NEW_TASK_HOLDERS, told.UNIT, told.PRIOR_ACTORS],
            message=gettext_lazy(
                "%(actor)s (Ban Dân vận) đã trả lại mô hình “%(title)s” cho đơn vị."
            ),
            applies=is_not_nomination,
        ),
        ReportProgress(
            "report_progress",
            gettext_lazy("Báo cáo tiến độ"),
            roles=UNIT_SIDE,
            inputs=[
                Input(
                    "text", LONG_TEXT, gettext_lazy("Nội dung báo cáo tiến độ"), max_length=20000
                ),
                Input("attachments", FILES, gettext_lazy("Tệp báo cáo")),
            ],
        ),
        Nominate(
            "nominate",
            gettext_lazy("Đề nghị công nhận"),
            roles=[Role.UNIT_HEAD],
            inputs=[
                Input(
                    "result",
                    MODEL_FIELDS,
                    gettext_lazy("Báo cáo kết quả"),
                    model_fields=RESULT_FIELDS,
                ),
                Input("attachments", FILES, gettext_lazy("Tệp báo cáo kết quả")),
            ],
            told=[told.NEW_TASK_HOLDERS, told.UNIT],
            message=gettext_lazy(
                "%(actor)s đã đề nghị công nhận mô hình “%(title)s”; hội đồng chấm điểm."
            ),
        ),
        Action(
            "withdraw",
            gettext_lazy("Rút đăng ký"),
            roles=[Role.UNIT_HEAD],
            needs_reason=True,
            told=[told.OPEN_TASK_HOLDERS, told.UNIT],
            message=gettext_lazy("%(actor)s đã rút mô hình “%(title)s”."),
            applies=is_not_nomination,  # the higher level returns a nomination instead
        ),
        ScoreAction(
            "score",
            gettext_lazy("Chấm điểm"),
            roles=[Role.COUNCIL_MEMBER],
            bars=[NOT_SUBMITTER],
            inputs=[
                Input("points", POINTS, gettext_lazy("Điểm theo tiêu chí"), True, items=_criteria),
                Input("score_comment", LONG_TEXT, gettext_lazy("Nhận xét"), max_length=10000),
            ],
            told=[told.QUORUM_REACHED],
            message=gettext_lazy("Hội đồng đã đủ số thành viên chấm điểm mô hình “%(title)s”."),
        ),
        CloseScoring(
            "close_scoring",
            gettext_lazy("Kết thúc chấm điểm"),
            roles=[Role.COMMITTEE_LEADER],
            bars=[NOT_SUBMITTER, NOT_SCORER],
            told=[told.NEW_TASK_HOLDERS, told.UNIT],
            message=gettext_lazy(
                "%(actor)s đã kết thúc chấm điểm mô hình “%(title)s”; chờ quyết định."
            ),
            shows_scores=True,
        ),
        Action(
            "reopen_scoring",
            gettext_lazy("Mở lại chấm điểm"),
            roles=[Role.COMMITTEE_LEADER],
            needs_reason=True,
            told=[told.NEW_TASK_HOLDERS, told.COUNCIL, told.UNIT],
            message=gettext_lazy("%(actor)s đã mở lại việc chấm điểm mô hình “%(title)s”."),
            shows_scores=True,
        ),
        Recognize(
            "recognize",
            gettext_lazy("Công nhận"),
            roles=[Role.COMMITTEE_LEADER],
            bars=[NOT_SUBMITTER, NOT_SCORER],
            inputs=[
                Input("decision_number", TEXT, gettext_lazy("Số quyết định công nhận"), True, 60),
                DECISION_DATE,
                Input("decision_signer", TEXT, gettext_lazy("Người ký"), True, max_length=150),
                Input(
                    "override_reason",
                    LONG_TEXT,
                    gettext_lazy("Lý do công nhận dưới điểm đạt"),
                    max_length=10000,
                    help=gettext_lazy("Chỉ cần khi điểm bình quân dưới điểm đạt."),
                ),
            ],
            told=[told.NEW_TASK_HOLDERS, told.UNIT, told.COUNCIL],
            message=gettext_lazy("Mô hình “%(title)s” đã được công nhận (%(actor)s)."),
            shows_scores=True,
        ),
        Action(
            "reject",
            gettext_lazy("Không công nhận"),
            roles=[Role.COMMITTEE_LEADER],
            needs_reason=True,
            told=[told.UNIT, told.PRIOR_ACTORS],
            message=gettext_lazy("Mô hình “%(title)s” không được công nhận (%(actor)s)."),
            shows_scores=True,
        ),
        Commend(
            "commend",
            gettext_lazy("Ghi nhận khen thưởng"),
            roles=[Role.COMMITTEE_LEADER],
            bars=[NOT_SUBMITTER, NOT_SCORER],
            inputs=[
                Input(
                    "form",
                    CHOICE,
                    gettext_lazy("Hình thức khen thưởng"),
                    True,
                    choices=tuple(CommendationForm.choices),
                ),
                Input(
                    "authority",
                    TEXT,
                    gettext_lazy("Cơ quan, người quyết định khen thưởng"),
                    True,
                    max_length=255,
                ),
                Input("decision_number", TEXT, gettext_lazy("Số quyết định khen thưởng"), True, 60),
                DECISION_DATE,
                Input("proposal_number", TEXT, gettext_lazy("Số tờ trình đề nghị"), max_length=60),
                Input(
                    "signed_file",
                    FILE,
                    gettext_lazy("Tệp quyết định đã ký"),
                    True,
                    required_message=gettext_lazy("Cần đính kèm tệp quyết định đã ký."),
                ),
            ],
            told=[told.UNIT],
            message=gettext_lazy("Mô hình “%(title)s” đã được khen thưởng (%(actor)s ghi nhận)."),
        ),
        # Levels: nominating up, the higher level's screening, the annual review.
        *level_actions(not_submitter=NOT_SUBMITTER),
    ]
)

# Audit entries that are not lifecycle actions, with their labels (the admin and the exports).
OTHER_AUDIT_ACTIONS = {
    "create": gettext_lazy("Tạo đăng ký"),
    "claim": gettext_lazy("Nhận nhiệm vụ"),
    "release": gettext_lazy("Trả nhiệm vụ về hàng chờ"),
    "reassign": gettext_lazy("Giao lại nhiệm vụ"),
    "flag_case": gettext_lazy("Đánh dấu vụ việc"),
    "create_campaign": gettext_lazy("Mở đợt thi đua"),
    "update_campaign": gettext_lazy("Sửa đợt thi đua"),
    # workflows.history: a model (or campaign) of a past year brought in from a file.
    "import": gettext_lazy("Nhập dữ liệu các năm trước"),
    "receive_nomination": gettext_lazy("Nhận đề cử từ cấp dưới"),
    "open_review": gettext_lazy("Mở đợt đánh giá hằng năm"),
}

# Sentences of messages that are not about a lifecycle action.
OTHER_MESSAGES = {
    "task_assigned": gettext_lazy("%(actor)s đã giao cho bạn nhiệm vụ về mô hình “%(title)s”."),
    "open_review": gettext_lazy(
        "%(committee)s đã mở đợt đánh giá hằng năm %(year)s: mời đơn vị báo cáo tình hình "
        "duy trì mô hình “%(title)s”."
    ),
    "nomination_reminder": gettext_lazy(
        "%(committee)s chưa đề cử mô hình nào lên %(parent)s; hạn đề cử %(deadline)s, "
        "công bố kết quả %(announcement)s."
    ),
}


def action_label(name: str) -> str:
    """Any audit entry's action as people read it, in one place for every page and export."""
    if name in ACTIONS:
        return str(ACTIONS[name].label)
    return str(OTHER_AUDIT_ACTIONS.get(name, name))
