"""Invitations: an e-mail with a one-time link for a person to set their password.

People come in through the people import without a password (an unusable one): they are "not
activated" (chưa kích hoạt) until they set one. An invitation carries a link to
accounts' "kich-hoat/<uid>/<token>/" page, signed with Django's token generator under a salt of
its own; the link expires after settings.INVITATION_VALID_DAYS and stops working once the
password is set (the token hashes the password), so sending again is safe: each invitation has
a new link, and every earlier one dies with the first password set.

Sent from the import (page and `import_people --invite`), from the admin's action on users
and from the committee leader's people page (units.views.people). Here, in units, because the
people import that creates these accounts is here; the pages that take the link are accounts'.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Membership

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, with its own salt and lifetime (INVITATION_VALID_DAYS):
    a reset link is not an invitation link, nor the other way round."""

    key_salt = "units.invitations.InvitationTokenGenerator"

    def valid_seconds(self) -> int:
        return int(settings.INVITATION_VALID_DAYS * 24 * 3600)

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= self.valid_seconds()


invitation_token = InvitationTokenGenerator()


def not_activated_q() -> Q:
    """People who never set a password (an unusable one, or none): User.is_activated in SQL."""
    return Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) | Q(password="")


def invitation_path(user) -> str:
    return reverse(
        "invitation_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token.make_token(user),
        },
    )


def invitation_url(user) -> str:
    return settings.SITE_URL.rstrip("/") + invitation_path(user)


@dataclass
class InvitationReport:
    """Who got an invitation and who did not, and why."""

    sent: list = field(default_factory=list)
    no_email: list = field(default_factory=list)
    activated: list = field(default_factory=list)
    inactive: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def message(self) -> str:
        sent = len(self.sent)
        parts = [
            ngettext(
                "Đã gửi %(n)d thư mời đặt mật khẩu.", "Đã gửi %(n)d thư mời đặt mật khẩu.", sent
            )
            % {"n": sent}
        ]
        if self.no_email:
            parts.append(
                _("%(n)d người chưa có email nên chưa mời được: %(names)s.")
                % {"n": len(self.no_email), "names": _names(self.no_email)}
            )
        if self.activated:
            parts.append(
                _("%(n)d người đã kích hoạt tài khoản, không cần mời.") % {"n": len(self.activated)}
            )
        if self.inactive:
            parts.append(_("%(n)d tài khoản đang bị khóa, không mời.") % {"n": len(self.inactive)})
        if self.failed:
            parts.append(
                _("%(n)d thư chưa gửi được (máy chủ thư lỗi), hãy gửi lại sau: %(names)s.")
                % {"n": len(self.failed), "names": _names(self.failed)}
            )
        return " ".join(parts)

    @property
    def ok(self) -> bool:
        return not self.failed


def _names(users: list, limit: int = 10) -> str:
    shown = ", ".join(u.username for u in users[:limit])
    return shown + (" …" if len(users) > limit else "")


def send_invitations(users: Iterable, *, invited_by=None) -> InvitationReport:
    """E-mail an invitation to each active person who has an e-mail and has not set a password
    yet; the others are counted in the report, with the reason. Each person's mail is in their
    language (User.language). A mail server that fails leaves those people for a later try."""
    report = InvitationReport()
    to_send = []
    for user in users:
        if not user.is_active:
            report.inactive.append(user)
        elif user.is_activated:
            report.activated.append(user)
        elif not user.email:
            report.no_email.append(user)
        else:
            to_send.append(user)
    if not to_send:
        return report
    try:
        with get_connection() as connection:
            for user in to_send:
                try:
                    connection.send_messages([_message(user, invited_by)])
                except Exception:
                    logger.exception("invitation to %s not sent", user.username)
                    report.failed.append(user)
                else:
                    user.invited_at = timezone.now()
                    user.save(update_fields=["invited_at"])
                    report.sent.append(user)
    except Exception:  # the connection itself: nobody left was sent anything
        logger.exception("mail server unavailable for invitations")
        done = {u.pk for u in report.sent} | {u.pk for u in report.failed}
        report.failed.extend(u for u in to_send if u.pk not in done)
    return report


def _message(user, invited_by) -> EmailMessage:
    language = user.language if user.language in dict(settings.LANGUAGES) else "vi"
    expires = timezone.localtime() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)
    roles = (
        Membership.objects.filter(user=user, is_active=True, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    with translation.override(language):
        context = {
            "user": user,
            "link": invitation_url(user),
            "login_url": settings.SITE_URL.rstrip("/") + reverse("login"),
            "reset_url": settings.SITE_URL.rstrip("/") + reverse("password_reset"),
            "expires": expires,
            "roles": [(m.get_role_display(), m.unit.name) for m in roles],
            "invited_by": invited_by,
        }
        subject = render_to_string("registration/invitation_subject.txt", context)
        body = render_to_string("registration/invitation_email.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])
