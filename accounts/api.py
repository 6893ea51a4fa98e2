"""Who am I: the caller and their roles; and the token a system signs in with."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from units.selectors import memberships_of


class MembershipSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    position = serializers.CharField()
    language = serializers.CharField()
    memberships = MembershipSerializer(many=True)


@extend_schema(tags=["accounts"], summary="Người gọi và các vai trò", responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    user = request.user
    data = {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "language": user.language,
        "memberships": list(memberships_of(user)),
    }
    return Response(MeSerializer(data).data)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema(tags=["accounts"], summary="Lấy token truy cập", responses=TokenResponseSerializer)
class TokenView(ObtainAuthToken):
    """POST username and password, get the token a system sends as `Authorization: Token …`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
