"""`Authorization: Token <key>` for the API (REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]):
DRF's TokenAuthentication over accounts.models.ApiToken, which expire."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken
from .tokens import hash_key

# last_used is written at most this often per token (not one UPDATE per request).
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class TokenExpired(AuthenticationFailed):
    default_code = "token_expired"
    default_detail = _("Mã truy cập đã hết hạn; hãy đăng nhập lại để lấy mã mới.")


class ExpiringTokenAuthentication(TokenAuthentication):
    """request.user is the token's person, request.auth the ApiToken."""

    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None or not token.user.is_active:
            raise AuthenticationFailed()
        now = timezone.now()
        if token.expires <= now:
            raise TokenExpired()
        if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token.user, token
