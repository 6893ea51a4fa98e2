"""The committee report over the API (reports.selectors, read only); the figures are the same
as on the report page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from reports import selectors


class ReportQuerySerializer(serializers.Serializer):
    committee = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        help_text="Ban Dân vận (trong danh sách được xem); bỏ trống khi chỉ xem được một Ban.",
    )
    period = serializers.ChoiceField(
        choices=["year", "month", "quarter", "half", "years"], required=False, default="year"
    )
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)
    half = serializers.IntegerField(required=False, min_value=1, max_value=2)
    to_year = serializers.IntegerField(required=False, min_value=2000, max_value=2120)


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class UnitCountSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    recognized = serializers.IntegerField()


class StepSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True, help_text="Số ngày trung bình.")
    median = serializers.FloatField(allow_null=True)
    slowest = serializers.FloatField(allow_null=True)
    slowest_id = serializers.IntegerField(allow_null=True)
    slowest_title = serializers.CharField(allow_blank=True)


class TrendSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    new = serializers.IntegerField()
    replication = serializers.IntegerField()
    recognized = serializers.IntegerField()
    commended = serializers.IntegerField()


class LevelSerializer(serializers.Serializer):
    """One year of the committee's dealings with the other levels (workflows.levels)."""

    year = serializers.IntegerField()
    nominated_up = serializers.IntegerField(help_text="Số mô hình đề cử lên cấp trên.")
    up_recognized = serializers.IntegerField(help_text="Trong đó cấp trên công nhận.")
    up_not_recognized = serializers.IntegerField(help_text="Trong đó cấp trên không công nhận.")
    up_returned = serializers.IntegerField(help_text="Trong đó cấp trên trả lại.")
    received = serializers.IntegerField(help_text="Số đề cử nhận từ cấp dưới.")
    received_recognized = serializers.IntegerField(help_text="Trong đó đã công nhận.")
    replicate = serializers.IntegerField(help_text="Đánh giá hằng năm: tiếp tục nhân rộng.")
    consolidate = serializers.IntegerField(help_text="Đánh giá hằng năm: củng cố.")
    ineffective = serializers.IntegerField(help_text="Đánh giá hằng năm: không còn hiệu quả.")


class UnderQuotaSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    registered = serializers.IntegerField()
    quota = serializers.IntegerField()
    missing = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    committee = serializers.IntegerField(source="committee.pk")
    committee_name = serializers.CharField(source="committee.name")
    period_label = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    total = serializers.IntegerField()
    new = serializers.IntegerField()
    replication = serializers.IntegerField()
    recognized = serializers.IntegerField()
    commended = serializers.IntegerField()
    by_field = CountSerializer(many=True)
    by_form = CountSerializer(many=True)
    by_kind = CountSerializer(many=True)
    by_state = CountSerializer(many=True)
    by_unit = UnitCountSerializer(many=True)
    steps = StepSerializer(many=True)
    trend = TrendSerializer(many=True)
    levels = LevelSerializer(many=True)
    under_quota = UnderQuotaSerializer(many=True)


@extend_schema(
    tags=["reports"],
    summary="Báo cáo của một Ban Dân vận theo kỳ (tháng, quý, 6 tháng, năm, nhiều năm)",
    parameters=[ReportQuerySerializer],
    responses=ReportSerializer,
)
@api_view(["GET"])
def committee_report(request: Request) -> Response:
    query = ReportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    readable = selectors.report_committees(request.user)
    if "committee" not in params:
        if len(readable) != 1:
            raise ValidationError(
                {
                    "committee": [
                        _("Hãy chọn Ban Dân vận (bạn xem được nhiều Ban hoặc không Ban nào).")
                    ]
                }
            )
        params = {**params, "committee": readable[0].pk}
    committee = next((c for c in readable if c.pk == params["committee"]), None)
    if committee is None:
        raise NotFound()
    period = selectors.period_from_query({k: str(v) for k, v in params.items()})
    report = selectors.committee_report(committee, period.start, period.end)
    report["period_label"] = period.label
    return Response(ReportSerializer(report).data)
