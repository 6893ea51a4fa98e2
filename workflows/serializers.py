"""The API's representations of the lifecycle. No workflow logic: writes go through services."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import StrictInput

from .lifecycle.actions import ACTIONS
from .models import (
    EDITABLE_FIELDS,
    RESULT_FIELDS,
    Attachment,
    AuditEntry,
    Campaign,
    Commendation,
    Criterion,
    Initiative,
    InitiativeTask,
    ProgressReport,
)

DATE_INPUTS = ["%d/%m/%Y", "iso-8601"]


class VisibleInitiativeField(serializers.PrimaryKeyRelatedField):
    """An initiative the caller may see (resolved at validation time, nested or not)."""

    def get_queryset(self):
        from .selectors import visible_initiatives

        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Initiative.objects.none()
        return visible_initiatives(request.user)


# ---------------------------------------------------------------------------------------------
# Campaigns and criteria


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "position", "name", "max_points"]


class CampaignSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    max_total = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "committee",
            "committee_name",
            "year",
            "title",
            "registration_deadline",
            "allow_late_registration",
            "pass_mark",
            "quorum",
            "quota_per_unit",
            "public_comment_days",
            "nomination_quota",
            "nomination_deadline",
            "announcement_date",
            "max_total",
            "criteria",
        ]


class CriterionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)


class CampaignCreateSerializer(serializers.ModelSerializer):
    """A committee leader opens the year's campaign; criteria default to the standard set."""

    committee = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.none(), help_text="Ban Dân vận do người gọi lãnh đạo."
    )
    criteria = CriterionInputSerializer(
        many=True, required=False, help_text="Bỏ trống: bộ tiêu chí mặc định (tổng 100 điểm)."
    )
    council = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Campaign.objects.none()
    )

    class Meta:
        model = Campaign
        fields = [
            "committee",
            "year",
            "title",
            "registration_deadline",
            "allow_late_registration",
            "pass_mark",
            "quorum",
            "quota_per_unit",
            "public_comment_days",
            "nomination_quota",
            "nomination_deadline",
            "announcement_date",
            "council",
            "criteria",
        ]
        extra_kwargs = {"registration_deadline": {"required": False}}
        validators: list = []  # (committee, year) once: the service says so, in our shape

    def __init__(self, *args, committees=None, council_candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if committees is not None:
            self.fields["committee"].queryset = committees
        if council_candidates is not None:
            self.fields["council"].child_relation.queryset = council_candidates


# ---------------------------------------------------------------------------------------------
# Tasks


class TaskSerializer(serializers.ModelSerializer):
    initiative_title = serializers.CharField(source="initiative.title", read_only=True)
    initiative_state = serializers.CharField(source="initiative.state", read_only=True)
    unit = serializers.IntegerField(source="initiative.unit_id", read_only=True)
    unit_name = serializers.CharField(source="initiative.unit.name", read_only=True)
    year = serializers.IntegerField(source="initiative.year", read_only=True)
    node = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = InitiativeTask
        fields = [
            "id",
            "initiative",
            "initiative_title",
            "initiative_state",
            "unit",
            "unit_name",
            "year",
            "node",
            "title",
            "actions",
            "role",
            "scope_unit",
            "status",
            "owner",
            "owner_name",
            "created",
            "assigned",
            "due_at",
            "is_overdue",
            "finished",
            "finished_by",
            "action",
            "comment",
        ]

    def get_node(self, task) -> str:
        return getattr(task.flow_task, "name", "") or ""

    def get_title(self, task) -> str:
        return str(getattr(task.flow_task, "task_title", "") or "")

    def get_actions(self, task) -> list[str]:
        return list(getattr(task.flow_task, "actions", ()) or ())

    def get_owner_name(self, task) -> str:
        return str(task.owner) if task.owner_id else ""


# ---------------------------------------------------------------------------------------------
# Initiatives


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Tải tệp (cùng quyền xem như mô hình; tên tệp tải về là original_name)."
    )

    class Meta:
        model = Attachment
        fields = ["id", "purpose", "original_name", "size", "uploaded", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment) -> str:
        path = reverse(
            "api:initiative-attachment",
            kwargs={"pk": attachment.initiative_id, "attachment_id": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ProgressReportSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "text", "author", "author_name", "created"]


class CommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commendation
        fields = ["form", "authority", "decision_number", "decision_date", "proposal_number"]


class InitiativeListSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            "year",
            "campaign",
            "unit",
            "unit_name",
            "state",
            "state_label",
            "field",
            "form",
            "kind",
            "title",
            "total_score",
            "created",
            "updated",
        ]


class NominationSerializer(serializers.ModelSerializer):
    """A model's nomination to a higher committee (workflows.levels): where it stands there."""

    committee = serializers.IntegerField(source="campaign.committee_id", read_only=True)
    committee_name = serializers.CharField(source="campaign.committee.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            "campaign",
            "committee",
            "committee_name",
            "year",
            "state",
            "state_label",
            "total_score",
            "decision_number",
            "decision_date",
        ]


class InitiativeDetailSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    tasks = serializers.SerializerMethodField(help_text="Các nhiệm vụ đang mở của mô hình.")
    available_actions = serializers.SerializerMethodField(
        help_text="Các thao tác người gọi có thể thực hiện ngay bây giờ."
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
    progress_reports = ProgressReportSerializer(many=True, read_only=True)
    commendation = serializers.SerializerMethodField()
    nominations = serializers.SerializerMethodField(
        help_text="Các lần đề cử mô hình này lên Ban Dân vận cấp trên và kết quả ở cấp đó."
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "year",
            "campaign",
            "unit",
            "unit_name",
            "state",
            "state_label",
            *EDITABLE_FIELDS,
            *RESULT_FIELDS,
            "scoring_round",
            "total_score",
            "decision_number",
            "decision_date",
            "decision_signer",
            "override_reason",
            "recognized_at",
            "has_open_case",
            "nominated_from",
            "nominated_by",
            "nominations",
            "review_outcome",
            "reviewed_year",
            "created_by",
            "submitted_by",
            "created",
            "updated",
            "attachments",
            "progress_reports",
            "commendation",
            "tasks",
            "available_actions",
        ]

    @extend_schema_field(CommendationSerializer(allow_null=True))
    def get_commendation(self, initiative) -> dict | None:
        if initiative.state != "commended":
            return None
        found = Commendation.objects.filter(initiative=initiative).first()
        return CommendationSerializer(found).data if found else None

    @extend_schema_field(NominationSerializer(many=True))
    def get_nominations(self, initiative) -> list[dict]:
        from .levels.selectors import nominations_of

        return NominationSerializer(nominations_of(initiative), many=True).data

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, initiative) -> list[dict]:
        from .selectors import open_tasks

        return TaskSerializer(open_tasks(initiative), many=True, context=self.context).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=sorted(ACTIONS)))
    )
    def get_available_actions(self, initiative) -> list[str]:
        return list(self.context.get("available_actions", ()))


class InitiativeFieldsSerializer(StrictInput, serializers.ModelSerializer):
    """What a unit fills in on its registration; every field optional (a draft may be partial)."""

    replicates = VisibleInitiativeField(
        required=False, allow_null=True, help_text="Mô hình được nhân rộng (kind = replication)."
    )

    class Meta:
        model = Initiative
        fields = list(EDITABLE_FIELDS)
        extra_kwargs = {name: {"required": False} for name in EDITABLE_FIELDS}


class InitiativeCreateSerializer(InitiativeFieldsSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Initiative.objects.none(), help_text="Đơn vị đăng ký (trong phạm vi của mình)."
    )
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Mặc định: năm nay."
    )
    allow_similar = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="Đơn vị đã có mô hình cùng năm trùng hoặc gần trùng tên thì bị từ chối "
        "(mã lỗi duplicate, lỗi ở trường title); gửi true để xác nhận đây là mô hình khác.",
    )
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        help_text="Tệp minh chứng (multipart/form-data).",
    )

    class Meta(InitiativeFieldsSerializer.Meta):
        fields = ["unit", "year", *EDITABLE_FIELDS, "allow_similar", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from units.selectors import visible_units

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["unit"].queryset = visible_units(request.user)


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Initiative
        fields = list(RESULT_FIELDS)
        extra_kwargs = {name: {"required": False} for name in RESULT_FIELDS}


# ---------------------------------------------------------------------------------------------
# Audit


class AuditEntrySerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    unit_name = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "at",
            "initiative",
            "actor",
            "actor_name",
            "on_behalf_of",
            "role",
            "unit",
            "unit_name",
            "action",
            "from_state",
            "to_state",
            "comment",
            "changes",
            "request_id",
            "hash",
        ]

    def get_actor_name(self, entry) -> str:
        return str(entry.actor) if entry.actor_id else ""

    def get_unit_name(self, entry) -> str:
        return entry.unit.name if entry.unit_id else ""


# ---------------------------------------------------------------------------------------------
# Similar titles (workflows.similar)


class SimilarSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="initiative.pk")
    title = serializers.CharField(source="initiative.title")
    unit = serializers.IntegerField(source="initiative.unit_id")
    unit_name = serializers.CharField(source="initiative.unit.name")
    year = serializers.IntegerField(source="initiative.year")
    state = serializers.CharField(source="initiative.state")
    similarity = serializers.FloatField(help_text="0–1 (pg_trgm trên PostgreSQL).")
    exact = serializers.BooleanField(help_text="Trùng tên (không kể hoa thường, dấu).")


class SimilarTitlesSerializer(serializers.Serializer):
    duplicates = SimilarSerializer(
        many=True, help_text="Mô hình khác của đơn vị cùng năm, trùng hoặc gần trùng tên."
    )
    replication_sources = SimilarSerializer(
        many=True,
        help_text="Khi bản đăng ký chưa chọn mô hình gốc: mô hình có thể được nhân rộng "
        "(đã công nhận, hoặc của đơn vị khác trong phạm vi), giống nhất trước.",
    )
