from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# Django's views find each other by these names (password_reset_done, …): no namespace.
urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", views.PasswordLinkView.as_view(), name="password_reset"),
    # The admin's login page shows a "forgotten your password?" link when this name exists.
    path("admin/quen-mat-khau/", views.PasswordLinkView.as_view(), name="admin_password_reset"),
    path("quen-mat-khau/da-gui/", views.PasswordLinkDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-mat-khau/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("kich-hoat/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation_confirm"),
    path("kich-hoat/xong/", views.InvitationDoneView.as_view(), name="invitation_complete"),
]
