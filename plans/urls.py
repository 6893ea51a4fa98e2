from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("ke-hoach/", views.index, name="index"),
    path("ke-hoach/moi/", views.plan_create, name="plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("ke-hoach/<int:pk>/tep/<int:attachment>/", views.plan_attachment, name="plan_attachment"),
    path("ke-hoach/<int:pk>/thao-tac/<slug:action>/", views.plan_action, name="plan_action"),
    path("ke-hoach/van-ban/<int:pk>/", views.filing_detail, name="filing_detail"),
    path(
        "ke-hoach/van-ban/<int:pk>/thao-tac/<slug:action>/",
        views.filing_action,
        name="filing_action",
    ),
    path("bao-cao-dinh-ky/", views.reporting, name="reporting"),
    path("bao-cao-dinh-ky/ky/<int:pk>/", views.period_detail, name="period_detail"),
    path("bao-cao-dinh-ky/so-ket/", views.review, name="review"),
]
