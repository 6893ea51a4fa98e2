"""The caller's notifications: list, unread count, mark read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "subject_id",
            "title",
            "body",
            "url",
            "created",
            "read_at",
            "is_read",
        ]


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text="Chỉ thông báo chưa đọc."
    )


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=1000
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Số thông báo vừa được đánh dấu đã đọc.")
    unread = serializers.IntegerField(help_text="Số thông báo còn chưa đọc.")


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


@extend_schema(tags=["notifications"])
class NotificationViewSet(viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    @extend_schema(
        summary="Thông báo của tôi, mới nhất trước",
        parameters=[NotificationQuerySerializer],
        responses=NotificationSerializer(many=True),
    )
    def list(self, request):
        query = NotificationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.notifications_for(request.user)
        if query.validated_data["unread"]:
            qs = qs.filter(read_at__isnull=True)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(summary="Số thông báo chưa đọc", responses=UnreadSerializer)
    @route(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(request.user)})

    @extend_schema(
        summary="Đánh dấu đã đọc", request=MarkReadSerializer, responses=MarkedSerializer
    )
    @route(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = services.mark_read(request.user, body.validated_data["ids"])
        return Response({"marked": marked, "unread": selectors.unread_count(request.user)})

    @extend_schema(summary="Đánh dấu tất cả đã đọc", request=None, responses=MarkedSerializer)
    @route(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        marked = services.mark_all_read(request.user)
        return Response({"marked": marked, "unread": selectors.unread_count(request.user)})
