"""The API of plans, filings, the reporting calendar and periods (/api/v1/). Writes go through
plans.services (the lifecycle's moves through the engine's door); reads through plans.access,
so outside one's scope everything is 404."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound as NotFoundError
from rest_framework.response import Response

from core.api import StrictInput, request_meta
from core.errors import InvalidData, NotAllowed
from core.parsing import parse_int
from units.models import Unit
from workflows import idempotent
from workflows.engine.inputs import serializer_class

from . import access, exports, selectors, services
from .actions import FILING_ACTIONS, PLAN_ACTIONS
from .figures import FIGURES
from .models import (
    Filing,
    FilingKind,
    FilingState,
    Frequency,
    Plan,
    PlanTask,
    ReportingCalendar,
    ReportPeriod,
)

ID = r"\d{1,18}"
BIG = 2**62
DATES = ["%d/%m/%Y", "iso-8601"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------------------------
# Representations


class PlanTaskSerializer(StrictInput, serializers.ModelSerializer):
    lead_unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=BIG,
        source="lead_unit_id",
        help_text="Đơn vị chủ trì (mã đơn vị).",
    )
    cooperating = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIG),
        required=False,
        help_text="Các đơn vị phối hợp (mã đơn vị).",
    )
    starts_on = serializers.DateField(required=False, allow_null=True, input_formats=DATES)
    ends_on = serializers.DateField(required=False, allow_null=True, input_formats=DATES)

    class Meta:
        model = PlanTask
        fields = [
            "id",
            "position",
            "content",
            "lead_unit",
            "cooperating",
            "ongoing",
            "starts_on",
            "ends_on",
            "expected_output",
        ]
        read_only_fields = ["id", "position"]
        extra_kwargs = {"content": {"max_length": 20000}, "expected_output": {"max_length": 20000}}


class PlanTaskReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTask
        fields = PlanTaskSerializer.Meta.fields
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    tasks = PlanTaskReadSerializer(many=True, read_only=True)
    targets = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "committee",
            "year",
            "number",
            "symbol",
            "issued_on",
            "signer",
            "title",
            "basis",
            "content",
            "deadline",
            "all_units",
            "targets",
            "state",
            "state_label",
            "tasks",
        ]
        read_only_fields = fields

    def get_targets(self, plan) -> list[int]:
        return [u.pk for u in plan.targets.all()]


class PlanWriteSerializer(StrictInput, serializers.Serializer):
    committee = serializers.IntegerField(
        min_value=1,
        max_value=BIG,
        required=False,
        help_text="Ban Dân vận soạn kế hoạch; bỏ trống khi người gọi chỉ làm việc ở một Ban.",
    )
    title = serializers.CharField(max_length=500, allow_blank=True)
    basis = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    content = serializers.CharField(max_length=100000, required=False, allow_blank=True)
    deadline = serializers.DateField(input_formats=DATES, help_text="Hạn các đơn vị gửi kế hoạch.")
    all_units = serializers.BooleanField(required=False, default=False)
    targets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIG), required=False
    )
    tasks = PlanTaskSerializer(many=True, help_text="Bảng nhiệm vụ (ít nhất một dòng).")


class StandingSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    filing = serializers.IntegerField()
    state = serializers.CharField()
    standing = serializers.CharField()
    standing_label = serializers.CharField()
    due_on = serializers.DateField()
    sent_at = serializers.DateTimeField(allow_null=True)
    returned_count = serializers.IntegerField()


class StandingReportSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    units = StandingSerializer(many=True)


def _standing(data: dict) -> dict:
    return {
        "counts": data["by_key"],
        "units": [
            {
                "unit": r["filing"].unit_id,
                "unit_name": r["filing"].unit.name,
                "filing": r["filing"].pk,
                "state": r["filing"].state,
                "standing": r["standing"],
                "standing_label": str(r["label"]),
                "due_on": r["filing"].due_on,
                "sent_at": r["filing"].sent_at,
                "returned_count": r["filing"].returned_count,
            }
            for r in data["rows"]
        ],
    }


class FilingSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    implements = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Filing
        fields = [
            "id",
            "kind",
            "committee",
            "unit",
            "unit_name",
            "plan",
            "period",
            "due_on",
            "state",
            "state_label",
            "title",
            "content",
            "implements",
            "sections",
            "figures",
            "prefilled",
            "sent_at",
            "filed_late",
            "returned_count",
            "return_reason",
            "accepted_at",
            "available_actions",
        ]
        read_only_fields = fields

    def get_implements(self, filing) -> list[int]:
        return [t.pk for t in filing.implements.all()]

    def get_available_actions(self, filing) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [a.name for a in access.offered_actions(request.user, filing, FILING_ACTIONS)]


class FilingEditSerializer(StrictInput, serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    content = serializers.CharField(max_length=100000, required=False, allow_blank=True)
    implements = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIG),
        required=False,
        help_text="Các dòng của bảng nhiệm vụ mà kế hoạch của đơn vị thực hiện.",
    )
    sections = serializers.DictField(
        child=serializers.CharField(max_length=100000, allow_blank=True), required=False
    )
    figures = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=10**15, allow_null=True),
        required=False,
        help_text="Số liệu: " + ", ".join(k for k, _l in FIGURES) + " và các mục của mẫu.",
    )


class CalendarSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingCalendar
        fields = [
            "id",
            "committee",
            "year",
            "monthly_day",
            "quarterly_day",
            "half_year_day",
            "year_day",
            "sections",
            "extra_figures",
        ]
        read_only_fields = fields


class CalendarWriteSerializer(StrictInput, serializers.Serializer):
    committee = serializers.IntegerField(min_value=1, max_value=BIG)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    monthly_day = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=28
    )
    quarterly_day = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=28
    )
    half_year_day = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=28
    )
    year_day = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=28)
    sections = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        max_length=50,
        help_text="Các mục viết của mẫu báo cáo.",
    )
    extra_figures = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        max_length=50,
        help_text="Các số liệu đơn vị tự nhập (ngoài số liệu hệ thống tính sẵn).",
    )


class PeriodSerializer(serializers.ModelSerializer):
    committee = serializers.IntegerField(source="calendar.committee_id", read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ReportPeriod
        fields = [
            "id",
            "calendar",
            "committee",
            "frequency",
            "index",
            "label",
            "starts_on",
            "ends_on",
            "due_on",
            "sections",
            "extra_figures",
        ]
        read_only_fields = fields


class PeriodOpenSerializer(StrictInput, serializers.Serializer):
    calendar = serializers.IntegerField(min_value=1, max_value=BIG)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    index = serializers.IntegerField(
        min_value=1, max_value=12, help_text="Tháng, quý, nửa năm (1, 2) hoặc 1."
    )


class CompilationRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    sent = serializers.BooleanField()
    standing = serializers.CharField()
    figures = serializers.DictField()
    system = serializers.DictField()
    sections = serializers.DictField()


class CompilationSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    label = serializers.CharField()
    sent = serializers.IntegerField()
    units = serializers.IntegerField()
    totals = serializers.DictField()
    system_totals = serializers.DictField()
    rows = CompilationRowSerializer(many=True)


def _compilation(data: dict) -> dict:
    keys = [f["key"] for f in data["figure_items"]]
    sections = [s["key"] for s in data["sections"]]
    return {
        "period": data["period"].pk,
        "label": data["period"].label,
        "sent": data["sent"],
        "units": data["units"],
        "totals": dict(zip(keys, data["totals"], strict=True)),
        "system_totals": dict(zip(keys, data["system_totals"], strict=True)),
        "rows": [
            {
                "unit": r["unit"].pk,
                "unit_name": r["unit"].name,
                "sent": r["sent"],
                "standing": str(r["standing"]),
                "figures": dict(zip(keys, r["figures"], strict=True)),
                "system": dict(zip(keys, r["system"], strict=True)),
                "sections": dict(zip(sections, r["sections"], strict=True)),
            }
            for r in data["rows"]
        ],
    }


# ---------------------------------------------------------------------------------------------
# Plans


def _committee(request, value, roles, refusal: str) -> Unit:
    """The committee the body names, among those where the caller holds `roles`; left out,
    the caller's only one. Holding none of them anywhere: `refusal` (403)."""
    ids = access.committees_of(request.user, roles=roles)
    if not ids:
        raise NotAllowed(refusal)
    if value is None:
        if len(ids) > 1:
            message = _("Bạn làm việc ở nhiều Ban Dân vận: hãy chọn Ban (mã đơn vị).")
            raise InvalidData(message, field_errors={"committee": [message]})
        value = ids[0]
    if value not in ids:
        raise NotFoundError()
    return Unit.objects.get(pk=value)


