"""/api/v1/: the REST API, its OpenAPI schema and its documentation pages.

With DEBUG off the schema and the documentation pages are for signed-in people only (decided
per request, so a test can switch DEBUG): the schema answers 401 in the error shape, a page
sends to the login page."""

from functools import wraps

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import BasePermission
from rest_framework.routers import SimpleRouter

from accounts import api as accounts_api
from awards import api as awards_api
from core.api import not_found
from documents import api as documents_api
from notifications import api as notifications_api
from plans import api as plans_api
from reports.api import committee_report
from units import api as units_api
from workflows import api as workflows_api
from workflows.levels import api as level_api

router = SimpleRouter(trailing_slash=False)
router.register("units", units_api.UnitViewSet, basename="unit")
router.register("initiatives", workflows_api.InitiativeViewSet, basename="initiative")
router.register("tasks", workflows_api.TaskViewSet, basename="task")
router.register("audit", workflows_api.AuditViewSet, basename="audit")
router.register("campaigns", workflows_api.CampaignViewSet, basename="campaign")
router.register("plans", plans_api.PlanViewSet, basename="plan")
router.register("filings", plans_api.FilingViewSet, basename="filing")
router.register("report-calendars", plans_api.CalendarViewSet, basename="report-calendar")
router.register("report-periods", plans_api.PeriodViewSet, basename="report-period")
router.register("awards", awards_api.AwardViewSet, basename="award")
router.register("reviews", level_api.AnnualReviewViewSet, basename="annual-review")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")


class SignedInUnlessDebug(BasePermission):
    def has_permission(self, request, view) -> bool:
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)


# Swagger UI and Redoc (drf-spectacular-sidecar, served from here) set inline styles, Redoc
# starts a web worker from a blob: URL, both show data: images. Scripts stay 'self': Swagger UI
# is the "split" view, whose start-up script is a request of its own.
DOCS_CSP = {
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:"],
    "font-src": ["data:"],
    "worker-src": [SELF, "blob:"],
}


def docs_page(view):
    """A documentation page: signed-in people only unless DEBUG, with DOCS_CSP."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if not settings.DEBUG and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return csp_update(DOCS_CSP)(page)


docs_access = {"permission_classes": [SignedInUnlessDebug]}

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(**docs_access), name="schema"),
    path(
        "docs/",
        docs_page(SpectacularSwaggerSplitView.as_view(url_name="api:schema", **docs_access)),
        name="docs",
    ),
    path(
        "redoc/",
        docs_page(SpectacularRedocView.as_view(url_name="api:schema", **docs_access)),
        name="redoc",
    ),
    path("auth/token", accounts_api.TokenView.as_view(), name="token"),
    path("auth/tokens", accounts_api.MyTokensView.as_view(), name="tokens"),
    path("auth/tokens/<int:pk>", accounts_api.revoke_my_token, name="token-revoke"),
    path("me", accounts_api.me, name="me"),
    path("reports/committee", committee_report, name="committee-report"),
    path("documents/register", documents_api.register, name="document-register"),
    path(
        "initiatives/<int:pk>/certificate",
        awards_api.initiative_certificate,
        name="initiative-certificate",
    ),
    *router.urls,
    # Everything else, a path with a newline (%0A) included: 404 in the error shape.
    re_path(r"^[\s\S]*$", not_found),
]
