from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("dot-thi-dua/<int:pk>/van-ban/", views.campaign_awards, name="campaign"),
    path("dot-thi-dua/<int:pk>/van-ban/moi/<slug:kind>/", views.award_create, name="create"),
    path("van-ban/<int:pk>/", views.award_detail, name="detail"),
    path("van-ban/<int:pk>/tai-ve.<str:fmt>", views.award_download, name="download"),
    path("van-ban/<int:pk>/cap-so/", views.award_issue, name="issue"),
    path("van-ban/<int:pk>/ghi-nhan/", views.award_record, name="record"),
    path("van-ban/<int:pk>/tep-da-ky/", views.award_signed_file, name="signed_file"),
    path("van-ban/<int:pk>/giay-chung-nhan/", views.award_certificates, name="certificates"),
    path("mo-hinh/<int:pk>/giay-chung-nhan/", views.initiative_certificate, name="certificate"),
]
