"""The API of decisions and proposals (/api/v1/awards): the same access rule and services as
the pages; outside the committee everything is 404."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound as NotFoundError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import ErrorSerializer, StrictInput, request_meta
from core.errors import InvalidData
from core.parsing import parse_int
from documents import pdf, word
from workflows import access as workflow_access
from workflows.models import CommendationForm, Initiative

from . import access, certificates, selectors, services
from .documents import build, filename
from .models import Award, AwardItem, AwardKind, AwardStatus
from .views import CERTIFIED_STATES, DOCX

ID = r"\d{1,18}"
BIG_ID = 2**62
ERRORS = {code: ErrorSerializer for code in (400, 403, 404, 409)}


class AwardItemSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="initiative.title", read_only=True)
    unit = serializers.CharField(source="initiative.unit.name", read_only=True)
    state = serializers.CharField(source="initiative.state", read_only=True)
    total_score = serializers.DecimalField(
        source="initiative.total_score", max_digits=6, decimal_places=2, read_only=True
    )

    class Meta:
        model = AwardItem
        fields = [
            "position",
            "initiative",
            "title",
            "unit",
            "state",
            "total_score",
            "override_reason",
        ]


class AwardSerializer(serializers.ModelSerializer):
    number = serializers.SerializerMethodField(help_text="Số trong sổ văn bản, ví dụ 12-QĐ/BDVTU.")
    issued_on = serializers.DateField(source="registered.issued_on", read_only=True, default=None)
    items = AwardItemSerializer(many=True, read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "campaign",
            "kind",
            "status",
            "number",
            "issued_on",
            "signer_capacity",
            "signer_title",
            "signer_name",
            "commendation_form",
            "authority",
            "signature_verdict",
            "signature_summary",
            "authority_decision_number",
            "authority_decision_date",
            "created_at",
            "recorded_at",
            "items",
        ]
        read_only_fields = fields

    def get_number(self, award: Award) -> str | None:
        return award.registered.symbol if award.registered_id else None


class PickSerializer(StrictInput, serializers.Serializer):
    initiative = serializers.IntegerField(min_value=1, max_value=BIG_ID)
    override_reason = serializers.CharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Bắt buộc khi mô hình dưới điểm đạt (quyết định công nhận).",
    )


class AwardCreateSerializer(StrictInput, serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=BIG_ID)
    kind = serializers.ChoiceField(choices=AwardKind.choices)
    items = PickSerializer(many=True, allow_empty=False, max_length=5000)
    signer_capacity = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    signer_title = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    signer_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    commendation_form = serializers.ChoiceField(
        choices=CommendationForm.choices, required=False, allow_blank=True, default=""
    )
    authority = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class IssueSerializer(StrictInput, serializers.Serializer):
    issued_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        input_formats=["%d/%m/%Y", "iso-8601"],
        help_text="Ngày ban hành; mặc định hôm nay.",
    )


class RecordSerializer(StrictInput, serializers.Serializer):
    signed_file = serializers.FileField(help_text="Tệp PDF đã ký (chữ ký số được kiểm tra).")
    accept_unverified = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Xác nhận ghi nhận tệp không có chữ ký số tin cậy (bản quét văn bản giấy).",
    )
    authority_decision_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    authority_decision_date = serializers.DateField(
        required=False, allow_null=True, default=None, input_formats=["%d/%m/%Y", "iso-8601"]
    )


class CandidateSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    preselected = serializers.BooleanField(read_only=True)

    class Meta:
        model = Initiative
        fields = ["id", "title", "unit", "total_score", "preselected"]


@extend_schema(tags=["awards"])
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Recognition decisions and commendation proposals of the campaigns the caller's committee
    runs."""

    serializer_class = AwardSerializer
    lookup_value_regex = ID
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Award.objects.none()
        qs = access.visible_awards(self.request.user).prefetch_related("items__initiative__unit")
        campaign = parse_int(self.request.query_params.get("campaign"), low=1, high=BIG_ID)
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        return qs.order_by("-created_at", "-pk")

    def _award(self, pk) -> Award:
        award = access.visible_award(self.request.user, int(pk))
        if award is None:
            raise NotFoundError()
        return award

    @extend_schema(
        summary="Danh sách quyết định, tờ trình",
        parameters=[OpenApiParameter("campaign", int, description="Mã đợt thi đua.")],
    )
    def list(self, request):
        return Response(AwardSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        summary="Mô hình có thể đưa vào văn bản mới",
        parameters=[
            OpenApiParameter("campaign", int, required=True, description="Mã đợt thi đua."),
            OpenApiParameter("kind", str, required=True, enum=AwardKind.values),
        ],
        responses={200: CandidateSerializer(many=True), **ERRORS},
    )
    @route(detail=False, methods=["get"])
    def candidates(self, request):
        campaign_id = parse_int(request.query_params.get("campaign"), low=1, high=BIG_ID)
        kind = request.query_params.get("kind")
        if kind not in AwardKind.values:
            raise InvalidData(field_errors={"kind": ["recognition | commendation"]})
        campaign = access.visible_campaign(request.user, campaign_id) if campaign_id else None
        if campaign is None:
            raise NotFoundError()
        rows = list(selectors.candidates(campaign, kind))
        for row in rows:
            row.preselected = selectors.preselected(campaign, kind, row)
        return Response(CandidateSerializer(rows, many=True).data)

    @extend_schema(
        summary="Lập dự thảo quyết định công nhận hoặc tờ trình (lãnh đạo Ban Dân vận)",
        request=AwardCreateSerializer,
        responses={201: AwardSerializer, **ERRORS},
    )
    def create(self, request):
        body = AwardCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        campaign = access.visible_campaign(request.user, data["campaign"])
        if campaign is None:
            raise NotFoundError()
        award = services.create_award(
            actor=request.user,
            campaign=campaign,
            kind=data["kind"],
            picks=[(p["initiative"], p["override_reason"]) for p in data["items"]],
            signer_capacity=data["signer_capacity"],
            signer_title=data["signer_title"],
            signer_name=data["signer_name"],
            commendation_form=data["commendation_form"],
            authority=data["authority"],
            meta=request_meta(request),
        )
        return Response(AwardSerializer(self._award(award.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cấp số trong sổ văn bản của Ban",
        request=IssueSerializer,
        responses={200: AwardSerializer, **ERRORS},
    )
    @route(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        award = self._award(pk)
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.issue_award(
            award.pk,
            actor=request.user,
            issued_on=body.validated_data["issued_on"],
            meta=request_meta(request),
        )
        return Response(AwardSerializer(self._award(pk)).data)

    @extend_schema(
        summary="Tải văn bản (.docx hoặc PDF)",
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["docx", "pdf"])],
        responses={
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: ErrorSerializer,
        },
    )
    @route(detail=True, methods=["get"], url_path=r"document\.(?P<fmt>docx|pdf)")
    def document(self, request, pk=None, fmt=None):
        award = self._award(pk)
        document = build(award)
        body = word.render(document) if fmt == "docx" else pdf.render(document)
        response = HttpResponse(body, content_type=DOCX if fmt == "docx" else "application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename(award, fmt)}"'
        return response

    @extend_schema(
        summary="Ghi nhận văn bản đã ký: công nhận (hoặc khen thưởng) mọi mô hình trong danh sách",
        request={"multipart/form-data": RecordSerializer},
        responses={200: AwardSerializer, **ERRORS},
    )
    @route(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def record(self, request, pk=None):
        award = self._award(pk)
        body = RecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.record_award(
            award.pk,
            actor=request.user,
            upload=data["signed_file"],
            accept_unverified=data["accept_unverified"],
            authority_decision_number=data["authority_decision_number"],
            authority_decision_date=data["authority_decision_date"],
            meta=request_meta(request),
        )
        return Response(AwardSerializer(self._award(pk)).data)

    @extend_schema(
        summary="Giấy chứng nhận của mọi mô hình trong quyết định (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            404: ErrorSerializer,
        },
    )
    @route(detail=True, methods=["get"])
    def certificates(self, request, pk=None):
        award = self._award(pk)
        if award.kind != AwardKind.RECOGNITION or award.status != AwardStatus.RECORDED:
            raise NotFoundError()
        models = [
            i.initiative
            for i in selectors.award_items(award)
            if i.initiative.state in CERTIFIED_STATES
        ]
        if not models:
            raise NotFoundError()
        return HttpResponse(certificates.render(models), content_type="application/pdf")


@extend_schema(
    tags=["awards"],
    summary="Giấy chứng nhận của một mô hình (PDF, có mã QR tới danh sách công khai)",
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        404: ErrorSerializer,
    },
)
@api_view(["GET"])
def initiative_certificate(request, pk: int):
    initiative = workflow_access.get_visible_initiative(request.user, pk) if pk < BIG_ID else None
    if (
        initiative is None
        or initiative.state not in CERTIFIED_STATES
        or not initiative.decision_number
    ):
        raise NotFoundError()
    return HttpResponse(certificates.render([initiative]), content_type="application/pdf")
