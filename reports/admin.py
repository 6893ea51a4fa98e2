from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("kind", "requested_by", "status", "progress", "created", "finished")
    list_filter = ("kind", "status")
    # The file is the asker's alone (its page, /bao-cao/tep/<id>/): no link here, and nothing
    # serves /media/.
    readonly_fields = [f.name for f in ExportJob._meta.fields if f.name != "file"]
    exclude = ("file",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
