from django.contrib import admin

from .models import IssuerProfile, RegisteredDocument


@admin.register(IssuerProfile)
class IssuerProfileAdmin(admin.ModelAdmin):
    list_display = ("unit", "symbol", "parent_body", "place", "signer_title", "signer_name")
    search_fields = ("unit__name", "unit__code", "symbol")
    raw_id_fields = ("unit",)


@admin.register(RegisteredDocument)
class RegisteredDocumentAdmin(admin.ModelAdmin):
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
