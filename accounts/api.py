"""Who am I: the caller and their roles; and the token a system signs in with."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ErrorSerializer
from units.selectors import memberships_of

from .signin import LockedOut


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


@extend_schema(
    tags=["accounts"],
    summary="Lấy token truy cập",
    responses={
        200: TokenResponseSerializer,
        429: OpenApiResponse(
            ErrorSerializer,
            description=(
                "Sai mật khẩu quá nhiều lần: tên đăng nhập này tạm khóa từ địa chỉ IP này "
                "(code `locked_out`, header Retry-After)."
            ),
        ),
    },
)
class TokenView(ObtainAuthToken):
    """POST username and password, get the token a system sends as `Authorization: Token …`.
    After too many wrong passwords (django-axes, per username and IP address) the answer is
    429 `locked_out`, even for the right password, until the cool-off has passed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes flags the request it was given: DRF's, not Django's underneath.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise
