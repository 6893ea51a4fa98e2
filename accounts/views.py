"""Django's sign-in, "forgot password" and set-password views, in the site's languages, and the
page an invitation's link opens (units.invitations)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from units.invitations import invitation_token

from .forms import NewPasswordForm, PasswordLinkForm, SignInForm


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm


class PasswordLinkView(auth_views.PasswordResetView):
    form_class = PasswordLinkForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_context_data(self, **kwargs):
        return super().get_context_data(hours=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs)


class PasswordLinkDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(hours=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link from "forgot password": a new password, then the sign-in page."""

    form_class = NewPasswordForm


class InvitationView(auth_views.PasswordResetConfirmView):
    """The link from an invitation: the person sets their first password (the account becomes
    activated), then signs in. The link works until then, or until INVITATION_VALID_DAYS."""

    form_class = NewPasswordForm
    token_generator = invitation_token
    template_name = "registration/invitation_confirm.html"
    success_url = reverse_lazy("invitation_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class InvitationDoneView(auth_views.PasswordResetCompleteView):
    template_name = "registration/invitation_complete.html"
