"""Units in the caller's scope (read only)."""

from __future__ import annotations

import django_filters
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from .models import Unit
from .selectors import visible_units


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Đơn vị cấp trên (null nếu là gốc)."
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "is_active",
            "is_committee",
            "depth",
            "parent",
        ]


class UnitFilter(django_filters.FilterSet):
    under = django_filters.NumberFilter(
        method="in_subtree", min_value=1, help_text="Chỉ đơn vị này và các đơn vị trực thuộc."
    )
    code = django_filters.CharFilter(max_length=40)
    name = django_filters.CharFilter(lookup_expr="icontains", max_length=255)

    class Meta:
        model = Unit
        fields = ["kind", "is_committee", "is_active", "code", "name", "under"]

    def in_subtree(self, queryset, name, value):
        unit = Unit.objects.filter(pk=int(value)).only("path").first() if value < 2**62 else None
        if unit is None:
            return queryset.none()
        return queryset.filter(path__startswith=unit.path)


@extend_schema(tags=["units"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The unit tree as far as the caller's memberships reach."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        parent_path = Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Unit.steplen)
        parent = Unit.objects.filter(path=parent_path, depth=OuterRef("depth") - 1).values("pk")
        return visible_units(self.request.user).annotate(parent=Subquery(parent[:1]))
