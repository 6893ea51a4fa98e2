from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Award, AwardItem


class AwardItemInline(admin.TabularInline):
    model = AwardItem
    fields = ("position", "initiative", "override_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    """Read here; prepared, numbered and recorded only on the leader's page or the API, which
    go through awards.services (and the door for each model)."""

    list_display = ("__str__", "campaign", "status", "signature_summary", "created_by", "page")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Award._meta.fields] + ["page"]
    inlines = [AwardItemInline]

    @admin.display(description=_("trang văn bản"))
    def page(self, obj: Award) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Mở"))

    def get_queryset(self, request):
        return access.visible_awards(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
