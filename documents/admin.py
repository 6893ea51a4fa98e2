from django.contrib import admin

from .models import IssuerProfile, RegisteredDocument


class SuperusersOnly:
    """Issuing details and registers of every unit: the system's administrators', not every
    staff account's (a unit's people see their register through the API)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(IssuerProfile)
class IssuerProfileAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ("unit", "symbol", "parent_body", "place", "signer_title", "signer_name")
    search_fields = ("unit__name", "unit__code", "symbol")
    raw_id_fields = ("unit",)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(RegisteredDocument)
class RegisteredDocumentAdmin(SuperusersOnly, admin.ModelAdmin):
    """The register is read here, never written: numbers are given only by the service."""

    list_display = ("symbol", "title", "issued_on", "issuer", "created_by", "created_at")
    list_filter = ("year", "kind")
    search_fields = ("title", "issuer__name", "issuer_symbol")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
