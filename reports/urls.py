from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("bao-cao/", views.overview, name="overview"),
    path("bao-cao/in/", views.report_print, name="report_print"),
    path("bao-cao/xuat/", views.report_export, name="report_export"),
    path("bao-cao/tai-ve.<str:fmt>", views.report_document, name="report_document"),
    path("bao-cao/tep/<int:pk>/", views.job_detail, name="job"),
    path("bao-cao/tep/<int:pk>/tai-ve/", views.job_download, name="job_download"),
    path("bieu-mau/", views.forms_page, name="forms"),
    path("bieu-mau/<int:unit_id>/<int:year>/xlsx/", views.form_xlsx, name="form_xlsx"),
    path("bieu-mau/<int:unit_id>/<int:year>/in/", views.form_print, name="form_print"),
    path(
        "bieu-mau/<int:unit_id>/<int:year>/tai-ve.<str:fmt>",
        views.form_document,
        name="form_document",
    ),
    path("bieu-mau/nhap/", views.form_import, name="form_import"),
    path("bieu-mau/ban-dan-van/", views.committee_forms, name="committee_forms"),
    path(
        "bieu-mau/ban-dan-van/<int:year>/in/",
        views.committee_form_print,
        name="committee_form_print",
    ),
    path(
        "bieu-mau/ban-dan-van/<int:year>/tai-ve.<str:fmt>",
        views.committee_form_document,
        name="committee_form_document",
    ),
    path("cong-khai/", views.public_list, name="public_list"),
    path("cong-khai/<int:pk>/", views.public_detail, name="public_detail"),
    path("cong-khai/<int:pk>/nhan-rong/", views.replicate, name="replicate"),
]
