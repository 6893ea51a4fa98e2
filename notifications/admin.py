from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification, Outbox, Preference, ReminderLog, Webhook


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Failed rows stay here for administrators to see and resend; nothing is ever dropped."""

    list_display = ["pk", "event", "recipient", "webhook", "status", "attempts", "created"]
    list_filter = ["status", "event"]
    search_fields = ["recipient__username", "recipient__full_name", "last_error"]
    date_hierarchy = "created"
    actions = ["resend"]
    readonly_fields = [f.name for f in Outbox._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Gửi lại các thư đã chọn"))
    def resend(self, request, queryset) -> None:
        from .services import dispatch

        ids = list(queryset.filter(status=Outbox.Status.FAILED).values_list("pk", flat=True))
        Outbox.objects.filter(pk__in=ids).update(
            status=Outbox.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        dispatch(ids)
        self.message_user(
            request,
            ngettext("Đã xếp %(n)d thư để gửi lại.", "Đã xếp %(n)d thư để gửi lại.", len(ids))
            % {"n": len(ids)},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["pk", "recipient", "title", "created", "read_at"]
    list_filter = ["event"]
    search_fields = ["recipient__username", "title"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["committee", "url", "is_active"]
    list_filter = ["is_active"]
    autocomplete_fields = []


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "in_app", "email"]
    search_fields = ["user__username", "user__full_name"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "scope_id", "threshold", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "object_id", "scope_id", "threshold", "sent_at"]
