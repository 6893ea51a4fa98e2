"""The lifecycle's REST API (/api/v1/): initiatives, their actions, tasks, the audit trail,
campaigns. Every write goes through workflows.services; scope comes from workflows.selectors,
so what the pages refuse the API refuses too, and outside one's scope everything is 404."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound as NotFoundError
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import error_body, request_meta
from core.files import serve_file
from core.parsing import parse_int

from . import access, exports, idempotent, selectors, services, similar
from .engine.inputs import serializer_class
from .exceptions import Conflict, InvalidData, NotAllowed
from .lifecycle.actions import ACTIONS
from .models import AuditEntry, Campaign, Field, Initiative, InitiativeTask, State
from .serializers import (
    DATE_INPUTS,
    AuditEntrySerializer,
    CampaignCreateSerializer,
    CampaignSerializer,
    InitiativeCreateSerializer,
    InitiativeDetailSerializer,
    InitiativeFieldsSerializer,
    InitiativeListSerializer,
    SimilarTitlesSerializer,
    TaskSerializer,
)

ID = r"\d{1,18}"
User = get_user_model()


class OpenCaseSerializer(serializers.Serializer):
    open_case = serializers.BooleanField(help_text="Bật: đang có vụ việc; tắt: đã xong.")
    comment = serializers.CharField(max_length=10000, help_text="Lý do (bắt buộc).")


def _detail(initiative: Initiative, request: Request) -> dict:
    context = {
        "request": request,
        "available_actions": [a.name for a in access.offered_actions(request.user, initiative)],
    }
    return InitiativeDetailSerializer(initiative, context=context).data


# ---------------------------------------------------------------------------------------------
# Initiatives


class InitiativeFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(min_value=2000, max_value=2100)
    unit = django_filters.NumberFilter(
        method="in_unit", min_value=1, help_text="Đơn vị và các đơn vị trực thuộc."
    )
    campaign = django_filters.NumberFilter(min_value=1, max_value=2**62)

    class Meta:
        model = Initiative
        fields = ["year", "field", "unit", "state", "kind", "form", "campaign"]

    def in_unit(self, queryset, name, value):
        from units.models import Unit

        unit = Unit.objects.filter(pk=int(value)).only("path").first() if value < 2**62 else None
        if unit is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=unit.path)


@extend_schema(tags=["initiatives"])
class InitiativeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Initiatives (mô hình, điển hình) in the caller's scope."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = ID
    filterset_class = InitiativeFilter
    serializer_class = InitiativeListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Initiative.objects.none()
        return access.visible_initiatives(self.request.user).order_by("-year", "unit__path", "pk")

    def _get(self, pk) -> Initiative:
        initiative = access.get_visible_initiative(self.request.user, int(pk))
        if initiative is None:
            raise NotFoundError()
        return initiative

    @extend_schema(summary="Danh sách mô hình trong phạm vi", responses=InitiativeListSerializer)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Chi tiết mô hình, nhiệm vụ đang mở và thao tác được phép",
        responses=InitiativeDetailSerializer,
    )
    def retrieve(self, request, pk=None):
        return Response(_detail(self._get(pk), request))

    @extend_schema(
        summary="Đăng ký mô hình mới (dự thảo)",
        request=InitiativeCreateSerializer,
        responses={201: InitiativeDetailSerializer},
    )
    def create(self, request):
        serializer = InitiativeCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        unit = fields.pop("unit")
        year = fields.pop("year", None)
        allow_similar = fields.pop("allow_similar", False)
        with transaction.atomic():  # the answer is built before the commit (see _act)
            initiative = services.create_initiative(
                unit=unit,
                actor=request.user,
                year=year,
                meta=request_meta(request),
                check_similar=not allow_similar,
                **fields,
            )
            initiative = access.get_visible_initiative(request.user, initiative.pk)
            return Response(_detail(initiative, request), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Sửa dự thảo (thao tác edit)",
        request=InitiativeFieldsSerializer,
        responses=InitiativeDetailSerializer,
    )
    def partial_update(self, request, pk=None):
        self._get(pk)
        serializer = InitiativeFieldsSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():  # the answer is built before the commit (see _act)
            initiative = services.perform(
                int(pk),
                "edit",
                actor=request.user,
                meta=request_meta(request),
                fields=dict(serializer.validated_data),
            )
            return Response(_detail(initiative, request))

    @extend_schema(exclude=True)
    @route(detail=True, methods=["post"], url_path=r"actions/(?P<action>[a-z_]{1,30})")
    def unknown_action(self, request, pk=None, action=None):
        """Any other name under actions/: every registered action has its own route."""
        return Response(
            error_body("unknown_action", _("Thao tác không tồn tại.")),
            status=status.HTTP_404_NOT_FOUND,
        )

    def _act(self, request, pk, action_name: str) -> Response:
        """One lifecycle action through the door, with its body (derived from the action's
        inputs in the registry) and an optional Idempotency-Key (workflows.idempotent)."""
        self._get(pk)
        key = idempotent.key_of(request)
        body = serializer_class(ACTIONS[action_name], Initiative)(
            data=request.data, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        data = {k: dict(v) if isinstance(v, dict) else v for k, v in body.validated_data.items()}
        comment = data.pop("comment", "")

        def run() -> dict:
            initiative = services.perform(
                int(pk),
                action_name,
                actor=request.user,
                comment=comment,
                meta=request_meta(request),
                **data,
            )
            return _detail(initiative, request)

        return idempotent.act(
            request,
            subject_type=idempotent.INITIATIVE,
            pk=int(pk),
            action=action_name,
            key=key,
            run=run,
        )

    @extend_schema(
        summary="Đánh dấu / bỏ đánh dấu vụ việc kỷ luật, thanh tra, khiếu nại (Ban Dân vận)",
        request=OpenCaseSerializer,
        responses=InitiativeDetailSerializer,
    )
    @route(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request, pk=None):
        self._get(pk)
        body = OpenCaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():  # the answer is built before the commit (see _act)
            initiative = services.set_open_case(
                int(pk),
                actor=request.user,
                open_case=body.validated_data["open_case"],
                comment=body.validated_data["comment"],
                meta=request_meta(request),
            )
            return Response(_detail(self._get(initiative.pk), request))

    @extend_schema(
        summary="Tải một tệp đính kèm của mô hình",
        description=(
            "Cho người xem được mô hình (kể cả người được ủy quyền); ngoài phạm vi: 404. "
            "Tên tệp tải về (Content-Disposition) là tên gốc của tệp."
        ),
        parameters=[
            OpenApiParameter(
                "attachment_id", int, OpenApiParameter.PATH, description="Mã tệp đính kèm."
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @route(
        detail=True,
        methods=["get"],
        url_path=rf"attachments/(?P<attachment_id>{ID})",
        pagination_class=None,
        filterset_class=None,
    )
    def attachment(self, request, pk=None, attachment_id=None):
        found = access.visible_attachment(request.user, int(pk), int(attachment_id))
        if found is None:
            raise NotFoundError()
        return serve_file(found.file, found.original_name)

    @extend_schema(
        summary="Mô hình trùng, gần trùng tên và mô hình có thể là gốc nhân rộng",
        responses=SimilarTitlesSerializer,
    )
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def similar(self, request, pk=None):
        initiative = self._get(pk)
        body = {
            "duplicates": similar.duplicates(
                initiative.title,
                unit=initiative.unit,
                year=initiative.year,
                exclude_pk=initiative.pk,
                within=access.visible_initiatives(request.user),
            ),
            "replication_sources": similar.suggestions_for(request.user, initiative),
        }
        return Response(SimilarTitlesSerializer(body).data)

    @extend_schema(summary="Nhật ký của một mô hình", responses=AuditEntrySerializer(many=True))
    @route(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, pk=None):
        entries = selectors.timeline(self._get(pk))
        return Response(AuditEntrySerializer(entries, many=True).data)


# ---------------------------------------------------------------------------------------------
# Tasks

BIG_ID = 2**62
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReassignSerializer(serializers.Serializer):
    to_user = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text="Người nhận.")


class TaskQuerySerializer(serializers.Serializer):
    """The task lists' filters (the same as the pages')."""

    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    field = serializers.ChoiceField(choices=Field.choices, required=False)
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=BIG_ID, help_text="Đơn vị và các đơn vị trực thuộc."
    )
    state = serializers.ChoiceField(choices=State.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False, help_text="Chỉ việc quá hạn.")
    order = serializers.ChoiceField(
        choices=[("due", "due"), ("-due", "-due")], required=False, help_text="Theo hạn xử lý."
    )


@extend_schema(tags=["tasks"])
class TaskViewSet(viewsets.GenericViewSet):
    """My tasks: the inbox (held), the queue (mine to claim), the archive (done)."""

    serializer_class = TaskSerializer
    lookup_value_regex = ID
    queryset = InitiativeTask.objects.none()

    def _list(self, request, selector) -> Response:
        query = TaskQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selector(request.user, **query.validated_data)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    @extend_schema(
        summary="Hộp việc: nhiệm vụ tôi đang giữ",
        parameters=[TaskQuerySerializer],
        responses=TaskSerializer(many=True),
    )
    @route(detail=False, methods=["get"])
    def inbox(self, request):
        return self._list(request, selectors.inbox_for)

    @extend_schema(
        summary="Hàng chờ: nhiệm vụ tôi có thể nhận",
        parameters=[TaskQuerySerializer],
        responses=TaskSerializer(many=True),
    )
    @route(detail=False, methods=["get"])
    def queue(self, request):
        return self._list(request, selectors.queue_for)

    @extend_schema(
        summary="Đã xử lý", parameters=[TaskQuerySerializer], responses=TaskSerializer(many=True)
    )
    @route(detail=False, methods=["get"])
    def archive(self, request):
        return self._list(request, selectors.archive_for)

    @extend_schema(summary="Nhận nhiệm vụ từ hàng chờ", request=None, responses=TaskSerializer)
    @route(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        access.task_in_scope(request.user, int(pk))
        with transaction.atomic():  # the answer is built before the commit (see _act)
            task = services.claim_task(int(pk), actor=request.user, meta=request_meta(request))
            return Response(TaskSerializer(task).data)

    @extend_schema(
        summary="Giao lại nhiệm vụ cho người khác (lãnh đạo Ban Dân vận)",
        request=ReassignSerializer,
        responses=TaskSerializer,
    )
    @route(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        access.task_in_scope(request.user, int(pk))  # out of scope: 404 before anything else
        body = ReassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        to_user = User.objects.filter(pk=body.validated_data["to_user"], is_active=True).first()
        if to_user is None:
            raise InvalidData(field_errors={"to_user": [_("Không tìm thấy người được giao.")]})
        with transaction.atomic():  # the answer is built before the commit (see _act)
            task = services.reassign_task(
                int(pk), actor=request.user, to_user=to_user, meta=request_meta(request)
            )
            return Response(TaskSerializer(task).data)

    @extend_schema(summary="Trả nhiệm vụ về hàng chờ", request=None, responses=TaskSerializer)
    @route(detail=True, methods=["post"])
    def release(self, request, pk=None):
        access.task_in_scope(request.user, int(pk))
        with transaction.atomic():  # the answer is built before the commit (see _act)
            task = services.release_task(int(pk), actor=request.user, meta=request_meta(request))
            return Response(TaskSerializer(task).data)


# ---------------------------------------------------------------------------------------------
# Audit trail


class AuditQuerySerializer(serializers.Serializer):
    """The audit search's filters (the same as the auditor's page)."""

    actor = serializers.CharField(
        required=False,
        max_length=150,
        help_text="Mã người dùng, hoặc một phần tên đăng nhập/họ tên.",
    )
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=BIG_ID, help_text="Đơn vị và các đơn vị trực thuộc."
    )
    initiative = serializers.IntegerField(required=False, min_value=1, max_value=BIG_ID)
    action = serializers.CharField(required=False, max_length=30)
    state = serializers.ChoiceField(
        choices=State.choices, required=False, help_text="Trạng thái trước hoặc sau bước."
    )
    date_from = serializers.DateField(required=False, input_formats=DATE_INPUTS)
    date_to = serializers.DateField(required=False, input_formats=DATE_INPUTS)


class AuditExportQuerySerializer(AuditQuerySerializer):
    type = serializers.ChoiceField(
        choices=[("csv", "csv"), ("xlsx", "xlsx")], required=False, default="csv"
    )


def _audit(request, query_class=AuditQuerySerializer):
    query = query_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = dict(query.validated_data)
    params.pop("type", None)
    initiative = params.pop("initiative", None)
    actor = params.get("actor")
    if isinstance(actor, str) and (parse_int(actor) or 0) >= BIG_ID:
        params["actor"] = "0"
    qs = selectors.audit_search(request.user, **params)
    if initiative:
        qs = qs.filter(initiative_id=initiative)
    return qs, query.validated_data


@extend_schema(tags=["audit"])
class AuditViewSet(viewsets.GenericViewSet):
    """The audit trail (read only) in the caller's scope, filtered and exported; for auditors
    only (others get 403, as on the auditor's page). An initiative's own history is
    /initiatives/{id}/timeline."""

    serializer_class = AuditEntrySerializer
    queryset = AuditEntry.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # signs the caller in first: 401 before 403
        if not access.may_search_audit(request.user):
            raise PermissionDenied(_("Chỉ cán bộ kiểm tra, thanh tra mới xem được nhật ký."))

    @extend_schema(
        summary="Nhật ký trong phạm vi",
        parameters=[AuditQuerySerializer],
        responses=AuditEntrySerializer(many=True),
    )
    def list(self, request):
        qs, _params = _audit(request)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="Xuất nhật ký (CSV hoặc Excel)",
        parameters=[AuditExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @route(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        qs, params = _audit(request, AuditExportQuerySerializer)
        kind = params.get("type") or "csv"
        qs = qs.order_by("seq")
        if kind == "xlsx":  # past exports.XLSX_MAX_ROWS: 400, export_too_large
            response = HttpResponse(exports.audit_xlsx(qs), content_type=XLSX)
        else:
            response = StreamingHttpResponse(
                exports.audit_csv_chunks(qs), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="nhat-ky.{kind}"'
        return response


# ---------------------------------------------------------------------------------------------
# Campaigns and criteria


class CampaignFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(min_value=2000, max_value=2100)
    committee = django_filters.NumberFilter(min_value=1, max_value=2**62)

    class Meta:
        model = Campaign
        fields = ["year", "committee"]


campaigns_for = access.campaigns_in_scope


@extend_schema(tags=["campaigns"])
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Campaigns (đợt thi đua) with their criteria, pass mark and quorum; a committee leader
    opens one."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    lookup_value_regex = ID

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return campaigns_for(self.request.user)

    @extend_schema(
        summary="Mở đợt thi đua (lãnh đạo Ban Dân vận)",
        request=CampaignCreateSerializer,
        responses={201: CampaignSerializer},
    )
    def create(self, request):
        committees = access.led_committees(request.user)
        if not committees.exists():
            raise NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới thiết lập đợt thi đua."))
        committee_id = request.data.get("committee") if hasattr(request.data, "get") else None
        committee = (
            committees.filter(pk=committee_id).first()
            if isinstance(committee_id, int) and 0 < committee_id < BIG_ID
            else None
        )
        body = CampaignCreateSerializer(
            data=request.data,
            committees=committees,
            council_candidates=(
                selectors.council_candidates(committee)
                if committee is not None
                else Campaign.council.rel.model.objects.none()
            ),
        )
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        committee = fields.pop("committee")
        criteria = [(c["name"], c["max_points"]) for c in fields.pop("criteria", [])]
        with transaction.atomic():  # the answer is built before the commit (see _act)
            try:
                with transaction.atomic():
                    campaign = services.create_campaign(
                        actor=request.user,
                        meta=request_meta(request),
                        committee=committee,
                        criteria=criteria,
                        **fields,
                    )
            except IntegrityError:
                raise Conflict(_("Ban đã có đợt thi đua của năm này.")) from None
            campaign = campaigns_for(request.user).get(pk=campaign.pk)
            return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


def _action_route(action):
    """The route of one registered action: POST initiatives/{id}/actions/<name>."""

    def handler(self, request, pk=None):
        return self._act(request, pk, action.name)

    handler.__name__ = f"action_{action.name}"
    handler.__doc__ = str(action.label)
    body = serializer_class(action, Initiative)
    schema = extend_schema(
        summary=str(action.label),
        description=(
            "Mọi thao tác đi qua một cửa (workflows.engine.door). "
            + ("Cần nêu lý do (`comment`). " if action.needs_reason else "")
            + idempotent.schema_description("mô hình")
        ),
        operation_id=f"initiatives_action_{action.name}",
        parameters=[idempotent.schema_parameter()],
        request={"application/json": body, "multipart/form-data": body},
        responses={200: InitiativeDetailSerializer, 422: idempotent.schema_mismatch("mô hình")},
    )
    return schema(
        route(
            detail=True,
            methods=["post"],
            url_path=f"actions/{action.name}",
            url_name=f"action-{action.name.replace('_', '-')}",
        )(handler)
    )


# Every action in the registry gets its own route and its own body in the schema.
for _action in ACTIONS.values():
    setattr(InitiativeViewSet, f"action_{_action.name}", _action_route(_action))
del _action
