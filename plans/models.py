"""A committee's plan and its task table; what each unit files in answer (its implementing plan,
its periodic reports): one lifecycle for both, declared once (plans.actions) and moved by the
engine's one door; the committee's reporting calendar and the periods it opens."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from core.files import RandomName
from units.models import Unit


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PENDING = "pending", _("Chờ lãnh đạo duyệt")
    ISSUED = "issued", _("Đã ban hành")


class Plan(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A committee's plan ("Kế hoạch số 24-KH/BDVTU"): drafted, approved and issued by the
    leader, then each unit it names (or every unit in the committee's scope) files its own
    implementing plan by `deadline`."""

    committee = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("Ban ban hành")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    basis = models.TextField(_("căn cứ (văn bản thực hiện)"), blank=True)
    content = models.TextField(_("nội dung"), blank=True)
    deadline = models.DateField(_("hạn các đơn vị xây dựng kế hoạch"))
    all_units = models.BooleanField(_("gửi mọi đơn vị thuộc phạm vi của Ban"), default=False)
    targets = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("đơn vị nhận")
    )
    state = FSMField(
        _("trạng thái"), default=PlanState.DRAFT, choices=PlanState.choices, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người soạn"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trình"),
    )
    created = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch của Ban")
        verbose_name_plural = _("kế hoạch của Ban")
        ordering = ["-year", "-created", "-pk"]
        indexes = [models.Index(fields=["committee", "year", "state"], name="plan_committee_year")]

    def __str__(self) -> str:
        if self.symbol:
            return _("Kế hoạch số %(symbol)s: %(title)s") % {
                "symbol": self.symbol,
                "title": self.title,
            }
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    @transition(field=state, source=PlanState.DRAFT, target=PlanState.PENDING)
    def submit(self, *, by) -> None:
        self.submitted_by = by

    @transition(field=state, source=PlanState.PENDING, target=PlanState.DRAFT)
    def send_back(self) -> None:
        pass

    @transition(field=state, source=PlanState.PENDING, target=PlanState.ISSUED)
    def issue(self, *, number: int, symbol: str, issued_on: datetime.date, signer: str) -> None:
        self.number, self.symbol, self.issued_on, self.signer = number, symbol, issued_on, signer


