"""The documents a campaign ends in: the recognition decision with its attached list, and the
proposal to the State authority for commendation. Each is built from the council's results,
numbered in the committee's register (documents), signed outside the service, and recorded
back: recording recognises (or commends) every model on it through the one door."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.files import RandomName
from documents.models import RegisteredDocument
from documents.signatures import Verdict
from workflows.models import Campaign, CommendationForm, Initiative


class AwardKind(models.TextChoices):
    RECOGNITION = "recognition", _("Quyết định công nhận")
    COMMENDATION = "commendation", _("Tờ trình đề nghị khen thưởng")


class AwardStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã cấp số, chờ ký")
    RECORDED = "recorded", _("Đã ghi nhận")


class Award(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="awards", verbose_name=_("đợt thi đua")
    )
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=AwardKind.choices)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=AwardStatus.choices, default=AwardStatus.DRAFT
    )
    registered = models.OneToOneField(
        RegisteredDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award",
        verbose_name=_("số trong sổ văn bản"),
    )
    # What the document says besides its list.
    signer_capacity = models.CharField(_("thẩm quyền ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    commendation_form = models.CharField(
        _("hình thức khen thưởng đề nghị"),
        max_length=30,
        choices=CommendationForm.choices,
        blank=True,
    )
    authority = models.CharField(_("cơ quan có thẩm quyền khen thưởng"), max_length=255, blank=True)
    # The signed file and what its check found.
    signed_file = models.FileField(_("tệp đã ký"), upload_to=RandomName("awards"), blank=True)
    signed_name = models.CharField(_("tên tệp đã ký"), max_length=255, blank=True)
    signature_verdict = models.CharField(
        _("kết quả kiểm tra chữ ký số"), max_length=20, choices=Verdict.CHOICES, blank=True
    )
    signature_summary = models.CharField(_("chữ ký số"), max_length=500, blank=True)
    signature_details = models.JSONField(_("chi tiết chữ ký số"), default=dict, blank=True)
    # The State authority's decision, for a commendation proposal.
    authority_decision_number = models.CharField(
        _("số quyết định khen thưởng"), max_length=60, blank=True
    )
    authority_decision_date = models.DateField(
        _("ngày quyết định khen thưởng"), null=True, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người ghi nhận"),
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi nhận"), null=True, blank=True)

    class Meta:
        verbose_name = _("quyết định, tờ trình của đợt thi đua")
        verbose_name_plural = _("quyết định, tờ trình của đợt thi đua")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "kind", "status"], name="award_campaign_kind")]

    def __str__(self) -> str:
        if self.registered_id:
            return f"{self.get_kind_display()} {self.registered.symbol}"
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("awards:detail", args=[self.pk])


class AwardItem(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="items")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="award_items", verbose_name=_("mô hình")
    )
    position = models.PositiveIntegerField(_("số thứ tự"))
    override_reason = models.TextField(_("lý do công nhận dưới điểm đạt"), blank=True)

    class Meta:
        verbose_name = _("mô hình trong danh sách")
        verbose_name_plural = _("mô hình trong danh sách")
        ordering = ["award", "position"]
        constraints = [
            models.UniqueConstraint(fields=["award", "initiative"], name="award_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.initiative}"
