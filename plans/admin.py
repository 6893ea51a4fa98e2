"""The admin: plans, filings, calendars and periods are read-only here and scoped by the same
access rule as the pages (plans.access); moves go through the engine's door as admin actions
(those that take no data nor reason), the others through their page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.request import meta_from

from . import access, selectors, services
from .actions import FILING_ACTIONS, PLAN_ACTIONS
from .models import Filing, Plan, PlanTask, ReportingCalendar, ReportPeriod


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff


def _door_action(name: str, spec, perform):
    def run(modeladmin, request, queryset):
        done = 0
        for subject in queryset:
            try:
                perform(subject.pk, name, actor=request.user, meta=meta_from(request))
            except DomainError as exc:
                messages.error(request, f"{subject}: {exc.message}")
            else:
                done += 1
        if done:
            messages.success(
                request, _("Đã “%(action)s”: %(n)s.") % {"action": spec.label, "n": done}
            )

    run.__name__ = f"door_{name}"
    run.short_description = spec.label
    return run


def _plain(registry, perform) -> list:
    return [
        _door_action(a.name, a, perform)
        for a in registry.values()
        if not a.inputs and not a.needs_reason
    ]


class TaskInline(admin.TabularInline):
    model = PlanTask
    extra = 0
    can_delete = False
    fields = ["position", "content", "lead_unit", "ongoing", "starts_on", "ends_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnly):
    list_display = ["__str__", "committee", "state", "deadline", "issued_on"]
    list_filter = ["state", "year"]
    search_fields = ["title", "symbol"]
    inlines = [TaskInline]
    actions = _plain(PLAN_ACTIONS, services.perform_plan)
    readonly_fields = ["page"]

    @admin.display(description=gettext_lazy("Trang"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Mở trang kế hoạch"))

    def get_queryset(self, request):
        return access.visible_plans(request.user)


@admin.register(Filing)
class FilingAdmin(ReadOnly):
    list_display = ["__str__", "kind", "state", "due_on", "filed_late", "returned_count"]
    list_filter = ["kind", "state", "filed_late"]
    search_fields = ["unit__name", "title"]
    actions = _plain(FILING_ACTIONS, services.perform_filing)
    readonly_fields = ["page"]

    @admin.display(description=gettext_lazy("Trang"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Mở trang văn bản"))

    def get_queryset(self, request):
        return access.visible_filings(request.user)


@admin.register(ReportingCalendar)
class CalendarAdmin(ReadOnly):
    list_display = ["__str__", "monthly_day", "quarterly_day", "half_year_day", "year_day"]

    def get_queryset(self, request):
        return selectors.visible_calendars(request.user)


@admin.register(ReportPeriod)
class PeriodAdmin(ReadOnly):
    list_display = ["__str__", "starts_on", "ends_on", "due_on"]

    def get_queryset(self, request):
        return selectors.visible_periods(request.user)
