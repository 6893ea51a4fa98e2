"""API tokens (accounts.models.ApiToken): issued at sign-in, checked on every request
(accounts.authentication), revoked by deleting them.

A key is 40 hexadecimal characters (as DRF's were); the database keeps its SHA-256 and its
first 8 characters, to tell a person's tokens apart."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from .models import ApiToken
from .signals import password_changed


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=float(settings.API_TOKEN_TTL_HOURS))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user) -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the key (the only time the key is known)."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user, key_hash=hash_key(key), prefix=key[:8], created=now, expires=now + ttl()
    )
    return token, key


def purge_expired() -> int:
    return ApiToken.objects.filter(expires__lte=timezone.now()).delete()[0]


def revoke_all(user) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


@receiver(password_changed, dispatch_uid="accounts.tokens.revoke_on_password_change")
def _revoke_on_password_change(sender, user, **kwargs) -> None:
    """A new password signs every API client of the person out (sessions: Django does)."""
    revoke_all(user)
