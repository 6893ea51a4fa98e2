"""The forms of signing in, asking for a password link and setting a password, in the site's
languages (Django's Vietnamese catalogue lacks their messages)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

User = get_user_model()


class SignInForm(AuthenticationForm):
    """The username or the e-mail address (accounts.backends), and the password."""

    username = forms.CharField(
        label=_("Tên đăng nhập hoặc email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập (hoặc email) hoặc mật khẩu không đúng. Mật khẩu phân biệt chữ hoa, "
            "chữ thường."
        ),
        "inactive": _("Tài khoản này đang bị khóa."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sets the field's length and label from the username field.
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254
        self.fields["username"].label = _("Tên đăng nhập hoặc email")
        self.fields["password"].label = _("Mật khẩu")


class PasswordLinkForm(PasswordResetForm):
    """ "Forgot password": an e-mail address or a username. The link goes to the account's
    e-mail, also for a person who never set a password (imported, not activated yet): asking
    for the link again is how a lost or expired invitation is replaced."""

    email = forms.CharField(
        label=_("Email hoặc tên đăng nhập"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        login = email.strip()
        match = Q(username=login)
        if "@" in login:
            match |= Q(email__iexact=login)
        return [u for u in User._default_manager.filter(match, is_active=True) if u.email]

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class NewPasswordForm(SetPasswordForm):
    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": _("Hai lần nhập mật khẩu không khớp nhau."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.fields["new_password2"].help_text = _("Nhập lại đúng mật khẩu trên.")
