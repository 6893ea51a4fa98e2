from django.urls import path

from . import views
from .levels import views as level_views

app_name = "workflows"
urlpatterns = [
    path("nhiem-vu/", views.tasks, name="tasks"),
    path("nhiem-vu/hang-loat/", views.tasks_bulk, name="tasks_bulk"),
    path("nhiem-vu/<int:pk>/nhan/", views.task_claim, name="task_claim"),
    path("nhiem-vu/<int:pk>/tra-lai/", views.task_release, name="task_release"),
    path("nhiem-vu/<int:pk>/giao-lai/", views.task_reassign, name="task_reassign"),
    path("mo-hinh/", views.initiative_list, name="initiative_list"),
    path("mo-hinh/dang-ky/", views.initiative_create, name="initiative_create"),
    path("mo-hinh/<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("mo-hinh/<int:pk>/sua/", views.initiative_edit, name="initiative_edit"),
    path("mo-hinh/<int:pk>/tep/<int:attachment>/", views.attachment_download, name="attachment"),
    path("mo-hinh/<int:pk>/vu-viec/", views.initiative_flag_case, name="initiative_flag_case"),
    path("mo-hinh/<int:pk>/thao-tac/<slug:action>/", views.initiative_action, name="action"),
    path("don-vi/", views.unit_dashboard, name="unit_dashboard"),
    path("nhat-ky/", views.audit_search, name="audit_search"),
    path("nhat-ky/kiem-tra-chuoi/", views.audit_chain, name="audit_chain"),
    path("dot-thi-dua/", views.campaign_list, name="campaign_list"),
    path("dot-thi-dua/moi/", views.campaign_create, name="campaign_create"),
    path("dot-thi-dua/<int:pk>/sua/", views.campaign_edit, name="campaign_edit"),
    path("cac-nam-truoc/nhap/", views.history_import, name="history_import"),
    path("cac-nam-truoc/mau.xlsx", views.history_template, name="history_template"),
    path("cap-tren-cap-duoi/", level_views.levels, name="levels"),
    path(
        "cap-tren-cap-duoi/<int:committee_id>/danh-gia/",
        level_views.open_review,
        name="open_review",
    ),
    path("danh-gia-hang-nam/<int:pk>/", level_views.annual_review, name="annual_review"),
]