@extend_schema(tags=["plans"])
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Plans of committees (kế hoạch của Ban Dân vận) the caller may see."""

    serializer_class = PlanSerializer
    lookup_value_regex = ID
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return access.visible_plans(self.request.user).prefetch_related(
            "tasks__cooperating", "targets"
        )

    def _get(self, pk) -> Plan:
        plan = access.get_visible_plan(self.request.user, int(pk))
        if plan is None:
            raise NotFoundError()
        return plan

    def _answer(self, plan_id: int, code=status.HTTP_200_OK) -> Response:
        return Response(PlanSerializer(self.get_queryset().get(pk=plan_id)).data, status=code)

    @extend_schema(
        summary="Soạn kế hoạch của Ban (dự thảo, kèm bảng nhiệm vụ)",
        request=PlanWriteSerializer,
        responses={201: PlanSerializer},
    )
    def create(self, request):
        body = PlanWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        from units.models import Role

        committee = _committee(
            request,
            data.pop("committee", None),
            {Role.COMMITTEE_REVIEWER, Role.COMMITTEE_LEADER},
            _("Chỉ chuyên viên, lãnh đạo Ban mới soạn kế hoạch của Ban."),
        )
        with transaction.atomic():
            plan = services.create_plan(
                actor=request.user,
                committee=committee,
                meta=request_meta(request),
                **_plan_fields(data),
            )
            return self._answer(plan.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Sửa dự thảo kế hoạch (thay cả bảng nhiệm vụ)",
        request=PlanWriteSerializer,
        responses=PlanSerializer,
    )
    def update(self, request, pk=None):
        plan = self._get(pk)
        body = PlanWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("committee", None)
        with transaction.atomic():
            services.update_plan(
                plan.pk, actor=request.user, meta=request_meta(request), **_plan_fields(data)
            )
            return self._answer(plan.pk)

    @extend_schema(
        summary="Tình hình các đơn vị gửi kế hoạch thực hiện",
        responses=StandingReportSerializer,
    )
    @route(detail=True, methods=["get"])
    def standing(self, request, pk=None):
        plan = self._get(pk)
        # Every unit's standing is the committee's to read (as on the plan's page): a unit the
        # plan went to sees its own filing, not who else is late.
        if not access.on_committee_side(request.user, plan):
            raise NotFoundError()
        return Response(_standing(selectors.plan_standing(plan)))

    def _act(self, request, pk, name: str) -> Response:
        plan = self._get(pk)
        key = idempotent.key_of(request)
        body = serializer_class(PLAN_ACTIONS[name], Plan, prefix="Plan")(data=request.data)
        body.is_valid(raise_exception=True)

        def run() -> dict:
            services.perform_plan(
                plan.pk, name, actor=request.user, meta=request_meta(request), **body.validated_data
            )
            return self._answer(plan.pk).data

        return idempotent.act(
            request, subject_type="plan", pk=plan.pk, action=name, key=key, run=run
        )


def _plan_fields(data: dict) -> dict:
    tasks = []
    for row in data.pop("tasks", []):
        row = dict(row)
        row["lead_unit"] = row.pop("lead_unit_id", None)
        tasks.append(row)
    data["tasks"] = tasks
    return data


# ---------------------------------------------------------------------------------------------
# Filings


@extend_schema(tags=["filings"])
class FilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What units file with their committee: implementing plans and periodic reports."""

    serializer_class = FilingSerializer
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Filing.objects.none()
        qs = access.visible_filings(self.request.user).prefetch_related("implements")
        params = self.request.query_params
        for name in ("plan", "period"):
            value = parse_int(params.get(name), low=1, high=BIG)
            if value:
                qs = qs.filter(**{f"{name}_id": value})
        if params.get("kind") in FilingKind.values:
            qs = qs.filter(kind=params["kind"])
        if params.get("state") in FilingState.values:
            qs = qs.filter(state=params["state"])
        return qs.order_by("due_on", "unit__path", "pk")

    @extend_schema(
        summary="Danh sách kế hoạch thực hiện, báo cáo định kỳ trong phạm vi",
        parameters=[
            OpenApiParameter("plan", int, description="Của kế hoạch này."),
            OpenApiParameter("period", int, description="Của kỳ báo cáo này."),
            OpenApiParameter("kind", str, enum=FilingKind.values),
            OpenApiParameter("state", str, enum=FilingState.values),
        ],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _get(self, pk) -> Filing:
        filing = access.get_visible_filing(self.request.user, int(pk))
        if filing is None:
            raise NotFoundError()
        return filing

    def _answer(self, pk: int) -> Response:
        filing = self.get_queryset().get(pk=pk)
        return Response(FilingSerializer(filing, context={"request": self.request}).data)

    @extend_schema(summary="Chi tiết và thao tác được phép", responses=FilingSerializer)
    def retrieve(self, request, pk=None):
        return self._answer(self._get(pk).pk)

    @extend_schema(
        summary="Soạn: nội dung, nhiệm vụ thực hiện, các mục và số liệu (khi đang soạn)",
        request=FilingEditSerializer,
        responses=FilingSerializer,
    )
    def partial_update(self, request, pk=None):
        filing = self._get(pk)
        body = FilingEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            services.update_filing(
                filing.pk, actor=request.user, meta=request_meta(request), **body.validated_data
            )
            return self._answer(filing.pk)

    def _act(self, request, pk, name: str) -> Response:
        filing = self._get(pk)
        key = idempotent.key_of(request)
        body = serializer_class(FILING_ACTIONS[name], Filing, prefix="Filing")(data=request.data)
        body.is_valid(raise_exception=True)

        def run() -> dict:
            services.perform_filing(
                filing.pk,
                name,
                actor=request.user,
                meta=request_meta(request),
                **body.validated_data,
            )
            return self._answer(filing.pk).data

        return idempotent.act(
            request, subject_type="filing", pk=filing.pk, action=name, key=key, run=run
        )


def _action_route(action, prefix: str, response):
    def handler(self, request, pk=None):
        return self._act(request, pk, action.name)

    handler.__name__ = f"action_{action.name}"
    handler.__doc__ = str(action.label)
    body = serializer_class(action, None, prefix=prefix)
    noun = "kế hoạch" if prefix == "Plan" else "văn bản"
    schema = extend_schema(
        summary=str(action.label),
        description="Đi qua một cửa (workflows.engine.door)."
        + (" Cần nêu lý do (`comment`)." if action.needs_reason else "")
        + " "
        + idempotent.schema_description(noun),
        operation_id=f"{prefix.lower()}s_action_{action.name}",
        parameters=[idempotent.schema_parameter()],
        request={"application/json": body},
        responses={200: response, 422: idempotent.schema_mismatch(noun)},
    )
    return schema(
        route(
            detail=True,
            methods=["post"],
            url_path=f"actions/{action.name}",
            url_name=f"action-{action.name.replace('_', '-')}",
        )(handler)
    )


for _action in PLAN_ACTIONS.values():
    setattr(PlanViewSet, f"action_{_action.name}", _action_route(_action, "Plan", PlanSerializer))
for _action in FILING_ACTIONS.values():
    setattr(
        FilingViewSet, f"action_{_action.name}", _action_route(_action, "Filing", FilingSerializer)
    )
del _action


# ---------------------------------------------------------------------------------------------
# The reporting calendar and its periods


@extend_schema(tags=["reports"])
class CalendarViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Committees' reporting calendars and report forms."""

    serializer_class = CalendarSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportingCalendar.objects.none()
        return selectors.visible_calendars(self.request.user)

    @extend_schema(
        summary="Đặt lịch báo cáo và mẫu báo cáo của năm (lãnh đạo Ban)",
        request=CalendarWriteSerializer,
        responses={201: CalendarSerializer},
    )
    def create(self, request):
        from units.models import Role

        body = CalendarWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        committee = _committee(
            request,
            data.pop("committee"),
            {Role.COMMITTEE_LEADER},
            _("Chỉ lãnh đạo Ban mới đặt lịch báo cáo."),
        )
        with transaction.atomic():
            found = services.set_calendar(
                actor=request.user, committee=committee, meta=request_meta(request), **data
            )
            return Response(CalendarSerializer(found).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reports"])
class PeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Report periods opened by committees, their standing and compilation."""

    serializer_class = PeriodSerializer
    lookup_value_regex = ID

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportPeriod.objects.none()
        return selectors.visible_periods(self.request.user)

    def _get(self, pk) -> ReportPeriod:
        period = selectors.get_visible_period(self.request.user, int(pk))
        if period is None:
            raise NotFoundError()
        return period

    @extend_schema(
        summary="Mở một kỳ báo cáo: mọi đơn vị trong phạm vi nhận báo cáo cần gửi",
        request=PeriodOpenSerializer,
        responses={201: PeriodSerializer},
    )
    def create(self, request):
        body = PeriodOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if selectors.visible_calendars(request.user).filter(pk=data["calendar"]).first() is None:
            raise NotFoundError()
        with transaction.atomic():
            period = services.open_period(
                data.pop("calendar"), actor=request.user, meta=request_meta(request), **data
            )
            return Response(PeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Tình hình các đơn vị gửi báo cáo", responses=StandingReportSerializer)
    @route(detail=True, methods=["get"])
    def standing(self, request, pk=None):
        return Response(_standing(selectors.period_standing(self._get(pk))))

    @extend_schema(
        summary="Tổng hợp báo cáo của kỳ (JSON, .xlsx hoặc .docx)",
        parameters=[
            OpenApiParameter(
                "file", str, enum=["xlsx", "docx"], description="Tải tệp; không có: JSON."
            )
        ],
        responses={
            (200, "application/json"): CompilationSerializer,
            (200, XLSX): OpenApiTypes.BINARY,
            (200, DOCX): OpenApiTypes.BINARY,
        },
    )
    @route(detail=True, methods=["get"])
    def compilation(self, request, pk=None):
        data = selectors.compilation(self._get(pk))
        wanted = request.query_params.get("file", "")
        if wanted == "xlsx":
            return _download(exports.compilation_workbook(data), XLSX, "tong-hop.xlsx")
        if wanted == "docx":
            return _download(exports.compilation_document(data), DOCX, "tong-hop.docx")
        return Response(_compilation(data))


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
