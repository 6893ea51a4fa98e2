"""The documents a committee or a unit issues: its register of numbers (per issuing unit, per
year, per kind), and how the issuer signs them.

This app sits just above `units`: it imports no other app of the project, so every app that
issues documents (the recognition decisions, the plans) may use the register without a cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models import Unit, UnitKind


class DocumentKind(models.TextChoices):
    """Kinds of document and the abbreviation each puts in the number ("12-QĐ/BDVTU")."""

    DECISION = "decision", pgettext_lazy("document kind", "Quyết định")
    PLAN = "plan", pgettext_lazy("document kind", "Kế hoạch")
    PROPOSAL = "proposal", pgettext_lazy("document kind", "Tờ trình")
    REPORT = "report", pgettext_lazy("document kind", "Báo cáo")
    OFFICIAL_LETTER = "official_letter", pgettext_lazy("document kind", "Công văn")
    NOTICE = "notice", pgettext_lazy("document kind", "Thông báo")
    GUIDANCE = "guidance", pgettext_lazy("document kind", "Hướng dẫn")


# The abbreviation of each kind in a document's symbol (Hướng dẫn 36-HD/VPTW for Party
# documents, Nghị định 30/2020/NĐ-CP for State ones). Official letters carry no kind in the
# symbol ("15-CV/BDVTU" in Party use; State letters "15/UBND-VP": see RegisteredDocument.symbol).
KIND_ABBREVIATION = {
    DocumentKind.DECISION: "QĐ",
    DocumentKind.PLAN: "KH",
    DocumentKind.PROPOSAL: "TTr",
    DocumentKind.REPORT: "BC",
    DocumentKind.OFFICIAL_LETTER: "CV",
    DocumentKind.NOTICE: "TB",
    DocumentKind.GUIDANCE: "HD",
}

# State bodies number "70/TTr-UBND"; Party bodies (and the Front and mass organisations, which
# follow the Party's style) number "12-QĐ/BDVTU".
STATE_UNIT_KINDS = frozenset({UnitKind.PEOPLES_COMMITTEE, UnitKind.DEPARTMENT})


class IssuerProfile(models.Model):
    """How a unit signs its documents: the symbol in its numbers, the body above it in the
    header, the place in the date line, the signature block. Optional: without one the symbol
    is the unit's short name (or code) and the rest is left for the person to fill in."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="issuer_profile", verbose_name=_("đơn vị")
    )
    symbol = models.CharField(
        _("ký hiệu viết tắt trên văn bản"),
        max_length=40,
        blank=True,
        help_text=_("Ví dụ BDVTU trong số 12-QĐ/BDVTU. Để trống thì dùng tên viết tắt của đơn vị."),
    )
    is_state_body = models.BooleanField(
        _("cơ quan nhà nước (số theo mẫu 70/TTr-UBND)"),
        null=True,
        blank=True,
        help_text=_("Để trống thì suy ra từ loại đơn vị."),
    )
    parent_body = models.CharField(
        _("cơ quan cấp trên ghi ở tiêu đề"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ TỈNH ỦY HÒA BÌNH, dòng trên tên đơn vị ở góc trái văn bản."),
    )
    place = models.CharField(
        _("địa danh ghi ở dòng ngày tháng"),
        max_length=80,
        blank=True,
        help_text=_("Ví dụ Hòa Bình."),
    )
    signer_capacity = models.CharField(
        _("thẩm quyền ký"),
        max_length=120,
        blank=True,
        help_text=_("Ví dụ T/M BAN THƯỜNG VỤ hoặc K/T TRƯỞNG BAN; để trống nếu ký trực tiếp."),
    )
    signer_title = models.CharField(
        _("chức vụ người ký"), max_length=120, blank=True, help_text=_("Ví dụ TRƯỞNG BAN.")
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("thông tin ban hành văn bản của đơn vị")
        verbose_name_plural = _("thông tin ban hành văn bản của đơn vị")

    def __str__(self) -> str:
        return str(self.unit)


def issuer_symbol(unit: Unit) -> str:
    """The abbreviation a unit puts in its numbers: its profile's, else its short name when
    that is one word, else its code."""
    profile = profile_of(unit)
    if profile is not None and profile.symbol:
        return profile.symbol
    short = (unit.short_name or "").strip()
    if short and " " not in short:
        return short
    return unit.code


def issuer_is_state_body(unit: Unit) -> bool:
    profile = profile_of(unit)
    if profile is not None and profile.is_state_body is not None:
        return profile.is_state_body
    return unit.kind in STATE_UNIT_KINDS


def profile_of(unit: Unit) -> IssuerProfile | None:
    try:
        return unit.issuer_profile
    except IssuerProfile.DoesNotExist:
        return None


class DocumentCounter(models.Model):
    """The last number given in one register (issuer, year, kind). Locked FOR UPDATE while a
    number is taken, in the transaction that records the document: numbers come in order, once,
    and a rolled-back transaction gives its number back (no gap)."""

    issuer = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm số văn bản")
        verbose_name_plural = _("bộ đếm số văn bản")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "kind"], name="document_counter_key")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.year} {self.kind}: {self.last_number}"


class RegisteredDocument(models.Model):
    """One entry of an issuing unit's register: the number it gave a document in a year."""

    issuer = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="registered_documents",
        verbose_name=_("đơn vị ban hành"),
    )
    year = models.PositiveIntegerField(_("năm"))
    kind = models.CharField(_("loại văn bản"), max_length=32, choices=DocumentKind.choices)
    number = models.PositiveIntegerField(_("số"))
    title = models.CharField(_("trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"))
    # The symbol as it was when the number was given: renaming the unit later does not renumber
    # what it issued.
    issuer_symbol = models.CharField(_("ký hiệu đơn vị"), max_length=40)
    state_style = models.BooleanField(_("số theo mẫu văn bản nhà nước"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lấy số"),
    )
    created_at = models.DateTimeField(_("thời điểm lấy số"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản trong sổ")
        verbose_name_plural = _("sổ văn bản")
        ordering = ["issuer", "-year", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "kind", "number"], name="registered_document_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol} — {self.title}"

    @property
    def kind_abbreviation(self) -> str:
        return KIND_ABBREVIATION[DocumentKind(self.kind)]

    @property
    def symbol(self) -> str:
        """The number as it is written on the document: "24-KH/BDVTU" for a Party body,
        "70/TTr-UBND" for a State body."""
        if self.state_style:
            return f"{self.number}/{self.kind_abbreviation}-{self.issuer_symbol}"
        return f"{self.number}-{self.kind_abbreviation}/{self.issuer_symbol}"
