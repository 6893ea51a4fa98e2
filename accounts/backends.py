"""Signing in with the username or the e-mail address.

The username is tried first, exactly as Django matches it. Otherwise text with an "@" is an
e-mail address, matched whatever its case; an address that several active accounts share signs
nobody in (those people use their username). django-axes counts failures per account: the
e-mail is turned into the account's username (axes_username), so that switching between the
two does not double the number of guesses.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

User = get_user_model()


def find_user(login: str | None):
    """The account `login` names (a username, or an e-mail only one active account has)."""
    if not login:
        return None
    try:
        return User._default_manager.get_by_natural_key(login)
    except User.DoesNotExist:
        pass
    if "@" not in login:
        return None
    matches = list(User._default_manager.filter(email__iexact=login, is_active=True)[:2])
    return matches[0] if len(matches) == 1 else None


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Hash anyway, as ModelBackend does, so that timing does not tell who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials: dict | None = None) -> str | None:
    """settings.AXES_USERNAME_CALLABLE: what the person typed, as the account's username when
    it names one (so an e-mail and the username share one count)."""
    if credentials:
        login = credentials.get("username")
    elif request is not None:
        data = getattr(request, "data", None) or request.POST
        login = data.get("username")
    else:
        return None
    user = find_user(login)
    return user.username if user is not None else login