class PlanTask(models.Model):
    """One row of the plan's task table: content, the unit that leads, those that co-operate,
    the time frame (from–to, or "thường xuyên") and the expected output."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("kế hoạch")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    content = models.TextField(_("nội dung công việc"))
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị chủ trì"),
    )
    cooperating = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("đơn vị phối hợp")
    )
    ongoing = models.BooleanField(_("thường xuyên"), default=False)
    starts_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    expected_output = models.TextField(_("sản phẩm dự kiến"), blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ của kế hoạch")
        verbose_name_plural = _("nhiệm vụ của kế hoạch")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.content[:80]}"

    @property
    def time_frame(self) -> str:
        if self.ongoing:
            return str(_("Thường xuyên"))
        parts = [d.strftime("%d/%m/%Y") for d in (self.starts_on, self.ends_on) if d]
        return " – ".join(parts)


class PlanAttachment(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("kế hoạch")
    )
    file = models.FileField(_("tệp"), upload_to=RandomName("plans"))
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
        verbose_name = _("tệp của kế hoạch")
        verbose_name_plural = _("tệp của kế hoạch")
        ordering = ["plan", "uploaded", "pk"]

    def __str__(self) -> str:
        return self.original_name


# ---------------------------------------------------------------------------------------------
# The reporting calendar and its periods


class Frequency(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    YEAR = "year", _("Năm")


# How many months each period covers, and how many periods a year has.
MONTHS = {Frequency.MONTH: 1, Frequency.QUARTER: 3, Frequency.HALF: 6, Frequency.YEAR: 12}


class ReportingCalendar(models.Model):
    """A committee's reporting calendar for a year and its report form. Each frequency's report
    is due on the given day of the month after its period ends (empty: not asked for)."""

    committee = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reporting_calendars", verbose_name=_("Ban")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    monthly_day = models.PositiveSmallIntegerField(
        _("báo cáo tháng: hạn ngày"), null=True, blank=True
    )
    quarterly_day = models.PositiveSmallIntegerField(
        _("báo cáo quý: hạn ngày"), null=True, blank=True
    )
    half_year_day = models.PositiveSmallIntegerField(
        _("báo cáo 6 tháng: hạn ngày"), null=True, blank=True
    )
    year_day = models.PositiveSmallIntegerField(_("báo cáo năm: hạn ngày"), null=True, blank=True)
    sections = models.JSONField(_("các mục viết"), default=list, blank=True)
    extra_figures = models.JSONField(_("các số liệu đơn vị tự nhập"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch báo cáo")
        verbose_name_plural = _("lịch báo cáo")
        ordering = ["-year", "committee__path"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="calendar_committee_year")
        ]

    def __str__(self) -> str:
        return _("Lịch báo cáo %(year)s của %(committee)s") % {
            "year": self.year,
            "committee": self.committee,
        }

    def due_day(self, frequency: str) -> int | None:
        return {
            Frequency.MONTH: self.monthly_day,
            Frequency.QUARTER: self.quarterly_day,
            Frequency.HALF: self.half_year_day,
            Frequency.YEAR: self.year_day,
        }[frequency]


class ReportPeriod(models.Model):
    """One period of the calendar (May 2026, Q2 2026, …) opened for reports: every unit in the
    committee's scope has a Filing due on `due_on`. The form is copied so later edits of the
    calendar do not change what was asked."""

    calendar = models.ForeignKey(
        ReportingCalendar,
        on_delete=models.PROTECT,
        related_name="periods",
        verbose_name=_("lịch báo cáo"),
    )
    frequency = models.CharField(_("kỳ"), max_length=10, choices=Frequency.choices)
    index = models.PositiveSmallIntegerField(_("số thứ tự kỳ trong năm"))
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    due_on = models.DateField(_("hạn nộp"))
    sections = models.JSONField(_("các mục viết"), default=list, blank=True)
    extra_figures = models.JSONField(_("các số liệu đơn vị tự nhập"), default=list, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người mở kỳ"),
    )
    created = models.DateTimeField(_("ngày mở"), auto_now_add=True)

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-starts_on", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "frequency", "index"], name="period_once")
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("plans:period_detail", args=[self.pk])

    @property
    def committee(self) -> Unit:
        return self.calendar.committee

    @property
    def label(self) -> str:
        year = self.starts_on.year
        if self.frequency == Frequency.MONTH:
            return str(_("Báo cáo tháng %(n)s/%(year)s") % {"n": self.index, "year": year})
        if self.frequency == Frequency.QUARTER:
            return str(_("Báo cáo quý %(n)s/%(year)s") % {"n": self.index, "year": year})
        if self.frequency == Frequency.HALF:
            return (
                str(_("Báo cáo 6 tháng đầu năm %(year)s") % {"year": year})
                if self.index == 1
                else str(_("Báo cáo 6 tháng cuối năm %(year)s") % {"year": year})
            )
        return str(_("Báo cáo năm %(year)s") % {"year": year})


# ---------------------------------------------------------------------------------------------
# What a unit files: its implementing plan, or its report for a period


class FilingKind(models.TextChoices):
    PLAN = "plan", _("Kế hoạch thực hiện")
    REPORT = "report", _("Báo cáo định kỳ")


class FilingState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SIGNING = "signing", _("Chờ thủ trưởng ký")
    SENT = "sent", _("Đã gửi Ban")
    ACCEPTED = "accepted", _("Ban đã tiếp nhận")


class Filing(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A unit's answer to its committee, due on `due_on`: drafted by staff, signed by the head
    and sent; the committee accepts it or returns it with a reason, and the unit files again.
    The same lifecycle for an implementing plan (`plan`) and a periodic report (`period`)."""

    kind = models.CharField(_("loại"), max_length=10, choices=FilingKind.choices)
    committee = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("Ban nhận")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="filings", verbose_name=_("đơn vị")
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filings",
        verbose_name=_("thực hiện kế hoạch"),
    )
    period = models.ForeignKey(
        ReportPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filings",
        verbose_name=_("kỳ báo cáo"),
    )
    due_on = models.DateField(_("hạn nộp"))
    state = FSMField(
        _("trạng thái"), default=FilingState.DRAFT, choices=FilingState.choices, protected=True
    )

    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    content = models.TextField(_("nội dung"), blank=True)
    implements = models.ManyToManyField(
        PlanTask,
        blank=True,
        related_name="implementations",
        verbose_name=_("thực hiện các nhiệm vụ"),
    )
    sections = models.JSONField(_("các mục viết"), default=dict, blank=True)
    figures = models.JSONField(_("số liệu"), default=dict, blank=True)
    prefilled = models.JSONField(_("số liệu hệ thống tính sẵn"), default=dict, blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trình"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thủ trưởng ký"),
    )
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    filed_late = models.BooleanField(_("gửi sau hạn"), default=False)
    returned_count = models.PositiveSmallIntegerField(_("số lần bị trả lại"), default=0)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    accepted_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    created = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("văn bản đơn vị gửi Ban")
        verbose_name_plural = _("văn bản đơn vị gửi Ban")
        ordering = ["due_on", "unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="filing_plan_unit"),
            models.UniqueConstraint(fields=["period", "unit"], name="filing_period_unit"),
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_on"], name="filing_unit_state"),
            models.Index(fields=["committee", "state", "due_on"], name="filing_committee_state"),
        ]

    def __str__(self) -> str:
        if self.kind == FilingKind.PLAN and self.plan_id:
            subject = _("Kế hoạch thực hiện %(plan)s") % {
                "plan": self.plan.symbol or self.plan.title
            }
        elif self.period_id:
            subject = self.period.label
        else:
            subject = self.get_kind_display()
        return f"{subject} — {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("plans:filing_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.state in (FilingState.DRAFT, FilingState.SIGNING)
            and self.due_on < timezone.localdate()
        )

    @property
    def was_returned(self) -> bool:
        return self.returned_count > 0

    @transition(field=state, source=FilingState.DRAFT, target=FilingState.SIGNING)
    def submit(self, *, by) -> None:
        self.submitted_by = by

    @transition(field=state, source=FilingState.SIGNING, target=FilingState.DRAFT)
    def send_back(self) -> None:
        pass

    @transition(field=state, source=FilingState.SIGNING, target=FilingState.SENT)
    def sign(self, *, by, now: datetime.datetime) -> None:
        self.signed_by = by
        self.sent_at = now
        # Late is decided when it is sent, against the deadline of that day.
        self.filed_late = timezone.localtime(now).date() > self.due_on

    @transition(field=state, source=FilingState.SENT, target=FilingState.ACCEPTED)
    def accept(self, *, now: datetime.datetime) -> None:
        self.accepted_at = now

    # `return` is a Python keyword: the action "return" runs this method.
    @transition(field=state, source=FilingState.SENT, target=FilingState.DRAFT)
    def give_back(self, *, reason: str) -> None:
        self.returned_count += 1
        self.return_reason = reason
