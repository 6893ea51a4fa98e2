from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from units import views as unit_views

# The admin carries the service's name, not Django's ("Trang quản trị cho Django").
admin.site.site_header = _("Quản trị hệ thống “Dân vận khéo”")
admin.site.site_title = _("Quản trị “Dân vận khéo”")
admin.site.index_title = _("Danh mục quản trị")

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("", include("accounts.urls")),
    path("can-bo/", unit_views.people, name="people"),
    path("", include("workflows.urls")),
    path("", include("notifications.urls")),
    path("", include("reports.urls")),
    path("", include("plans.urls")),
    path("", include("awards.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
# No route for MEDIA_URL, with DEBUG on or off: attachments and export files go out only
# through views that apply their object's access rule (core.files.serve_file).
