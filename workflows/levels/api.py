"""The annual reviews in the API: a committee leader opens one; committee people read each
model's report and outcome. The per-model steps are the lifecycle's action routes
(`POST initiatives/{id}/actions/report_state`, `.../review`, `.../nominate_up`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound as NotFoundError
from rest_framework.response import Response

from core.api import StrictInput, request_meta
from core.errors import NotAllowed
from units.models import COMMITTEE_ROLES, Role, Unit
from units.selectors import memberships_of

from ..models import AnnualReview, ModelReview
from . import reviews, selectors

ID = r"[0-9]{1,18}"


class ModelReviewSerializer(serializers.ModelSerializer):
    initiative = serializers.IntegerField(source="initiative.pk")
    title = serializers.CharField(source="initiative.title")
    unit_name = serializers.CharField(source="initiative.unit.name")
    recognized_year = serializers.IntegerField(source="initiative.year")
    report = serializers.CharField(allow_blank=True)
    people_reached = serializers.IntegerField(allow_null=True)
    funds_mobilised = serializers.DecimalField(max_digits=16, decimal_places=0, allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True)

    class Meta:
        model = ModelReview
        fields = [
            "initiative",
            "title",
            "unit_name",
            "recognized_year",
            "report",
            "people_reached",
            "funds_mobilised",
            "outcome",
            "comment",
        ]


class AnnualReviewSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    models = serializers.SerializerMethodField(
        help_text="Các mô hình Ban Dân vận đã công nhận ở những năm trước, với báo cáo và kết quả."
    )

    class Meta:
        model = AnnualReview
        fields = [
            "id",
            "committee",
            "committee_name",
            "year",
            "report_deadline",
            "opened_at",
            "models",
        ]

    @extend_schema_field(ModelReviewSerializer(many=True))
    def get_models(self, review) -> list[dict]:
        rows = []
        for row in selectors.review_page(review):
            entry = row["entry"] or ModelReview(initiative=row["initiative"])
            entry.initiative = row["initiative"]
            rows.append(ModelReviewSerializer(entry).data)
        return rows


class OpenReviewSerializer(StrictInput, serializers.Serializer):
    committee = serializers.IntegerField(
        min_value=1, max_value=2**62, help_text="Ban Dân vận do người gọi lãnh đạo."
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    report_deadline = serializers.DateField(
        required=False, allow_null=True, input_formats=["%d/%m/%Y", "%Y-%m-%d", "iso-8601"]
    )


def _committee_ids(user) -> set[int]:
    return {
        m.unit_id
        for m in memberships_of(user)
        if m.unit.is_committee and (m.role in COMMITTEE_ROLES or m.role == Role.AUDITOR)
    }


@extend_schema(tags=["reviews"])
class AnnualReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Annual reviews (đánh giá hằng năm) of the committees the caller works in."""

    serializer_class = AnnualReviewSerializer
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[AnnualReview]:
        if getattr(self, "swagger_fake_view", False):
            return AnnualReview.objects.none()
        qs = AnnualReview.objects.select_related("committee")
        if self.request.user.is_superuser:
            return qs
        return qs.filter(committee_id__in=_committee_ids(self.request.user))

    @extend_schema(
        summary="Mở đợt đánh giá hằng năm (lãnh đạo Ban Dân vận)",
        request=OpenReviewSerializer,
        responses={201: AnnualReviewSerializer},
    )
    def create(self, request):
        body = OpenReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mine = _committee_ids(request.user)
        if not mine:
            raise NotAllowed(_("Chỉ lãnh đạo Ban Dân vận mới mở đợt đánh giá hằng năm."))
        committee = Unit.objects.filter(pk=body.validated_data["committee"], pk__in=mine).first()
        if committee is None:
            # Another committee than the caller's: not found, whether it exists or not (their
            # own committee, without the leader's role, is refused by the service), as plans do.
            raise NotFoundError()
        review = reviews.open_review(
            committee=committee,
            actor=request.user,
            year=body.validated_data.get("year"),
            report_deadline=body.validated_data.get("report_deadline"),
            meta=request_meta(request),
        )
        return Response(AnnualReviewSerializer(review).data, status=status.HTTP_201_CREATED)

