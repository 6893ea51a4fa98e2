"""The register over the API: take the next number for a unit (POST) and read a unit's
register (GET), for the people who issue that unit's documents."""

from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound as NotFoundError
from rest_framework.response import Response

from core.api import ErrorSerializer, StrictInput
from core.parsing import parse_int
from units.models import Unit

from .models import DocumentKind, RegisteredDocument
from .services import may_issue, register_document

BIG_ID = 2**62


class RegisteredDocumentSerializer(serializers.ModelSerializer):
    symbol = serializers.CharField(read_only=True, help_text="Số, ký hiệu: 24-KH/BDVTU.")

    class Meta:
        model = RegisteredDocument
        fields = [
            "id",
            "issuer",
            "year",
            "kind",
            "number",
            "symbol",
            "title",
            "issued_on",
            "created_at",
        ]
        read_only_fields = fields


class RegisterSerializer(StrictInput, serializers.Serializer):
    issuer = serializers.IntegerField(min_value=1, max_value=BIG_ID, help_text="Đơn vị ban hành.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=500, help_text="Trích yếu.")
    issued_on = serializers.DateField(
        required=False, allow_null=True, default=None, input_formats=["%d/%m/%Y", "iso-8601"]
    )


def _issuer(user, pk) -> Unit:
    unit = Unit.objects.filter(pk=pk).first() if pk and pk < BIG_ID else None
    # Someone who may not issue for the unit learns nothing about it (404).
    if unit is None or not may_issue(user, unit):
        raise NotFoundError()
    return unit


@extend_schema(
    tags=["documents"],
    methods=["GET"],
    summary="Sổ văn bản của một đơn vị",
    parameters=[
        OpenApiParameter("issuer", int, required=True, description="Đơn vị ban hành."),
        OpenApiParameter("year", int, description="Năm; mặc định năm nay."),
    ],
    responses={200: RegisteredDocumentSerializer(many=True), 404: ErrorSerializer},
)
@extend_schema(
    tags=["documents"],
    methods=["POST"],
    summary="Lấy số văn bản tiếp theo (không trùng, không bỏ số)",
    request=RegisterSerializer,
    responses={201: RegisteredDocumentSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
)
@api_view(["GET", "POST"])
def register(request):
    if request.method == "GET":
        unit = _issuer(
            request.user, parse_int(request.query_params.get("issuer"), low=1, high=BIG_ID)
        )
        year = (
            parse_int(request.query_params.get("year"), low=2000, high=2100)
            or datetime.date.today().year
        )
        rows = RegisteredDocument.objects.filter(issuer=unit, year=year).order_by("kind", "number")
        return Response(RegisteredDocumentSerializer(rows, many=True).data)
    body = RegisterSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    unit = _issuer(request.user, data["issuer"])
    document = register_document(
        actor=request.user,
        issuer=unit,
        kind=data["kind"],
        title=data["title"],
        issued_on=data["issued_on"],
    )
    return Response(RegisteredDocumentSerializer(document).data, status=status.HTTP_201_CREATED)
