from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy (Tỉnh ủy, Đảng ủy)")
    MASS_MOBILISATION_BOARD = "mass_mobilisation_board", _("Ban Dân vận")
    PARTY_BOARD = "party_board", _("Ban, cơ quan tham mưu của cấp ủy")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    OFFICE = "office", _("Phòng, đơn vị trực thuộc")
    FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc")
    MASS_ORGANISATION = "mass_organisation", _("Đoàn thể chính trị - xã hội")
    COMMUNE_PARTY_COMMITTEE = "commune_party_committee", _("Đảng ủy xã, phường")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    PARTY_CELL = "party_cell", _("Chi bộ")
    OTHER = "other", _("Khác")


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Cán bộ nhập liệu")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    COMMITTEE_REVIEWER = "committee_reviewer", _("Chuyên viên Ban Dân vận")
    COUNCIL_MEMBER = "council_member", _("Thành viên hội đồng")
    COMMITTEE_LEADER = "committee_leader", _("Lãnh đạo Ban Dân vận")
    AUDITOR = "auditor", _("Kiểm tra, thanh tra")


# Roles that act for the committee over every unit it covers; they are held in a committee unit.
COMMITTEE_ROLES = frozenset({Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER, Role.COUNCIL_MEMBER})
# Roles that act on the unit where they are held and on its subtree.
UNIT_ROLES = frozenset({Role.UNIT_STAFF, Role.UNIT_HEAD})


class Unit(MP_Node):
    """An agency anywhere in the tree (materialised path: a subtree is one prefix query).

    A unit flagged ``is_committee`` is a Ban Dân vận. It evaluates the subtree of the unit
    it belongs to (its parent: the Tỉnh ủy, the Đảng ủy xã), or its own subtree when it is a
    root. Every unit is evaluated by the nearest such committee above it; see
    docs/decisions/0001-unit-tree.md.
    """

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    kind = models.CharField(_("loại đơn vị"), max_length=32, choices=UnitKind.choices)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_committee = models.BooleanField(
        _("là Ban Dân vận (cơ quan bình xét)"),
        default=False,
        help_text=_("Ban Dân vận bình xét mô hình của mọi đơn vị thuộc cấp ủy mà Ban trực thuộc."),
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [
            models.Index(fields=["is_committee", "depth"], name="unit_committee_depth"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def covered_path(self) -> str:
        """Path prefix of the subtree this committee evaluates."""
        if self.depth > 1:
            return self.path[: (self.depth - 1) * self.steplen]
        return self.path

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit's ancestors and of itself, root first (no query)."""
        return [self.path[: i * self.steplen] for i in range(1, self.depth + 1)]


class Membership(models.Model):
    """A person holds one role in one unit; a person may hold several memberships."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("người"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)

    class Meta:
        verbose_name = _("vai trò của cán bộ")
        verbose_name_plural = _("vai trò của cán bộ")
        ordering = ["unit__path", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["role", "unit"], name="membership_role_unit")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    def clean(self) -> None:
        if self.role in COMMITTEE_ROLES and self.unit_id and not self.unit.is_committee:
            raise ValidationError(
                {"role": _("Vai trò của Ban Dân vận chỉ được giao tại một đơn vị là Ban Dân vận.")}
            )
