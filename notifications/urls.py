from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("thong-bao/", views.notification_list, name="list"),
    path("thong-bao/da-doc/", views.mark_read, name="mark_read"),
    path("thong-bao/doc-het/", views.mark_all_read, name="mark_all_read"),
    path("thong-bao/cai-dat/", views.preferences, name="preferences"),
]
