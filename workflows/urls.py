from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("nhiem-vu/", views.tasks, name="tasks"),
    path("mo-hinh/", views.initiative_list, name="initiative_list"),
    path("mo-hinh/<int:pk>/", views.initiative_detail, name="initiative_detail"),
]
