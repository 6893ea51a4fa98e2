"""Who am I: the caller and their roles; the tokens a system signs in with (accounts.tokens):
sign in, sign out, list and revoke one's own."""

from __future__ import annotations

from django.contrib.auth import logout
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from units.selectors import memberships_of

from . import tokens
from .models import ApiToken
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
    token = serializers.CharField(
        help_text="Gửi kèm mỗi yêu cầu: `Authorization: Token <token>`."
    )
    expires_at = serializers.DateTimeField(help_text="Hết hạn lúc (API_TOKEN_TTL_HOURS).")


class TokenInfoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prefix = serializers.CharField(help_text="8 ký tự đầu của mã, để nhận ra mã nào.")
    created = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(source="expires")
    last_used = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField(help_text="Mã của chính yêu cầu này.")

    def get_current(self, token) -> bool:
        return token == self.context.get("current")


class TokenView(APIView):
    """Sign in (POST) and out (DELETE) with a token."""

    serializer_class = AuthTokenSerializer

    signing_in = False

    def initialize_request(self, request, *args, **kwargs):
        self.signing_in = request.method == "POST"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        # Signing in reads no credentials but the body: an old or expired token sent along
        # (or a session without its CSRF token) must not stand in the way.
        return [] if self.signing_in else super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if self.signing_in else super().get_permissions()

    @extend_schema(
        tags=["accounts"],
        summary="Đăng nhập: lấy token truy cập mới",
        description=(
            "Gửi tên đăng nhập và mật khẩu, nhận một token mới (mỗi lần đăng nhập một token "
            "riêng, hết hạn sau API_TOKEN_TTL_HOURS giờ: `expires_at`), rồi gửi kèm mỗi yêu cầu "
            "`Authorization: Token <token>`. Token hết hạn: 401 `token_expired`, đăng nhập lại. "
            "Sai mật khẩu quá nhiều lần (django-axes, theo tên đăng nhập và địa chỉ IP): 429 "
            "`locked_out`, kể cả khi mật khẩu đúng, cho đến hết thời gian khóa."
        ),
        request=AuthTokenSerializer,
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
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes flags the request it was given: DRF's, not Django's underneath.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise
        tokens.purge_expired()
        token, key = tokens.issue(serializer.validated_data["user"])
        return Response(TokenResponseSerializer({"token": key, "expires_at": token.expires}).data)

    @extend_schema(
        tags=["accounts"],
        summary="Đăng xuất: thu hồi token đang dùng",
        description=(
            "Thu hồi token gửi kèm yêu cầu này (với phiên đăng nhập của trình duyệt: kết thúc "
            "phiên). Đổi mật khẩu cũng thu hồi mọi token của người đó."
        ),
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyTokensView(APIView):
    """The caller's live tokens (never their keys); DELETE revokes all of them."""

    @extend_schema(
        tags=["accounts"],
        summary="Các token còn hạn của tôi",
        description="Không bao giờ trả lại mã: chỉ 8 ký tự đầu (`prefix`) để nhận ra.",
        responses=TokenInfoSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = ApiToken.objects.filter(user=request.user, expires__gt=timezone.now())
        context = {"current": request.auth if isinstance(request.auth, ApiToken) else None}
        return Response(TokenInfoSerializer(rows, many=True, context=context).data)

    @extend_schema(
        tags=["accounts"],
        summary="Thu hồi mọi token của tôi",
        description="Mọi máy khách đang dùng token của tôi (kể cả yêu cầu này) phải đăng nhập lại.",
        operation_id="auth_tokens_revoke_all",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        tokens.revoke_all(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["accounts"],
    summary="Thu hồi một token của tôi",
    description="Theo `id` trong danh sách token của tôi; token của người khác: 404.",
    operation_id="auth_tokens_revoke",
    request=None,
    responses={204: None},
)
@api_view(["DELETE"])
def revoke_my_token(request: Request, pk: int) -> Response:
    if pk >= 2**62:  # past the column's range: not a token of anyone's
        raise NotFound()
    deleted, _rows = ApiToken.objects.filter(user=request.user, pk=pk).delete()
    if not deleted:
        raise NotFound()
    return Response(status=status.HTTP_204_NO_CONTENT)
