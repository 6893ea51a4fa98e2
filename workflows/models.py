"""The lifecycle's data: campaigns, initiatives and their state, tasks, scores, decisions, audit."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from viewflow.workflow.models import AbstractProcess, AbstractTask

from core import sql
from core.files import RandomName
from units.models import Unit

from .lifecycle import conditions


class Field(models.TextChoices):
    KINH_TE = "kinh_te", _("Kinh tế")
    VAN_HOA_XA_HOI = "van_hoa_xa_hoi", _("Văn hóa – xã hội")
    QUOC_PHONG_AN_NINH = "quoc_phong_an_ninh", _("Quốc phòng – an ninh")
    XAY_DUNG_HE_THONG_CHINH_TRI = "xay_dung_he_thong_chinh_tri", _("Xây dựng hệ thống chính trị")


class Form(models.TextChoices):
    COLLECTIVE = "collective", _("Mô hình tập thể")
    INDIVIDUAL = "individual", _("Mô hình cá nhân")


class Kind(models.TextChoices):
    NEW = "new", _("Xây dựng mới")
    REPLICATION = "replication", _("Nhân rộng")


class Topic(models.TextChoices):
    POLITICAL_SYSTEM = "political_system", _("Xây dựng Đảng, chính quyền, Mặt trận và đoàn thể")
    ADMIN_REFORM = "admin_reform", _("Cải cách hành chính, văn hóa công vụ")
    NEW_COUNTRYSIDE = "new_countryside", _("Nông thôn mới, đô thị văn minh")
    CULTURE_COMMUNITY = "culture_community", _("Văn hóa, cộng đồng và du lịch")
    OTHER = "other", _("Khác")


class State(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    UNIT_REVIEW = "unit_review", _("Chờ thủ trưởng duyệt")
    SCREENING = "screening", _("Ban Dân vận thẩm định")
    IMPLEMENTING = "implementing", _("Đang thực hiện")
    SCORING = "scoring", _("Hội đồng chấm điểm")
    DECIDING = "deciding", _("Chờ quyết định công nhận")
    RECOGNIZED = "recognized", _("Đã công nhận")
    NOT_RECOGNIZED = "not_recognized", _("Không công nhận")
    COMMENDED = "commended", _("Đã khen thưởng")
    WITHDRAWN = "withdrawn", _("Đã rút")
    # A nomination from a lower committee that the higher one sent back (workflows.levels).
    RETURNED = "returned", _("Trả lại cấp dưới")


class ReviewOutcome(models.TextChoices):
    """The annual review of a recognised model (DOMAIN.md "Levels")."""

    REPLICATE = "replicate", _("Tiếp tục nhân rộng")
    CONSOLIDATE = "consolidate", _("Củng cố")
    INEFFECTIVE = "ineffective", _("Không còn hiệu quả")


class CommendationForm(models.TextChoices):
    GIAY_KHEN = "giay_khen", _("Giấy khen")
    BANG_KHEN = "bang_khen", _("Bằng khen")
    CO_THI_DUA = "co_thi_dua", _("Cờ thi đua")
    CHIEN_SI_THI_DUA = "chien_si_thi_dua", _("Danh hiệu Chiến sĩ thi đua")
    OTHER = "other", _("Hình thức khác")


def default_deadline(year: int) -> datetime.date:
    return datetime.date(year, 3, 31)


# The default criteria (total 100) when a committee sets none of its own; DOMAIN.md "Criteria".
DEFAULT_CRITERIA: list[tuple[str, int]] = [
    (_("Có tên gọi, địa chỉ cụ thể; thuộc một trong bốn lĩnh vực"), 10),
    (_("Được cấp ủy, chính quyền lãnh đạo, chỉ đạo; đăng ký với cơ quan phát động"), 10),
    (_("Huy động được nhiều lực lượng tham gia, lan tỏa rộng"), 20),
    (_("Giải quyết được vấn đề bức xúc, cấp thiết ở địa phương, cơ sở"), 20),
    (_("Hiệu quả thiết thực, được nhân dân đồng tình, ủng hộ"), 25),
    (_("Bền vững, được địa phương ghi nhận, có khả năng nhân rộng"), 15),
]


class Campaign(models.Model):
    """One committee's movement for one year: deadline, criteria, pass mark, council, quorum."""

    committee = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"is_committee": True},
        verbose_name=_("Ban Dân vận"),
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("tên đợt thi đua"), max_length=255, blank=True)
    registration_deadline = models.DateField(_("hạn đăng ký"))
    allow_late_registration = models.BooleanField(_("cho phép đăng ký muộn"), default=False)
    pass_mark = models.DecimalField(
        _("điểm đạt"), max_digits=6, decimal_places=2, default=Decimal("70")
    )
    quorum = models.PositiveSmallIntegerField(
        _("số thành viên tối thiểu phải chấm"), default=2, validators=[MinValueValidator(1)]
    )
    quota_per_unit = models.PositiveSmallIntegerField(
        _("số mô hình mỗi đơn vị phải đăng ký"), default=1
    )
    public_comment_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc lấy ý kiến công khai"),
        default=0,
        help_text=_("0 nếu không công khai lấy ý kiến trước khi khen thưởng."),
    )
    council = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="council_campaigns",
        verbose_name=_("hội đồng bình xét"),
    )
    # How long each step may take; a task's due date comes from these.
    review_days = models.PositiveSmallIntegerField(_("số ngày thủ trưởng duyệt"), default=5)
    screening_days = models.PositiveSmallIntegerField(_("số ngày thẩm định"), default=10)
    scoring_days = models.PositiveSmallIntegerField(_("số ngày chấm điểm"), default=14)
    deciding_days = models.PositiveSmallIntegerField(_("số ngày ra quyết định"), default=10)
    commending_days = models.PositiveSmallIntegerField(_("số ngày khen thưởng"), default=30)
    # Levels (workflows.levels): what the lower committees may nominate to this campaign.
    nomination_quota = models.PositiveSmallIntegerField(
        _("số mô hình mỗi Ban Dân vận cấp dưới được đề cử"),
        default=3,
        help_text=_("0 nếu đợt thi đua không nhận đề cử từ cấp dưới."),
    )
    nomination_deadline = models.DateField(
        _("hạn đề cử của cấp dưới"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu không đặt hạn."),
    )
    announcement_date = models.DateField(
        _("ngày công bố kết quả"),
        null=True,
        blank=True,
        help_text=_(
            "Ví dụ 15/10, ngày truyền thống công tác dân vận; nhắc cấp dưới tính ngược từ ngày này."
        ),
    )

    class Meta:
        verbose_name = _("đợt thi đua")
        verbose_name_plural = _("đợt thi đua")
        ordering = ["-year", "committee__path"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="campaign_one_per_year"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.committee} — {self.year}"

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.all()), Decimal(0))


