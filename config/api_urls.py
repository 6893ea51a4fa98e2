"""/api/v1/: the REST API, its OpenAPI schema and its documentation pages."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts import api as accounts_api
from core.api import not_found
from notifications import api as notifications_api
from reports.api import committee_report
from units import api as units_api
from workflows import api as workflows_api

router = SimpleRouter(trailing_slash=False)
router.register("units", units_api.UnitViewSet, basename="unit")
router.register("initiatives", workflows_api.InitiativeViewSet, basename="initiative")
router.register("tasks", workflows_api.TaskViewSet, basename="task")
router.register("audit", workflows_api.AuditViewSet, basename="audit")
router.register("campaigns", workflows_api.CampaignViewSet, basename="campaign")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/token", accounts_api.TokenView.as_view(), name="token"),
    path("me", accounts_api.me, name="me"),
    path("reports/committee", committee_report, name="committee-report"),
    *router.urls,
    re_path(r"^.*$", not_found),
]