class Criterion(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("đợt thi đua")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tiêu chí"), max_length=255)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["campaign", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


# Seed 002's registration form, column by column: what the registration page asks for.
REGISTRATION_FIELDS = (
    "field",
    "title",
    "form",
    "person_name",
    "person_position",
    "address",
    "problem",
    "implementers",
    "expected_results",
    "kind",
    "replicates",
)
# What a unit may fill in on its registration (seed 002's form and the fuller online forms).
EDITABLE_FIELDS = (
    *REGISTRATION_FIELDS,
    "topic",
    "start_date",
    "situation",
    "objectives",
    "method",
    "beneficiaries",
    "lead_forces",
    "cooperating_forces",
    "resources_timeline",
    "outputs",
    "sustainability",
)
RESULT_FIELDS = (
    "result_achieved",
    "result_people_reached",
    "result_funds_mobilised",
    "result_lessons",
)


class Initiative(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A mô hình or điển hình "Dân vận khéo" of one unit for one year (seed 002's form).

    `state` moves only through the transition methods below (the FSM: every legal move), and
    those are only called from the one door (workflows.engine.door).
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("đợt")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("đơn vị")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    state = FSMField(_("trạng thái"), default=State.DRAFT, choices=State.choices, protected=True)

    # Seed 002's columns.
    field = models.CharField(_("lĩnh vực"), max_length=40, choices=Field.choices)
    title = models.CharField(_("tên mô hình, điển hình"), max_length=500)
    form = models.CharField(
        _("hình thức"), max_length=20, choices=Form.choices, default=Form.COLLECTIVE
    )
    person_name = models.CharField(_("họ tên cá nhân điển hình"), max_length=150, blank=True)
    person_position = models.CharField(_("chức vụ của cá nhân"), max_length=255, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500)
    problem = models.TextField(_("mô hình giải quyết vấn đề gì"))
    implementers = models.TextField(_("tổ chức, cá nhân thực hiện"))
    expected_results = models.TextField(_("dự kiến kết quả"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.NEW)
    replicates = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replications",
        verbose_name=_("nhân rộng từ mô hình"),
    )
    # The fuller items of the online registration forms in use.
    topic = models.CharField(_("chủ đề"), max_length=30, choices=Topic.choices, blank=True)
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    situation = models.TextField(_("thực trạng, lý do xây dựng"), blank=True)
    objectives = models.TextField(_("mục tiêu, chỉ tiêu cụ thể"), blank=True)
    method = models.TextField(_("nội dung, cách làm"), blank=True)
    beneficiaries = models.TextField(_("địa bàn, đối tượng"), blank=True)
    lead_forces = models.TextField(_("lực lượng chủ trì"), blank=True)
    cooperating_forces = models.TextField(_("lực lượng phối hợp"), blank=True)
    resources_timeline = models.TextField(_("nguồn lực, tiến độ"), blank=True)
    outputs = models.TextField(_("sản phẩm đầu ra kiểm chứng được"), blank=True)
    sustainability = models.TextField(_("duy trì, nhân rộng"), blank=True)

    # End-of-year result report (needed to nominate).
    result_achieved = models.TextField(_("kết quả đạt được"), blank=True)
    result_people_reached = models.PositiveIntegerField(
        _("số người được hưởng lợi"), null=True, blank=True
    )
    result_funds_mobilised = models.DecimalField(
        _("kinh phí huy động (đồng)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    result_lessons = models.TextField(_("bài học kinh nghiệm"), blank=True)

    # Scoring and decision.
    scoring_round = models.PositiveSmallIntegerField(_("vòng chấm"), default=0)
    total_score = models.DecimalField(
        _("điểm bình quân"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=150, blank=True)
    override_reason = models.TextField(_("lý do công nhận dưới điểm đạt"), blank=True)
    recognized_at = models.DateTimeField(_("thời điểm công nhận"), null=True, blank=True)
    # Brought in by the history import (workflows.history) directly in its final state, with
    # one "import" audit entry instead of transitions that never happened.
    imported = models.BooleanField(
        _("nhập từ dữ liệu các năm trước"), default=False, editable=False
    )
    has_open_case = models.BooleanField(
        _("đang có vụ việc kỷ luật, thanh tra, khiếu nại"),
        default=False,
        help_text=_("Do Ban Dân vận đánh dấu; khi bật thì không được khen thưởng."),
    )

    # Levels: a nomination is this committee's copy of a lower committee's recognised model.
    nominated_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("đề cử từ mô hình cấp dưới"),
    )
    nominated_by = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Ban Dân vận đề cử"),
    )
    # The latest annual review (AnnualReview); "ineffective" takes the model off the public list.
    review_outcome = models.CharField(
        _("kết quả đánh giá hằng năm"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    reviewed_year = models.PositiveSmallIntegerField(_("năm đánh giá"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người gửi"),
    )
    # Who pressed "submit" for the submitter when that was someone else (their substitute):
    # they may not approve, screen or score it either.
    submitted_via = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người gửi thay"),
    )
    created = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("mô hình, điển hình")
        verbose_name_plural = _("mô hình, điển hình")
        ordering = ["-year", "unit__path", "pk"]
        indexes = [
            models.Index(fields=["unit", "year", "state"], name="initiative_unit_year_state"),
            models.Index(fields=["campaign", "state"], name="initiative_campaign_state"),
            models.Index(fields=["year", "state", "field"], name="initiative_year_state_field"),
            # The public list (recognised and commended only): its order, count, years and
            # units are read from this small index instead of the whole table.
            models.Index(
                fields=["-year", "-decision_date", "-id"],
                include=["unit"],
                condition=models.Q(state__in=["recognized", "commended"]),
                name="initiative_published",
            ),
            # The public list's count, years and units (reports.selectors.listed): read from
            # this index alone instead of every published model's row (1.9 s → 0.25 s a page
            # at 420,000 published models; docs/performance.md, "National scale").
            models.Index(
                fields=["year", "unit"],
                include=["id"],
                condition=models.Q(state__in=["recognized", "commended"])
                & ~models.Q(review_outcome="ineffective"),
                name="initiative_listed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # ---- The lifecycle (DOMAIN.md "The transition table"). Only workflows.services calls these.
    @transition(field=state, source=State.DRAFT, target=State.DRAFT)
    def edit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.UNIT_REVIEW,
        conditions=[conditions.registration_complete, conditions.campaign_open],
    )
    def submit(self, *, by, via=None) -> None:
        self.submitted_by = by
        self.submitted_via = via

    @transition(
        field=state,
        source=State.UNIT_REVIEW,
        target=State.SCREENING,
    )
    def approve(self) -> None:
        pass

    # `return` is a keyword: the action "return" maps to this method.
    @transition(
        field=state,
        source=State.UNIT_REVIEW,
        target=State.DRAFT,
    )
    def return_to_unit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SCREENING,
        target=State.IMPLEMENTING,
    )
    def accept(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SCREENING,
        target=State.DRAFT,
    )
    def send_back(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IMPLEMENTING,
        target=State.IMPLEMENTING,
    )
    def report_progress(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IMPLEMENTING,
        target=State.SCORING,
        conditions=[conditions.result_report_present],
    )
    def nominate(self) -> None:
        self.scoring_round += 1
        self.total_score = None

    @transition(
        field=state,
        source=[State.DRAFT, State.UNIT_REVIEW, State.SCREENING, State.IMPLEMENTING],
        target=State.WITHDRAWN,
    )
    def withdraw(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SCORING,
        target=State.SCORING,
    )
    def score(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SCORING,
        target=State.DECIDING,
        conditions=[conditions.quorum_scored],
    )
    def close_scoring(self, *, total) -> None:
        self.total_score = total

    @transition(
        field=state,
        source=State.DECIDING,
        target=State.SCORING,
    )
    def reopen_scoring(self) -> None:
        self.scoring_round += 1
        self.total_score = None

    @transition(
        field=state,
        source=State.DECIDING,
        target=State.RECOGNIZED,
    )
    def recognize(self, *, number: str, date, signer: str, override_reason: str, at) -> None:
        self.decision_number = number
        self.decision_date = date
        self.decision_signer = signer
        self.override_reason = override_reason
        self.recognized_at = at

    @transition(
        field=state,
        source=State.DECIDING,
        target=State.NOT_RECOGNIZED,
    )
    def reject(self) -> None:
        pass

    # ---- Levels (workflows.levels): nominating up, and the annual review. A recognised or
    # commended model stays where it is; the nomination is a new initiative at the higher level.
    @transition(field=state, source=State.RECOGNIZED, target=State.RECOGNIZED)
    @transition(field=state, source=State.COMMENDED, target=State.COMMENDED)
    def nominate_up(self) -> None:
        pass

    @transition(field=state, source=State.SCREENING, target=State.SCORING)
    def accept_nomination(self) -> None:
        # The result report came with the nomination: the council scores it at once.
        self.scoring_round += 1
        self.total_score = None

    @transition(field=state, source=State.SCREENING, target=State.RETURNED)
    def return_nomination(self) -> None:
        pass

    # Only while the committee's annual review covers the model (the actions' `applies`).
    @transition(field=state, source=State.RECOGNIZED, target=State.RECOGNIZED)
    @transition(field=state, source=State.COMMENDED, target=State.COMMENDED)
    def report_state(self) -> None:
        pass

    # Only while the committee's annual review covers the model (the actions' `applies`).
    @transition(field=state, source=State.RECOGNIZED, target=State.RECOGNIZED)
    @transition(field=state, source=State.COMMENDED, target=State.COMMENDED)
    def review(self, *, outcome: str, year: int) -> None:
        self.review_outcome = outcome
        self.reviewed_year = year

    @transition(
        field=state,
        source=State.RECOGNIZED,
        target=State.COMMENDED,
        conditions=[
            conditions.no_open_case,
            conditions.not_yet_commended,
            conditions.public_comment_over,
        ],
    )
    def commend(self) -> None:
        pass


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("Minh chứng")
        PROGRESS = "progress", _("Báo cáo tiến độ")
        RESULT = "result", _("Báo cáo kết quả")
        DECISION = "decision", _("Quyết định")
        COMMENDATION = "commendation", _("Quyết định khen thưởng")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("mô hình")
    )
    purpose = models.CharField(_("loại tệp"), max_length=20, choices=Purpose.choices)
    # Stored under a random name (core.files); shown and downloaded as original_name.
    file = models.FileField(_("tệp"), upload_to=RandomName("attachments"))
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["initiative", "uploaded", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        """Its download, which asks workflows.access whether the person may see the
        initiative."""
        return reverse("workflows:attachment", args=[self.initiative_id, self.pk])


class ProgressReport(models.Model):
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("mô hình"),
    )
    text = models.TextField(_("nội dung"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người báo cáo"),
    )
    created = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["initiative", "created", "pk"]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.created:%d/%m/%Y}"


class Scorecard(models.Model):
    """One council member's sheet for one initiative in one scoring round."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("mô hình")
    )
    round = models.PositiveSmallIntegerField(_("vòng chấm"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="scorecards",
        verbose_name=_("thành viên"),
    )
    total = models.DecimalField(_("tổng điểm"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("nhận xét"), blank=True)
    created = models.DateTimeField(_("thời điểm chấm"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu chấm")
        verbose_name_plural = _("phiếu chấm")
        ordering = ["initiative", "round", "member__username"]
        constraints = [
            # "Each member scores once" is a constraint, not an FSM condition.
            models.UniqueConstraint(
                fields=["initiative", "round", "member"], name="scorecard_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.initiative} ({self.total})"


class Score(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class Commendation(models.Model):
    """The committee's proposal and the State authority's decision. One per achievement."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.PROTECT, related_name="commendation", verbose_name=_("mô hình")
    )
    form = models.CharField(
        _("hình thức khen thưởng"), max_length=30, choices=CommendationForm.choices
    )
    authority = models.CharField(_("cơ quan, người quyết định khen thưởng"), max_length=255)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    # Empty only for a commendation of past years brought in by the history import, whose
    # signed file was not brought in; the commend action always asks for it.
    signed_file = models.ForeignKey(
        Attachment,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("tệp quyết định đã ký"),
    )
    proposal_number = models.CharField(_("số tờ trình đề nghị"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    created = models.DateTimeField(_("thời điểm ghi nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")

    def __str__(self) -> str:
        return f"{self.get_form_display()} — {self.decision_number}"


class AnnualReview(models.Model):
    """A committee's yearly review of the models it recognised in earlier years (DOMAIN.md
    "Levels"): each unit reports how its model stands, the committee records an outcome."""

    committee = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="annual_reviews",
        limit_choices_to={"is_committee": True},
        verbose_name=_("Ban Dân vận"),
    )
    year = models.PositiveSmallIntegerField(
        _("năm đánh giá"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    report_deadline = models.DateField(_("hạn đơn vị báo cáo"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người mở"),
    )
    opened_at = models.DateTimeField(_("thời điểm mở"), auto_now_add=True)

    class Meta:
        verbose_name = _("đợt đánh giá hằng năm")
        verbose_name_plural = _("đợt đánh giá hằng năm")
        ordering = ["-year", "committee__path"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="annual_review_once"),
        ]

    def __str__(self) -> str:
        return f"{self.committee} — {self.year}"


class ModelReview(models.Model):
    """One model in one annual review: the unit's report and the committee's outcome."""

    review = models.ForeignKey(
        AnnualReview,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("đợt đánh giá"),
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("mô hình")
    )
    report = models.TextField(_("tình hình duy trì"), blank=True)
    people_reached = models.PositiveIntegerField(
        _("số người được hưởng lợi"), null=True, blank=True
    )
    funds_mobilised = models.DecimalField(
        _("kinh phí huy động (đồng)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người báo cáo"),
    )
    reported_at = models.DateTimeField(_("thời điểm báo cáo"), null=True, blank=True)
    outcome = models.CharField(
        _("kết quả đánh giá"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    comment = models.TextField(_("nhận xét"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đánh giá"),
    )
    decided_at = models.DateTimeField(_("thời điểm đánh giá"), null=True, blank=True)

    class Meta:
        verbose_name = _("đánh giá mô hình")
        verbose_name_plural = _("đánh giá mô hình")
        ordering = ["review", "initiative"]
        constraints = [
            models.UniqueConstraint(fields=["review", "initiative"], name="model_review_once"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} — {self.review.year}"


class Delegation(models.Model):
    """While `principal` is away, `substitute` sees and acts on the principal's tasks."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="delegations_given",
        verbose_name=_("người ủy quyền"),
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="delegations_received",
        verbose_name=_("người được ủy quyền"),
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến hết ngày"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        ordering = ["-starts_on"]
        indexes = [
            models.Index(fields=["substitute", "starts_on", "ends_on"], name="delegation_active")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="delegation_dates"
            ),
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("substitute")), name="delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"
        return f"{self.substitute} thay {self.principal} ({period})"


class InitiativeProcess(AbstractProcess):
    """viewflow's process row for one initiative's life."""

    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="process")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("tiến trình")
        verbose_name_plural = _("tiến trình")


class InitiativeTask(AbstractTask):
    """viewflow's task row, with what our inbox, queue and reports filter on kept on the row."""

    process = models.ForeignKey(
        InitiativeProcess, on_delete=models.CASCADE, related_name="task_set"
    )
    data = models.JSONField(default=dict, blank=True)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("mô hình")
    )
    # Human tasks: who may claim (a role) and where it must be held; gateways leave both empty.
    role = models.CharField(_("vai trò xử lý"), max_length=32, blank=True, default="")
    scope_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị xử lý"),
    )
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    action = models.CharField(_("thao tác đã làm"), max_length=30, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="task_inbox"),
            # The queue: unclaimed tasks of a role in a scope, soonest due first. With the
            # order in the index a page of the queue reads 25 entries, not the whole queue.
            models.Index(
                fields=["scope_unit", "role", "status", "due_at", "id"],
                condition=models.Q(owner__isnull=True),
                name="task_queue_due",
            ),
            models.Index(fields=["finished_by", "finished"], name="task_archive"),
            models.Index(fields=["initiative", "status"], name="task_initiative_status"),
            # Open human tasks by due date: the overdue count of /metrics, without a scan.
            models.Index(
                fields=["due_at"],
                name="task_open_due",
                condition=models.Q(status__in=["NEW", "ASSIGNED", "STARTED"]) & ~models.Q(role=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flow_task} — {self.initiative_id}"

    # Set while a later save in the same transaction will write the task anyway (the door's
    # assign before execute, workflows.lifecycle.kind._complete): its save is skipped.
    save_later = False

    def save(self, *args, **kwargs):
        if self.save_later and not (args or kwargs) and self.pk is not None:
            return
        # viewflow builds gateway and start tasks itself; they belong to the process's initiative.
        if self.initiative_id is None:
            self.initiative_id = self.process.initiative_id
        # viewflow saves a task (every column) at each step of it; that statement is written
        # once (core.sql) rather than built again each time.
        if not (args or kwargs) and self.flow_task_type and sql.update(self):
            return
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return bool(self.due_at and self.finished is None and self.due_at < timezone.now())


class AuditEntry(models.Model):
    """One transition or data change; append-only and hash-chained (see workflows.audit).

    Each entry belongs to one chain (a committee's, or the global one) and is numbered within
    it (`chain_seq`); `seq` orders entries across chains (a database sequence, not a chain)."""

    seq = models.BigIntegerField(_("số thứ tự"), unique=True)
    chain = models.ForeignKey(
        "AuditHead",
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("chuỗi"),
    )
    chain_seq = models.BigIntegerField(_("số thứ tự trong chuỗi"))
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.DO_NOTHING,
        db_constraint=True,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("mô hình"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thay mặt"),
    )
    role = models.CharField(_("với vai trò"), max_length=32, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tại đơn vị"),
    )
    action = models.CharField(_("thao tác"), max_length=30)
    from_state = models.CharField(_("từ trạng thái"), max_length=20, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=20, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    # What the entry is about when it is not an initiative: a campaign, or a subject of another
    # kind of process (workflows.engine); empty for an initiative's entries.
    subject_type = models.CharField(_("loại đối tượng"), max_length=30, blank=True, default="")
    subject_id = models.BigIntegerField(_("mã đối tượng"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Which key chained this entry (HMAC-SHA256; the key's fingerprint, workflows.audit.key_id);
    # empty for the entries chained with plain sha256 before keys were introduced.
    key_id = models.CharField(_("khóa băm"), max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "chain_seq"], name="audit_chain_seq"),
        ]
        indexes = [
            models.Index(fields=["initiative", "seq"], name="audit_initiative"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
            models.Index(fields=["unit", "at"], name="audit_unit"),
            models.Index(
                fields=["subject_type", "subject_id", "seq"],
                condition=~models.Q(subject_type=""),
                name="audit_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.from_state}→{self.to_state}"


class AuditHead(models.Model):
    """One chain's head: its last seq and hash. Appending updates it and inserts the entry in
    one statement, so concurrent appends to the chain queue on its row lock and never fork it.

    One chain per committee (`committee`), and the global one (no committee) for entries
    that belong to none; transitions in different committees never wait on the same row.
    A head starts at the genesis (database defaults: the service's role may insert a head but
    only name its committee). `legacy_seq`: the global chain's entries up to it were written
    before chains existed and hash as they did then (migration 0016)."""

    committee = models.OneToOneField(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Ban Dân vận"),
    )
    seq = models.BigIntegerField(default=0, db_default=0)
    prev_hash = models.CharField(max_length=64, default="0" * 64, db_default="0" * 64)
    last_hash = models.CharField(max_length=64, default="0" * 64, db_default="0" * 64)
    legacy_seq = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")
        constraints = [
            # One global chain (the committee's id is unique already).
            models.UniqueConstraint(
                models.functions.Coalesce("committee", models.Value(0)),
                name="audit_one_chain_per_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee_id or 'global'} #{self.seq} {self.last_hash[:12]}"


class AuditCheck(models.Model):
    """The outcome of one walk of the whole audit chain (audit.verify). The chain grows to
    hundreds of thousands of rows, so the auditor's page shows the last outcome and asks for a
    new walk in the background, instead of walking it on every visit."""

    checked_at = models.DateTimeField(_("thời điểm kiểm tra"), default=timezone.now)
    ok = models.BooleanField(_("toàn vẹn"))
    checked = models.BigIntegerField(_("số mục đã kiểm tra"), default=0)
    verified_up_to = models.BigIntegerField(_("nguyên vẹn đến mục"), default=0)
    broken_at = models.BigIntegerField(_("đứt tại mục"), null=True, blank=True)
    problem = models.CharField(_("lỗi"), max_length=20, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=64, blank=True, default="")
    # The signed checkpoint (kept outside the database) the chain was compared with.
    checkpoint_seq = models.BigIntegerField(_("điểm mốc tại mục"), null=True, blank=True)
    checkpoint_at = models.DateTimeField(_("thời điểm của điểm mốc"), null=True, blank=True)
    # Which chain the outcome above is about: the broken one, or the one checked alone
    # (`verify_audit --committee`); empty for every chain whole. `chains`: each chain checked,
    # by name ("global" or the committee's id), as [entries checked, whole up to, problem].
    chain = models.CharField(_("chuỗi"), max_length=20, blank=True, default="")
    chains = models.JSONField(_("các chuỗi"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lần kiểm tra chuỗi nhật ký")
        verbose_name_plural = _("các lần kiểm tra chuỗi nhật ký")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        state = _("toàn vẹn") if self.ok else _("bị đứt")
        return f"{timezone.localtime(self.checked_at):%d/%m/%Y %H:%M} — {state}"

    @property
    def checkpoint_line(self) -> str:
        """For problem `checkpoint`: the checkpoint file's line that is not signed."""
        return self.detail.partition(":")[0]


class IdempotencyKey(models.Model):
    """An API client's `Idempotency-Key` for one action (workflows.idempotent): a retry of the
    same request returns the stored result; the key with another request is refused.

    Written in the same transaction as the action it records, so a key exists only for an
    action that happened."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người gọi"),
    )
    key = models.CharField(_("khóa"), max_length=255)
    action = models.CharField(_("thao tác"), max_length=30)
    # What the action was on: an initiative, or (another app's kind) its name and id.
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mô hình"),
    )
    subject_type = models.CharField(_("loại đối tượng"), max_length=30, blank=True, default="")
    subject_id = models.BigIntegerField(_("mã đối tượng"), null=True, blank=True)
    # What the request asked (core.idempotency.request_hash): the same key with another request
    # is refused. Empty for keys stored before it was kept.
    request_hash = models.CharField(_("dấu của yêu cầu"), max_length=64, null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("mã trạng thái HTTP"))
    response = models.JSONField(_("nội dung trả về"), encoder=DjangoJSONEncoder)
    created = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("khóa lặp lại an toàn")
        verbose_name_plural = _("khóa lặp lại an toàn")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
